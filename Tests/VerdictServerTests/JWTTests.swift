import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
#if canImport(_CryptoExtras)
import _CryptoExtras
#endif
import VerdictChanges
@testable import VerdictServer

/// Bearer JWTs from a company identity provider (issue 32): ES256 tokens signed here with a key whose
/// public half is in a JWKS document; every claim that must hold is broken once and refused.
@Suite struct JWTTests {
    static let keyBytes = P256.Signing.PrivateKey().rawRepresentation
    static let otherBytes = P256.Signing.PrivateKey().rawRepresentation
    static var key: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(rawRepresentation: keyBytes) }
    static var other: P256.Signing.PrivateKey { try! P256.Signing.PrivateKey(rawRepresentation: otherBytes) }
    static let now: Int64 = 1_800_000_000

    static func b64(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func jwks(_ keys: [(String, P256.Signing.PrivateKey)]) -> Data {
        let list = keys.map { kid, k in
            let raw = Array(k.publicKey.rawRepresentation)
            return #"{"kty":"EC","crv":"P-256","kid":"\#(kid)","use":"sig","alg":"ES256","x":"\#(b64(raw[0..<32]))","y":"\#(b64(raw[32...]))"}"#
        }
        return Data(#"{"keys":[\#(list.joined(separator: ","))]}"#.utf8)
    }

    static func token(_ claims: [String: Any], kid: String = "k1", alg: String = "ES256", signer: P256.Signing.PrivateKey? = nil) throws -> String {
        let header = b64(try JSONSerialization.data(withJSONObject: ["alg": alg, "typ": "JWT", "kid": kid], options: [.sortedKeys]))
        let payload = b64(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let signature = try (signer ?? key).signature(for: Array((header + "." + payload).utf8))
        return header + "." + payload + "." + b64(signature.rawRepresentation)
    }

    static func claims(_ changes: [String: Any] = [:]) -> [String: Any] {
        var c: [String: Any] = ["iss": "https://sso.example.com", "aud": "verdict", "sub": "li.wei", "exp": now + 300, "roles": ["viewer", "editor"]]
        for (k, v) in changes { c[k] = v }
        return c
    }

    static func verifier() throws -> JWTVerifier {
        try JWTVerifier(jwks: jwks([("k1", key)]), issuer: "https://sso.example.com", audience: "verdict", roleClaim: "roles")
    }

    static func refusal(_ token: String) throws -> String? {
        let v = try verifier()
        do { _ = try v.verify(Array(token.utf8), now: now); return nil } catch { return error.description }
    }

    @Test func aValidTokenNamesTheCallerWithTheHighestRole() throws {
        #expect(try Self.verifier().verify(Array(Self.token(Self.claims()).utf8), now: Self.now) == Identity(name: "li.wei", role: .editor))
        let single = try Self.token(Self.claims(["roles": "approver", "aud": ["other", "verdict"]]))
        #expect(try Self.verifier().verify(Array(single.utf8), now: Self.now) == Identity(name: "li.wei", role: .approver))
        #expect(JWTVerifier.looksLikeJWT(Array(try Self.token(Self.claims()).utf8)))
        #expect(!JWTVerifier.looksLikeJWT(Array("vu_0123456789abcdef".utf8)))
    }

    @Test func everyClaimThatMustHoldIsChecked() throws {
        #expect(try Self.refusal(Self.token(Self.claims(["exp": Self.now - 61]))) == "the token expired")
        #expect(try Self.refusal(Self.token(Self.claims(["exp": Self.now - 30]))) == nil, "60 s of clock skew")
        #expect(try Self.refusal(Self.token(Self.claims().filter { $0.key != "exp" })) == "the token has no expiry (`exp`)")
        #expect(try Self.refusal(Self.token(Self.claims(["nbf": Self.now + 120]))) == "the token is not valid yet (`nbf`)")
        #expect(try Self.refusal(Self.token(Self.claims(["iss": "https://evil.example"]))) == "the token's issuer is not `https://sso.example.com`")
        #expect(try Self.refusal(Self.token(Self.claims(["aud": "someone-else"]))) == "the token is not for the audience `verdict`")
        #expect(try Self.refusal(Self.token(Self.claims(["roles": ["superuser"]]))) == "the token's `roles` names no role (viewer, editor, approver or admin)")
        #expect(try Self.refusal(Self.token(Self.claims(["sub": "li wei"])))?.hasPrefix("the token's `sub` is not a user name") == true)
        // Signed by a key the JWKS does not have, or with its payload changed after signing.
        #expect(try Self.refusal(Self.token(Self.claims(), signer: Self.other)) == "the token's signature does not verify")
        let good = try Self.token(Self.claims()).split(separator: ".").map(String.init)
        let raised = Self.b64(try JSONSerialization.data(withJSONObject: Self.claims(["roles": "admin"]), options: [.sortedKeys]))
        #expect(try Self.refusal([good[0], raised, good[2]].joined(separator: ".")) == "the token's signature does not verify")
        // Algorithms other than ES256 and RS256 (none, a shared secret) and unknown keys.
        let none = Self.b64(Data(#"{"alg":"none","kid":"k1"}"#.utf8)) + "." + good[1] + "."
        #expect(try Self.refusal(none) == "the token's algorithm `none` is not accepted (ES256 or RS256)")
        #expect(try Self.refusal(Self.token(Self.claims(), alg: "HS256")) == "the token's algorithm `HS256` is not accepted (ES256 or RS256)")
        #expect(try Self.refusal(Self.token(Self.claims(), kid: "k9")) == "no ES256 key `k9` in the JWKS file")
        #expect(try Self.refusal("a.b.c") == "not a JSON Web Token")
    }

    @Test func badJWKSFilesAreRefused() throws {
        func failure(_ json: String) -> String? {
            do { _ = try JWTVerifier(jwks: Data(json.utf8), issuer: "i", audience: "a", roleClaim: "r", source: "jwks.json"); return nil } catch { return error.description }
        }
        #expect(failure("[]") == "jwks.json: not a JWKS document (a JSON object with a `keys` list)")
        #expect(failure(#"{"keys":[]}"#) == "jwks.json: no signing key")
        #expect(failure(#"{"keys":[{"kty":"EC","crv":"P-384","kid":"a","x":"AA","y":"AA"}]}"#) == "jwks.json: key 1 (`a`): only P-256 (ES256) EC keys are supported")
        #expect(failure(#"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}"#) == "jwks.json: key 1: `x` and `y` are not a P-256 point")
        #expect(failure(#"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#) == "jwks.json: key 1: key type `oct` is not supported (EC P-256 or RSA)")
        #expect(failure(#"{"keys":[{"kty":"RSA","alg":"RS512","n":"AA","e":"AQAB"}]}"#) == "jwks.json: key 1: only RS256 RSA keys are supported, not RS512")
    }

    @Test func theServiceAcceptsATokenFromTheProvider() async throws {
        var config = ServerConfiguration(policyFolders: [shippedPolicyPath("quality-complaints")])
        config.jwt = try JWTVerifier(jwks: Self.jwks([("k1", Self.key)]), issuer: "https://sso.example.com", audience: "verdict", roleClaim: "roles")
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        let now = Int64(Date().timeIntervalSince1970)
        let editor = try Self.token(Self.claims(["exp": now + 300]))
        let expired = try Self.token(Self.claims(["exp": now - 3600]))
        let admin = try Self.token(Self.claims(["exp": now + 300, "sub": "ops@corp", "roles": "admin"]))
        try await VerdictService(configuration: config, logger: CapturedLog().logger()).application().test(.router) { client in
            #expect(try await client.get("/v1/policies").status == .unauthorized)
            #expect(try await client.get("/v1/policies", token: editor).status == .ok)
            let old = try await client.get("/v1/policies", token: expired)
            #expect(old.status == .unauthorized)
            #expect(json(old.body)["detail"] as? String == "the token expired")
            #expect(try await client.post("/v1/admin/reload", "", token: editor).status == .forbidden)
            #expect(try await client.post("/v1/admin/reload", "", token: admin).status == .ok)
            let page = try await client.get("/", token: editor)
            #expect(text(page.body).contains("Signed in as li.wei (editor)"))
            // The console's sign-in form takes the JWT as a token.
            let csrf = ConsoleFormToken.newFormToken()
            let signIn = try await client.execute(uri: "/login", method: .post,
                                                  headers: [.cookie: "verdict_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "token=\(editor)&next=%2F&csrf=\(csrf)"))
            #expect(signIn.status == .seeOther)
            let cookie = String(try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") }).split(separator: ";")[0])
            #expect(text(try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).body).contains("Signed in as li.wei (editor)"))
        }
    }

    #if canImport(_CryptoExtras)
    /// RS256, once the target links CryptoExtras: a token signed with a 2048-bit key verifies; one signed
    /// with another key, or with PSS instead of PKCS #1 v1.5, does not.
    @Test func rs256() throws {
        let rsa = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let primitives = try rsa.publicKey.getKeyPrimitives()
        let jwks = #"{"keys":[{"kty":"RSA","kid":"r1","alg":"RS256","n":"\#(Self.b64(primitives.modulus))","e":"\#(Self.b64(primitives.publicExponent))"}]}"#
        let verifier = try JWTVerifier(jwks: Data(jwks.utf8), issuer: "https://sso.example.com", audience: "verdict", roleClaim: "roles")
        func token(_ signer: _RSA.Signing.PrivateKey, padding: _RSA.Signing.Padding) throws -> String {
            let header = Self.b64(Data(#"{"alg":"RS256","kid":"r1","typ":"JWT"}"#.utf8))
            let payload = Self.b64(try JSONSerialization.data(withJSONObject: Self.claims(), options: [.sortedKeys]))
            return header + "." + payload + "." + Self.b64(try signer.signature(for: Array((header + "." + payload).utf8), padding: padding).rawRepresentation)
        }
        #expect(try verifier.verify(Array(token(rsa, padding: .insecurePKCS1v1_5).utf8), now: Self.now) == Identity(name: "li.wei", role: .editor))
        #expect(throws: JWTVerifier.Failure.self) { try verifier.verify(Array(token(try _RSA.Signing.PrivateKey(keySize: .bits2048), padding: .insecurePKCS1v1_5).utf8), now: Self.now) }
        #expect(throws: JWTVerifier.Failure.self) { try verifier.verify(Array(token(rsa, padding: .PSS).utf8), now: Self.now) }
    }
    #else
    /// Without CryptoExtras an RSA key is refused when the JWKS file is read, saying why.
    @Test func rs256NeedsCryptoExtras() {
        do {
            _ = try JWTVerifier(jwks: Data(#"{"keys":[{"kty":"RSA","kid":"r1","n":"AQAB","e":"AQAB"}]}"#.utf8), issuer: "i", audience: "a", roleClaim: "r", source: "jwks.json")
            Issue.record("an RSA key was accepted without CryptoExtras")
        } catch {
            #expect(error.description == "jwks.json: key 1 (`r1`): RS256 keys need swift-crypto's CryptoExtras, which this build does not link")
        }
    }
    #endif
}
