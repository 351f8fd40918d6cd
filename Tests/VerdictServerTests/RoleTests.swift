import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import VerdictChanges
@testable import VerdictServer

/// Roles on every route (issue 32): each existing route for each role (allowed, 401 or 403), the
/// trusted proxy's header believed from a trusted peer only, ``Authenticator/require(_:_:context:)``,
/// and console sign-in with a user's own token.
@Suite struct RoleTests {
    static let qc = shippedPolicyPath("quality-complaints")
    static let tokens: [Role: String] = [
        .viewer: "viewer-token-0123456789abcdef", .editor: "editor-token-0123456789abcdef",
        .approver: "approver-token-0123456789abcdef", .admin: "admin-token-0123456789abcdef",
    ]
    static let names: [Role: String] = [.viewer: "wang.fang", .editor: "li.wei", .approver: "zhang.min", .admin: "ops@corp"]

    static let usersYAML: String = {
        var s = "users:\n"
        for role in Role.allCases {
            s += "  - name: \"\(names[role]!)\"\n    role: \(role.rawValue)\n    token_sha256: \(UserDirectory.hash(token: tokens[role]!))\n"
        }
        return s + "  - name: sso.only\n    role: approver\n"
    }()

    static func service(header: String? = nil, proxies: [String] = []) throws -> VerdictService {
        var config = ServerConfiguration(policyFolders: [qc])
        config.users = try UserDirectory(yaml: usersYAML, source: "users.yaml")
        config.trustedUserHeader = header
        config.trustedProxies = proxies.isEmpty ? nil : try TrustedProxies(proxies)
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.port = 0
        return VerdictService(configuration: config, logger: CapturedLog().logger())
    }

    /// Every existing route, with the least role it needs when a users file is given.
    static let routes: [(method: HTTPRequest.Method, path: String, body: String, type: String?, needs: Role)] = [
        (.get, "/v1/policies", "", nil, .viewer),
        (.get, "/v1/policies/quality-complaints", "", nil, .viewer),
        (.get, "/v1/policies/quality-complaints/schema", "", nil, .viewer),
        (.post, "/v1/policies/quality-complaints/decide", henanCase, "application/json", .viewer),
        (.post, "/v1/policies/quality-complaints/decide-batch", henanCase.replacingOccurrences(of: "\n", with: " "), "application/x-ndjson", .viewer),
        (.post, "/v1/admin/reload", "", nil, .admin),
        (.get, "/", "", nil, .viewer),
        (.get, "/try?policy=quality-complaints", "", nil, .viewer),
        (.get, "/draft?policy=quality-complaints", "", nil, .editor),
        (.get, "/table.xlsx?policy=quality-complaints", "", nil, .viewer),
    ]

    @Test func eachRouteForEachRole() async throws {
        try await Self.service().application().test(.router) { client in
            for route in Self.routes {
                var h = HTTPFields()
                if let type = route.type { h[.contentType] = type }
                let anonymous = try await client.execute(uri: route.path, method: route.method, headers: h, body: ByteBuffer(string: route.body))
                #expect(anonymous.status == .unauthorized, "\(route.path) without a token")
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true, "\(route.path)")
                var wrong = h
                wrong[.authorization] = "Bearer not-a-user-token-0123456789"
                #expect(try await client.execute(uri: route.path, method: route.method, headers: wrong, body: ByteBuffer(string: route.body)).status == .unauthorized,
                        "\(route.path) with an unknown token")
                for role in Role.allCases {
                    var authed = h
                    authed[.authorization] = "Bearer \(Self.tokens[role]!)"
                    let r = try await client.execute(uri: route.path, method: route.method, headers: authed, body: ByteBuffer(string: route.body))
                    if role.allows(route.needs) {
                        #expect(r.status == .ok, "\(route.path) as \(role): \(r.status) \(text(r.body).prefix(300))")
                    } else {
                        #expect(r.status == .forbidden, "\(route.path) as \(role): \(r.status)")
                        if route.path.hasPrefix("/v1/admin") {
                            #expect(json(r.body)["type"] as? String == "urn:verdict:problem:insufficient-scope")
                            #expect((json(r.body)["detail"] as? String)?.contains("`\(Self.names[role]!)` is \(role.rawValue)") == true)
                        } else {
                            #expect(text(r.body).contains("needs the editor role"), "the console page says which role")
                        }
                    }
                }
            }
            // Health, readiness and metrics stay open.
            for path in ["/healthz", "/readyz", "/metrics"] { #expect(try await client.get(path).status == .ok) }
        }
    }

    // MARK: - require

    struct PeerSource: RequestContextSource {
        var logger: Logger
        var peer: SocketAddress?
    }

    /// A context whose peer is chosen by the test.
    struct PeerContext: RequestContext, RemoteAddressRequestContext {
        typealias Source = PeerSource
        var coreContext: CoreRequestContextStorage
        let remoteAddress: SocketAddress?
        init(source: PeerSource) {
            coreContext = .init(source: source)
            remoteAddress = source.peer
        }
    }

    static func request(token: String? = nil, header: (String, String)? = nil) -> Request {
        var h = HTTPFields()
        if let token { h[.authorization] = "Bearer \(token)" }
        if let (name, value) = header { h[HTTPField.Name(name)!] = value }
        return Request(head: HTTPRequest(method: .post, scheme: "http", authority: "localhost", path: "/v1/changes", headerFields: h),
                       body: RequestBody(buffer: ByteBuffer()))
    }

    static func context(_ ip: String?) throws -> PeerContext {
        PeerContext(source: PeerSource(logger: Logger(label: "test"), peer: try ip.map { try SocketAddress(ipAddress: $0, port: 40000) }))
    }

    static func problem(_ body: () throws(Problem) -> Identity) -> Problem? {
        do { _ = try body(); return nil } catch { return error }
    }

    @Test func requireGivesTheIdentityOr401Or403() throws {
        let users = try UserDirectory(yaml: Self.usersYAML)
        let auth = Authenticator(users: users, trustedHeader: HTTPField.Name("X-Forwarded-User"), trustedProxies: try TrustedProxies(["10.0.0.0/8"]))
        let local = try Self.context("192.168.5.5")
        #expect(try auth.require(.editor, Self.request(token: Self.tokens[.editor]), context: local) == Identity(name: "li.wei", role: .editor))
        #expect(try auth.require(.editor, Self.request(token: Self.tokens[.admin]), context: local) == Identity(name: "ops@corp", role: .admin))
        let low = Self.problem { () throws(Problem) in try auth.require(.approver, Self.request(token: Self.tokens[.editor]), context: local) }
        #expect(low?.status == .forbidden && low?.code == "insufficient-role")
        let none = Self.problem { () throws(Problem) in try auth.require(.viewer, Self.request(), context: local) }
        #expect(none?.status == .unauthorized && none?.headers[.wwwAuthenticate] != nil)
        let bad = Self.problem { () throws(Problem) in try auth.require(.viewer, Self.request(token: "made-up-token-0123456789"), context: local) }
        #expect(bad?.status == .unauthorized && bad?.code == "invalid-token")

        // The header from a trusted proxy names the user, with the role of the users file.
        let proxy = try Self.context("10.1.2.3")
        #expect(try auth.require(.approver, Self.request(header: ("X-Forwarded-User", "sso.only")), context: proxy) == Identity(name: "sso.only", role: .approver))
        let unknown = Self.problem { () throws(Problem) in try auth.require(.viewer, Self.request(header: ("X-Forwarded-User", "mallory")), context: proxy) }
        #expect(unknown?.status == .unauthorized && unknown?.code == "unknown-user")
        // From any other peer, or with no peer known, the header is ignored: no identity.
        for peer in ["192.168.5.5", "11.0.0.1", nil] as [String?] {
            let ignored = Self.problem { () throws(Problem) in
                try auth.require(.viewer, Self.request(header: ("X-Forwarded-User", "ops@corp")), context: try! Self.context(peer))
            }
            #expect(ignored?.status == .unauthorized && ignored?.code == "unauthorized", "peer \(peer ?? "none")")
        }
        // Open API (nothing configured): reading is anonymous, anything more has no one to name.
        let open = Authenticator()
        #expect(try open.require(.viewer, Self.request(), context: local) == Authenticator.anonymous)
        #expect(Self.problem { () throws(Problem) in try open.require(.editor, Self.request(), context: local) }?.code == "no-identities")
        // --token-file alone: one identity named token, an admin.
        let legacy = Authenticator(api: try TokenSet(tokens: ["legacy-token-0123456789abcdef"]))
        #expect(try legacy.require(.admin, Self.request(token: "legacy-token-0123456789abcdef"), context: local) == Identity(name: "token", role: .admin))
    }

    /// Over a real connection, to the built binary: a separate process, so its answers do not wait on
    /// this test process's threads, which the other suites keep busy.
    @Test func trustedHeaderOverTheNetwork() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-proxy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.usersYAML.write(toFile: folder + "/users.yaml", atomically: true, encoding: .utf8)
        let common = ["--policies", Self.qc, "--users-file", folder + "/users.yaml", "--trusted-user-header", "X-Forwarded-User", "--watch-interval", "0"]
        // The real peer of a loopback connection is 127.0.0.1: trusted here...
        let trusted = try EndToEndTests.Server(common + ["--trusted-proxy", "127.0.0.0/8", "--trusted-proxy", "::1"])
        defer { trusted.stop() }
        #expect(try HTTP.request(port: trusted.port, "GET", "/v1/policies", headers: ["X-Forwarded-User": "wang.fang"]).status == 200)
        let page = try HTTP.request(port: trusted.port, "GET", "/", headers: ["X-Forwarded-User": "zhang.min"])
        #expect(page.status == 200)
        #expect(page.body.contains("Signed in as zhang.min (approver)"), "the header signs in without a form")
        #expect(try HTTP.request(port: trusted.port, "POST", "/v1/admin/reload", headers: ["X-Forwarded-User": "zhang.min"]).status == 403)
        trusted.stop()
        // ...and not trusted here: the same header is ignored.
        let untrusted = try EndToEndTests.Server(common + ["--trusted-proxy", "10.0.0.0/8"])
        defer { untrusted.stop() }
        #expect(try HTTP.request(port: untrusted.port, "GET", "/v1/policies", headers: ["X-Forwarded-User": "ops@corp"]).status == 401)
        let refused = try HTTP.request(port: untrusted.port, "GET", "/", headers: ["X-Forwarded-User": "ops@corp"])
        #expect(refused.status == 401)
        #expect(!refused.body.contains("ops@corp"))
    }

    @Test func consoleSignInWithAUserTokenShowsTheName() async throws {
        let csrf = ConsoleFormToken.newFormToken()
        try await Self.service().application().test(.router) { client in
            var h = HTTPFields()
            h[.cookie] = "verdict_csrf=\(csrf)"
            h[.contentType] = "application/x-www-form-urlencoded"
            let signIn = try await client.execute(uri: "/login", method: .post, headers: h,
                                                  body: ByteBuffer(string: "token=\(Self.tokens[.editor]!)&next=%2F&csrf=\(csrf)"))
            #expect(signIn.status == .seeOther)
            let cookie = try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") })
            #expect(!cookie.contains(Self.tokens[.editor]!))
            let value = String(cookie.split(separator: ";")[0])
            let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: value])
            #expect(page.status == .ok)
            #expect(text(page.body).contains("Signed in as li.wei (editor)"))
            let zh = try await client.execute(uri: "/?lang=zh", method: .get, headers: [.cookie: value])
            #expect(text(zh.body).contains("已登录:li.wei(编辑者)"))
            #expect(try await client.execute(uri: "/draft", method: .get, headers: [.cookie: value]).status == .ok, "an editor may check a draft")

            // The viewer's session shows the viewer, and the draft page is refused.
            let viewer = try await client.execute(uri: "/login", method: .post, headers: h,
                                                  body: ByteBuffer(string: "token=\(Self.tokens[.viewer]!)&next=%2F&csrf=\(csrf)"))
            let viewerCookie = String(try #require(viewer.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") }).split(separator: ";")[0])
            let refused = try await client.execute(uri: "/draft", method: .get, headers: [.cookie: viewerCookie])
            #expect(refused.status == .forbidden)
            #expect(text(refused.body).contains("This page needs the editor role; you are signed in as viewer."))

            // A session id the server did not give out, or the viewer's with one character changed, opens nothing:
            // the cookie holds only a random id, so there is no role or name in it to raise.
            let equals = try #require(viewerCookie.firstIndex(of: "="))
            let (name, id) = (viewerCookie[..<equals], String(viewerCookie[viewerCookie.index(after: equals)...]))
            var changed = Array(id)
            changed[0] = changed[0] == "A" ? "B" : "A"
            #expect(try await client.execute(uri: "/draft", method: .get, headers: [.cookie: "\(name)=\(String(changed))"]).status == .unauthorized)
            #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: "\(name)=\(String(repeating: "A", count: 43))="]).status == .unauthorized)
            // An SSO-only user has no token to sign in with; a wrong token is refused.
            let wrong = try await client.execute(uri: "/login", method: .post, headers: h,
                                                 body: ByteBuffer(string: "token=not-a-user-token-0123456789&next=%2F&csrf=\(csrf)"))
            #expect(wrong.status == .unauthorized)
        }
    }
}
