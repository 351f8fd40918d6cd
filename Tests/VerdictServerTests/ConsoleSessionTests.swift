import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import VerdictChanges
@testable import VerdictServer

/// The console's server-side sessions and the users file read again (issue 32): signing out ends a
/// session on the server; an edit of the users file applies to open sessions at once (a new role, a new
/// token, a removed user); a broken edit is refused and the users read before stay; the store is bounded.
@Suite struct ConsoleSessionTests {
    static let editorToken = "editor-token-0123456789abcdef"
    static let newToken = "editor-token-fedcba9876543210"

    static func users(_ role: String = "editor", token: String = editorToken, more: String = "") -> String {
        "users:\n  - name: li.wei\n    role: \(role)\n    token_sha256: \(UserDirectory.hash(token: token))\n" + more
    }

    /// A service reading its users from a file in a fresh folder.
    static func service(_ file: String, _ adjust: (inout ServerConfiguration) -> Void = { _ in }) throws -> VerdictService {
        var config = ServerConfiguration(policyFolders: [shippedPolicyPath("quality-complaints")])
        config.users = try UserDirectory.load(file: file)
        config.usersFile = file
        config.tokens = try TokenSet(tokens: ["legacy-token-0123456789abcdef"])
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        adjust(&config)
        return VerdictService(configuration: config, logger: CapturedLog().logger())
    }

    static func scratchFile() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("verdict-users-\(UUID().uuidString).yaml").path
    }

    static func signIn(_ client: some TestClientProtocol, token: String, csrf: String) async throws -> String {
        let r = try await client.execute(uri: "/login", method: .post,
                                         headers: [.cookie: "verdict_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "token=\(token)&next=%2F&csrf=\(csrf)"))
        #expect(r.status == .seeOther)
        return String(try #require(r.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") }).split(separator: ";")[0])
    }

    static func page(_ client: some TestClientProtocol, _ path: String, cookie: String) async throws -> (HTTPResponse.Status, String) {
        let r = try await client.execute(uri: path, method: .get, headers: [.cookie: cookie])
        return (r.status, String(buffer: r.body))
    }

    @Test func signingOutEndsTheSessionOnTheServer() async throws {
        let file = Self.scratchFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.users().write(toFile: file, atomically: true, encoding: .utf8)
        let csrf = ConsoleFormToken.newFormToken()
        try await Self.service(file).application().test(.router) { client in
            let session = try await Self.signIn(client, token: Self.editorToken, csrf: csrf)
            let (status, body) = try await Self.page(client, "/", cookie: session)
            #expect(status == .ok)
            #expect(body.contains("Signed in as li.wei (editor)"))
            #expect(body.contains(#"action="/logout""#) && body.contains("Sign out"))
            // Signing out is a form like the others: without its token it is refused, and the session stays.
            let forged = try await client.execute(uri: "/logout", method: .post,
                                                  headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: ""))
            #expect(forged.status == .forbidden)
            #expect(try await Self.page(client, "/", cookie: session).0 == .ok)
            let out = try await client.execute(uri: "/logout", method: .post,
                                               headers: [.cookie: "\(session); verdict_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(out.status == .seeOther)
            #expect(out.headers[.location] == "/login")
            let cleared = try #require(out.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") })
            // Cleared at once: Max-Age=0 and an Expires long past (not "now", which a browser can keep
            // for the rest of that second), with the attributes it was set with.
            #expect(cleared.hasPrefix(try #require(session.split(separator: "=").first).description + "=;"))
            #expect(cleared.contains("Max-Age=0"))
            #expect(cleared.contains("Expires=Thu, 01 Jan 1970 00:00:00 GMT"))
            #expect(cleared.contains("Path=/") && cleared.contains("HttpOnly") && cleared.contains("SameSite=Strict"))
            // The browser may keep the old cookie (a copy, a stolen one): the server no longer knows it.
            #expect(try await Self.page(client, "/", cookie: session).0 == .unauthorized)
            // A bearer token or a proxy header is not a session: no sign-out is offered.
            let bearer = try await client.get("/", token: "legacy-token-0123456789abcdef")
            #expect(!String(buffer: bearer.body).contains(#"action="/logout""#))
        }
    }

    /// A token cannot be guessed by trying: after ten wrong tokens from one address every sign-in from
    /// it is refused with 429 and `Retry-After`, the right token included, in the page's language.
    @Test func wrongTokensAreThrottled() async throws {
        let file = Self.scratchFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.users().write(toFile: file, atomically: true, encoding: .utf8)
        let csrf = ConsoleFormToken.newFormToken()
        // An attempt back every hour, not every 30 s: checking a token is slow in a debug build on a
        // busy machine (22 attempts once took 261 s), and a refill during the test gave the address
        // its attempt back before the one expected to be refused.
        let refill = 3600.0
        let service = try Self.service(file) { $0.limits.wrongSignInRefillSeconds = refill }
        try await service.application().test(.router) { client in
            func attempt(_ token: String, lang: String = "en") async throws -> TestResponse {
                try await client.execute(uri: "/login", method: .post,
                                         headers: [.cookie: "verdict_csrf=\(csrf); verdict_lang=\(lang)", .contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "token=\(token)&next=%2F&csrf=\(csrf)"))
            }
            // A right token does not count against the address.
            for _ in 0..<12 { #expect(try await attempt(Self.editorToken).status == .seeOther) }
            for i in 0..<ConsoleRoutes.wrongSignInsAllowed {
                let wrong = try await attempt("guess-\(i)")
                #expect(wrong.status == .unauthorized)
                #expect(String(buffer: wrong.body).contains("The token was not accepted."))
            }
            let refused = try await attempt(Self.editorToken)
            #expect(refused.status == .tooManyRequests)
            let wait = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 0 && wait <= Int(refill))
            #expect(String(buffer: refused.body).contains("Too many sign-ins with a wrong token from this address. Try again in \(wait) s."))
            #expect(!refused.headers[values: .setCookie].contains { $0.hasPrefix("verdict_session_") })
            let zh = try await attempt("guess", lang: "zh")
            #expect(zh.status == .tooManyRequests)
            #expect(String(buffer: zh.body).contains("此地址使用错误令牌登录的次数过多"))
        }
    }

    @Test func usersFileEditsApplyToOpenSessions() async throws {
        let file = Self.scratchFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.users().write(toFile: file, atomically: true, encoding: .utf8)
        let service = try Self.service(file)
        let users = try #require(service.authenticator.liveUsers)
        let csrf = ConsoleFormToken.newFormToken()
        try await service.application().test(.router) { client in
            let session = try await Self.signIn(client, token: Self.editorToken, csrf: csrf)
            #expect(try await Self.page(client, "/draft", cookie: session).0 == .ok)
            // The first look reads the file (an edit between the start's read and the watcher's first tick is not missed); then nothing changed.
            #expect(users.reload() == .reloaded(1))
            #expect(users.reload() == .unchanged)

            // A new role applies to the open session at once.
            try Self.users("viewer").write(toFile: file, atomically: true, encoding: .utf8)
            #expect(users.reload(force: true) == .reloaded(1))
            let (status, body) = try await Self.page(client, "/draft", cookie: session)
            #expect(status == .forbidden)
            #expect(body.contains("you are signed in as viewer"))

            // A broken edit is refused with where and why; the users read before stay.
            try "users:\n  - name: li.wei\n    role: overlord\n".write(toFile: file, atomically: true, encoding: .utf8)
            guard case .refused(let why) = users.reload() else { Issue.record("a broken users file was taken"); return }
            #expect(why.contains(file) && why.contains("overlord"))
            #expect(try await Self.page(client, "/", cookie: session).0 == .ok)
            // So is a user named as the token file's callers are.
            try Self.users(more: "  - name: token\n    role: admin\n").write(toFile: file, atomically: true, encoding: .utf8)
            guard case .refused(let reserved) = users.reload() else { Issue.record("a user named `token` was taken"); return }
            #expect(reserved.contains("`token`"))
            #expect(users.current.users.count == 1)

            // A new token for the user ends the sessions opened with the old one; the new token signs in.
            try Self.users(token: Self.newToken).write(toFile: file, atomically: true, encoding: .utf8)
            #expect(users.reload() == .reloaded(1))
            #expect(try await Self.page(client, "/", cookie: session).0 == .unauthorized)
            #expect(try await client.get("/v1/policies", token: Self.editorToken).status == .unauthorized)
            let renewed = try await Self.signIn(client, token: Self.newToken, csrf: csrf)
            #expect(try await Self.page(client, "/draft", cookie: renewed).0 == .ok)

            // A removed user is signed out everywhere.
            try "users:\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(users.reload() == .reloaded(0))
            #expect(try await Self.page(client, "/", cookie: renewed).0 == .unauthorized)
            #expect(try await client.get("/v1/policies", token: Self.newToken).status == .unauthorized)
            // Ended for good: given the same token back, the user signs in anew; the old session stays ended.
            try Self.users(token: Self.newToken).write(toFile: file, atomically: true, encoding: .utf8)
            #expect(users.reload() == .reloaded(1))
            #expect(try await Self.page(client, "/", cookie: renewed).0 == .unauthorized)
        }
    }

    @Test func signingInAgainEndsThePreviousSessionAndAJWTBoundsTheLifetime() async throws {
        let file = Self.scratchFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.users().write(toFile: file, atomically: true, encoding: .utf8)
        let service = try Self.service(file)
        let csrf = ConsoleFormToken.newFormToken()
        try await service.application().test(.router) { client in
            let first = try await Self.signIn(client, token: Self.editorToken, csrf: csrf)
            #expect(service.sessions.driver.count == 1)
            let again = try await client.execute(uri: "/login", method: .post,
                                                 headers: [.cookie: "\(first); verdict_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "token=\(Self.editorToken)&next=%2F&csrf=\(csrf)"))
            let second = String(try #require(again.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") }).split(separator: ";")[0])
            #expect(second != first)
            #expect(try await Self.page(client, "/", cookie: first).0 == .unauthorized, "the id the browser had before opens nothing")
            #expect(try await Self.page(client, "/", cookie: second).0 == .ok)
            #expect(service.sessions.driver.count == 1)
        }
        // A session opened with a JWT lasts until its expiry, when that is before the 12 hours.
        let store = ConsoleSessionStore()
        let request = Request(head: .init(method: .post, scheme: "http", authority: "127.0.0.1:8080", path: "/login"), body: .init(buffer: ByteBuffer()))
        let now = Date()
        let cookie = try await store.open(.init(name: "sso.user", role: .approver, source: .jwt), request: request, limit: Int64(now.timeIntervalSince1970) + 600, now: now)
        let id = String(try #require(cookie.split(separator: ";").first).dropFirst("verdict_session_8080=".count))
        let (_, ttl) = try #require(try await store.driver.getWithTTL(key: "console." + id, as: ConsoleSessionStore.Session.self))
        #expect(try #require(ttl) <= .seconds(600) && ttl! > .seconds(590))
        let plain = try await store.open(.init(name: "li.wei", role: .editor, source: .users), request: request)
        let plainID = String(try #require(plain.split(separator: ";").first).dropFirst("verdict_session_8080=".count))
        let (_, long) = try #require(try await store.driver.getWithTTL(key: "console." + plainID, as: ConsoleSessionStore.Session.self))
        #expect(try #require(long) > .seconds(11 * 3600) && long! <= ConsoleSessionStore.lifetime)
    }

    @Test func secureCookiesAreSentOverHTTPSOnly() async throws {
        let file = Self.scratchFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Self.users().write(toFile: file, atomically: true, encoding: .utf8)
        for secure in [false, true] {
            var config = ServerConfiguration(policyFolders: [shippedPolicyPath("quality-complaints")])
            config.users = try UserDirectory.load(file: file)
            config.secureCookies = secure
            config.reloadOnSIGHUP = false
            config.watchInterval = nil
            let csrf = ConsoleFormToken.newFormToken()
            try await VerdictService(configuration: config, logger: CapturedLog().logger()).application().test(.router) { client in
                let page = try await client.execute(uri: "/login?lang=zh", method: .get)
                let cookies = page.headers[values: .setCookie]
                #expect(cookies.count == 2 && cookies.allSatisfy { $0.hasSuffix("; Secure") == secure }, "\(cookies)")
                let signIn = try await client.execute(uri: "/login", method: .post,
                                                      headers: [.cookie: "verdict_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                                                      body: ByteBuffer(string: "token=\(Self.editorToken)&next=%2F&csrf=\(csrf)"))
                let session = try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") })
                #expect(session.contains("; Secure") == secure, "\(session)")
            }
        }
    }

    @Test func theStoreIsBoundedAndForgetsExpiredSessions() async throws {
        let driver = ConsoleSessionDriver(capacity: 3)
        for i in 0..<5 { try await driver.set(key: "k\(i)", value: "s\(i)", expires: .seconds(100 + i)) }
        #expect(driver.count == 3)
        #expect(try await driver.get(key: "k4", as: String.self) == "s4")
        #expect(try await driver.get(key: "k0", as: String.self) == nil, "the soonest to expire made room")
        try await driver.set(key: "gone", value: "x", expires: .zero)
        #expect(try await driver.get(key: "gone", as: String.self) == nil, "an expired session is never returned")
        await #expect(throws: PersistError.self) { try await driver.get(key: "k4", as: Int.self) }
        try await driver.remove(key: "k4")
        #expect(try await driver.get(key: "k4", as: String.self) == nil)
    }

    @Test func aStoredSessionIsWhoTheUsersFileSaysNow() throws {
        let users = try UserDirectory(yaml: Self.users())
        let session = ConsoleSessionStore.Session(name: "li.wei", role: .admin, source: .users, tokenHash: UserDirectory.hash(token: Self.editorToken))
        #expect(ConsoleSessionStore.identity(of: session, users: users) == Identity(name: "li.wei", role: .editor), "the file's role, not the stored one")
        var other = session
        other.tokenHash = UserDirectory.hash(token: Self.newToken)
        #expect(ConsoleSessionStore.identity(of: other, users: users) == nil)
        #expect(ConsoleSessionStore.identity(of: session, users: nil) == nil)
        let jwt = ConsoleSessionStore.Session(name: "sso.user", role: .approver, source: .jwt)
        #expect(ConsoleSessionStore.identity(of: jwt, users: users) == Identity(name: "sso.user", role: .approver))
    }
}
