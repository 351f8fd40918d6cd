import Crypto
import Foundation
import VerdictChanges
#if canImport(_CryptoExtras)
import _CryptoExtras
#endif

/// Bearer tokens issued by a company's identity provider (single sign-on, issue 32): JSON Web Tokens
/// signed with ES256 (ECDSA P-256) or RS256 (RSA PKCS #1 v1.5 with SHA-256), verified against the
/// provider's published keys (a JWKS file, `--jwks-file`).
///
/// A token is accepted only when its signature verifies with the key its header names (`kid`), its
/// `alg` is ES256 or RS256 and fits that key, `exp` is in the future and `nbf` (if any) in the past
/// (with ``leeway`` of clock skew), `iss` is the configured issuer and `aud` names the configured
/// audience. The caller is the name claim (`sub` by default), with the role the role claim gives (a
/// string, or a list of which the highest known role counts). `none`, HS256 and any other algorithm are
/// refused, so a key published for verification can never be used as a shared secret.
///
/// RS256 needs swift-crypto's `_CryptoExtras` (the product `CryptoExtras`) linked into the target; without
/// it an RSA key in the JWKS file is refused when the file is read, with that reason.
public struct JWTVerifier: Sendable {
    /// Why a JWKS file or a configuration cannot be used, or why a token is refused.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// What was wrong (never the token).
        public var description: String
    }

    /// One verification key of the JWKS file, as bytes (checked to make a key when the file is read).
    enum Key: Sendable {
        /// A P-256 point, `x` then `y`.
        case es256(raw: [UInt8])
        /// An RSA modulus and exponent.
        case rs256(n: [UInt8], e: [UInt8])

        var algorithm: String {
            switch self {
            case .es256: "ES256"
            case .rs256: "RS256"
            }
        }
    }

    /// The keys by `kid` (a key without one is kept under "").
    let keys: [(id: String, key: Key)]
    /// The `iss` a token must have.
    public let issuer: String
    /// The audience a token's `aud` must name.
    public let audience: String
    /// The claim that holds the caller's role (`role`, `roles`, `groups`, …).
    public let roleClaim: String
    /// The claim that holds the caller's name (`sub` by default; `preferred_username`, `email`).
    public let nameClaim: String
    /// Seconds of clock skew allowed on `exp` and `nbf`.
    public static let leeway: Int64 = 60
    /// The longest token read: a longer one is refused unread.
    public static let maximumLength = 16 * 1024

    /// A verifier of tokens from `issuer` for `audience`, with the keys of a JWKS document.
    public init(jwks: Data, issuer: String, audience: String, roleClaim: String, nameClaim: String = "sub",
                source: String = "JWKS file") throws(Failure) {
        guard let root = try? JSONSerialization.jsonObject(with: jwks) as? [String: Any],
              let list = root["keys"] as? [[String: Any]] else {
            throw Failure(description: "\(source): not a JWKS document (a JSON object with a `keys` list)")
        }
        var keys: [(String, Key)] = []
        for (i, jwk) in list.enumerated() {
            let kid = jwk["kid"] as? String ?? ""
            let label = "\(source): key \(i + 1)\(kid.isEmpty ? "" : " (`\(kid)`)")"
            if let use = jwk["use"] as? String, use != "sig" { continue }  // an encryption key is not for us
            let kty = jwk["kty"] as? String ?? ""
            let alg = jwk["alg"] as? String
            switch kty {
            case "EC":
                guard jwk["crv"] as? String == "P-256", alg == nil || alg == "ES256" else {
                    throw Failure(description: "\(label): only P-256 (ES256) EC keys are supported")
                }
                guard let x = (jwk["x"] as? String).flatMap(Self.base64URL), let y = (jwk["y"] as? String).flatMap(Self.base64URL),
                      x.count == 32, y.count == 32, (try? P256.Signing.PublicKey(rawRepresentation: x + y)) != nil else {
                    throw Failure(description: "\(label): `x` and `y` are not a P-256 point")
                }
                keys.append((kid, .es256(raw: x + y)))
            case "RSA":
                guard alg == nil || alg == "RS256" else { throw Failure(description: "\(label): only RS256 RSA keys are supported, not \(alg!)") }
                #if canImport(_CryptoExtras)
                guard let n = (jwk["n"] as? String).flatMap(Self.base64URL), let e = (jwk["e"] as? String).flatMap(Self.base64URL),
                      let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                    throw Failure(description: "\(label): `n` and `e` are not an RSA public key")
                }
                guard key.keySizeInBits >= 2048 else { throw Failure(description: "\(label): an RSA key of \(key.keySizeInBits) bits; at least 2048") }
                keys.append((kid, .rs256(n: n, e: e)))
                #else
                throw Failure(description: "\(label): RS256 keys need swift-crypto's CryptoExtras, which this build does not link")
                #endif
            default:
                throw Failure(description: "\(label): key type `\(kty)` is not supported (EC P-256 or RSA)")
            }
        }
        guard !keys.isEmpty else { throw Failure(description: "\(source): no signing key") }
        guard !issuer.isEmpty, !audience.isEmpty, !roleClaim.isEmpty else {
            throw Failure(description: "JWT sign-in needs --jwt-issuer, --jwt-audience and --jwt-role-claim")
        }
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.roleClaim = roleClaim
        self.nameClaim = nameClaim
    }

    /// Reads a JWKS file.
    public static func load(file path: String, issuer: String, audience: String, roleClaim: String, nameClaim: String = "sub") throws(Failure) -> JWTVerifier {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read JWKS file `\(path)`") }
        return try JWTVerifier(jwks: data, issuer: issuer, audience: audience, roleClaim: roleClaim, nameClaim: nameClaim, source: path)
    }

    /// True when `token` has the shape of a JWT (three base64url parts), so it is this verifier's to judge.
    public static func looksLikeJWT(_ token: some Collection<UInt8>) -> Bool {
        guard token.count <= maximumLength else { return false }
        var dots = 0
        for c in token {
            if c == UInt8(ascii: ".") { dots += 1; continue }
            guard base64URLAlphabet.contains(c) else { return false }
        }
        return dots == 2
    }

    /// The caller of a valid token at `now` (seconds since 1970), or why it is refused.
    public func verify(_ token: some Collection<UInt8>, now: Int64 = Int64(Date().timeIntervalSince1970)) throws(Failure) -> Identity {
        try verified(token, now: now).identity
    }

    /// The caller of a valid token at `now` and the token's expiry (`exp`, seconds since 1970), or why it is refused.
    public func verified(_ token: some Collection<UInt8>, now: Int64 = Int64(Date().timeIntervalSince1970)) throws(Failure) -> (identity: Identity, expiry: Int64) {
        guard token.count <= Self.maximumLength else { throw Failure(description: "the token is longer than \(Self.maximumLength) bytes") }
        let text = String(decoding: Array(token), as: UTF8.self)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Self.base64URL(String(parts[0])), let payloadBytes = Self.base64URL(String(parts[1])),
              let signature = Self.base64URL(String(parts[2])),
              let header = try? JSONSerialization.jsonObject(with: Data(headerBytes)) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: Data(payloadBytes)) as? [String: Any] else {
            throw Failure(description: "not a JSON Web Token")
        }
        guard let alg = header["alg"] as? String, alg == "ES256" || alg == "RS256" else {
            throw Failure(description: "the token's algorithm `\(header["alg"] as? String ?? "none")` is not accepted (ES256 or RS256)")
        }
        let kid = header["kid"] as? String
        let candidates = keys.filter { ($0.id == kid || kid == nil) && $0.key.algorithm == alg }
        guard let key = candidates.first, kid != nil || candidates.count == 1 else {
            throw Failure(description: kid.map { "no \(alg) key `\($0)` in the JWKS file" } ?? "the token names no key (`kid`) and the JWKS file has several")
        }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard Self.valid(signature, of: signed, with: key.key) else { throw Failure(description: "the token's signature does not verify") }

        guard let exp = Self.seconds(claims["exp"]) else { throw Failure(description: "the token has no expiry (`exp`)") }
        guard now < exp + Self.leeway else { throw Failure(description: "the token expired") }
        if let nbf = Self.seconds(claims["nbf"]), now + Self.leeway < nbf { throw Failure(description: "the token is not valid yet (`nbf`)") }
        guard claims["iss"] as? String == issuer else { throw Failure(description: "the token's issuer is not `\(issuer)`") }
        let audiences = (claims["aud"] as? [String]) ?? (claims["aud"] as? String).map { [$0] } ?? []
        guard audiences.contains(audience) else { throw Failure(description: "the token is not for the audience `\(audience)`") }
        guard let name = claims[nameClaim] as? String, Identity.isValidName(name) else {
            throw Failure(description: "the token's `\(nameClaim)` is not a user name (1 to 64 letters, digits and . _ - @)")
        }
        let roleValues = (claims[roleClaim] as? [String]) ?? (claims[roleClaim] as? String).map { [$0] } ?? []
        guard let role = roleValues.compactMap(Role.init(rawValue:)).max() else {
            throw Failure(description: "the token's `\(roleClaim)` names no role (viewer, editor, approver or admin)")
        }
        return (Identity(name: name, role: role), exp)
    }

    static func valid(_ signature: [UInt8], of data: [UInt8], with key: Key) -> Bool {
        switch key {
        case .es256(let raw):
            guard signature.count == 64, let s = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
                  let k = try? P256.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return k.isValidSignature(s, for: data)
        case .rs256(let n, let e):
            #if canImport(_CryptoExtras)
            guard let k = try? _RSA.Signing.PublicKey(n: n, e: e) else { return false }
            return k.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
            #else
            return false
            #endif
        }
    }

    /// A NumericDate claim (JSON number) as whole seconds.
    static func seconds(_ value: Any?) -> Int64? {
        (value as? NSNumber)?.int64Value
    }

    static let base64URLAlphabet = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8))

    /// base64url without padding (RFC 7515) to bytes; nil for anything else.
    static func base64URL(_ s: String) -> [UInt8]? {
        guard s.utf8.allSatisfy({ base64URLAlphabet.contains($0) }), s.utf8.count % 4 != 1 else { return nil }
        var b = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.utf8.count % 4 != 0 { b += "=" }
        return Data(base64Encoded: b).map { Array($0) }
    }
}
