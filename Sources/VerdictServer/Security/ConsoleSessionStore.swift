import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import VerdictChanges

/// The console's signed-in sessions (issue 32), kept on the server through HummingbirdAuth's
/// `SessionStorage`: the browser holds only a random session id (32 bytes from the system's secure
/// generator) in an `HttpOnly; SameSite=Strict` cookie — never a token, a name or a role.
///
/// Because the session lives on the server, it can end before its lifetime:
/// - **signing out** (`POST /logout`) deletes it;
/// - a session opened with a users-file token is looked up in the users file *as it is now* on every
///   request: the user removed, or given a new token, ends it (it is deleted, so giving the old token back
///   does not revive it); a changed role applies at once;
/// - signing in again ends the browser's previous session (a new id at every sign-in);
/// - a session opened with a JWT ends at the token's `exp` at the latest;
/// - a restart ends every session (the store is in memory, bounded by ``ConsoleSessionDriver``).
///
/// The cookie is named after the port (`verdict_session_8080`), since browsers do not keep cookies
/// apart by port.
struct ConsoleSessionStore: Sendable {
    /// What the server keeps for a session.
    struct Session: Codable, Sendable, Equatable {
        /// How the person signed in.
        enum Source: String, Codable, Sendable {
            /// A token of the users file (`--users-file`).
            case users
            /// A token of `--token-file` or `--admin-token-file` (read once at start).
            case tokenFile
            /// A JWT from the company's identity provider.
            case jwt
        }

        var name: String
        var role: Role
        var source: Source
        /// For ``Source/users``: the SHA-256 (hex) of the token the user signed in with; a users file that
        /// gives the user another token ends the session.
        var tokenHash: String?
    }

    /// How long a session lasts after signing in.
    static let lifetime: Duration = .seconds(12 * 3600)

    let driver: ConsoleSessionDriver
    /// True when the console's cookies are marked `Secure` (`--secure-cookies`).
    let secure: Bool

    init(capacity: Int = 10_000, secure: Bool = false) {
        driver = ConsoleSessionDriver(capacity: capacity)
        self.secure = secure
    }

    /// The session cookie's name for a request to `authority` (`host:port`): one per port.
    static func cookieName(authority: String?) -> String {
        let port = authority.flatMap { a in a.split(separator: ":").last.flatMap { Int($0) } } ?? 80
        return "verdict_session_\(port)"
    }

    /// HummingbirdAuth's storage for the cookie this request carries.
    private func storage(_ request: Request) -> SessionStorage<Session> {
        SessionStorage(driver, configuration: .init(
            sessionCookieParameters: .init(name: Self.cookieName(authority: request.head.authority), path: "/", secure: secure, sameSite: .strict),
            keyPrefix: "console."))
    }

    /// Opens a session for `session`, lasting ``lifetime`` or until `limit` (seconds since 1970) if that
    /// is sooner; the `Set-Cookie` value that carries its id.
    func open(_ session: Session, request: Request, limit: Int64? = nil, now: Date = Date()) async throws -> String {
        var ttl = Self.lifetime
        if let limit {
            let left = limit - Int64(now.timeIntervalSince1970)
            ttl = min(ttl, .seconds(max(1, left)))
        }
        return try await storage(request).save(session: session, expiresIn: ttl).description
    }

    /// The request's session, when its cookie names one that has not ended.
    func session(_ request: Request) async -> Session? {
        guard request.cookies[Self.cookieName(authority: request.head.authority)] != nil else { return nil }
        return try? await storage(request).load(request: request)
    }

    /// Ends the request's session; the `Set-Cookie` value that clears the cookie, or nil when there was none.
    ///
    /// The session is deleted on the server through the storage; the cookie that clears it is made here
    /// with `Max-Age=0` and an `Expires` in 1970. (The storage's own clearing cookie expires "now", to
    /// the second: written a fraction of a second early, it can outlive the response for that fraction.)
    func close(_ request: Request) async -> String? {
        let name = Self.cookieName(authority: request.head.authority)
        guard request.cookies[name] != nil else { return nil }
        _ = try? await storage(request).delete(request: request)
        return Self.clearing(name, secure: secure).description
    }

    /// The `Set-Cookie` that removes the session cookie `name` from the browser at once.
    static func clearing(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0,
               path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// The identity a stored session stands for *now*: a users-file session through the users file as
    /// it reads now (nil once the user is gone or has another token; their current role otherwise).
    static func identity(of session: Session, users: UserDirectory?) -> Identity? {
        switch session.source {
        case .users:
            guard let user = users?.user(named: session.name), let hash = user.tokenHash,
                  UserDirectory.hex(hash) == session.tokenHash else { return nil }
            return user.identity
        case .tokenFile, .jwt:
            return Identity(name: session.name, role: session.role)
        }
    }
}
