import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import VerdictChanges

/// Who is asking, and what they may do (issue 32: identities and roles).
///
/// A request names its caller one of these ways:
/// - a bearer JWT from the company's identity provider (`--jwks-file`, ``JWTVerifier``), its name and
///   role from its claims;
/// - a bearer token (`Authorization: Bearer …`) of a user in the users file (`--users-file`: that user,
///   with their role), or from `--admin-token-file` (the identity `admin`, role admin), or from
///   `--token-file` (the identity `token`: role admin, or approver when an admin token file is given,
///   whose tokens alone may then reload);
/// - the trusted user header (`--trusted-user-header`), believed only when the connection comes from a
///   `--trusted-proxy` address; the user it names must be in the users file, their role from there;
/// - in the console, the session that signing in opens (``ConsoleSessionStore``: kept on the server, the
///   cookie holds only its id).
///
/// What each route needs:
/// - API endpoints (decide, decide-batch, policies, schema): open when none of `--token-file`,
///   `--users-file` and `--jwks-file` is given; otherwise any identity (viewer and up).
/// - `POST /v1/admin/reload`: an admin; with no token or users file at all the endpoint answers 403
///   (reload by SIGHUP or by editing the files instead).
/// - Routes of governed changes call ``require(_:_:context:)`` with the role they need.
/// - `healthz`, `readyz`, `metrics`: always open; they show no diagnostics and no file paths.
struct Authenticator: Sendable {
    /// The routes guarded by ``AuthMiddleware``: the read-only API, or reload.
    enum Scope { case api, admin }

    /// What a request says about its caller.
    enum Resolution: Sendable {
        /// Nothing: no token, no trusted header.
        case none
        /// A known caller.
        case identity(Identity)
        /// Credentials that were given but not accepted (an unknown token, a header naming no user).
        case rejected(Problem)
    }

    /// `--token-file`'s tokens.
    var api: TokenSet?
    /// `--admin-token-file`'s tokens.
    var admin: TokenSet?
    /// `--users-file`'s users as they read now (the file is read again when it changes).
    let liveUsers: LiveUsers?
    /// `--users-file`'s users as last read.
    var users: UserDirectory? { liveUsers?.current }
    /// `--trusted-user-header`: the header a trusted proxy names the signed-in user in.
    var trustedHeader: HTTPField.Name?
    /// `--trusted-proxy`: the peers whose header is believed.
    var trustedProxies: TrustedProxies?
    /// `--jwks-file` and its claims: bearer JWTs from the company's identity provider.
    var jwt: JWTVerifier?

    /// `usersFile`, when given, is where `users` was read from: ``LiveUsers`` reads it again when it changes.
    init(api: TokenSet? = nil, admin: TokenSet? = nil, users: UserDirectory? = nil, usersFile: String? = nil,
         trustedHeader: HTTPField.Name? = nil, trustedProxies: TrustedProxies? = nil, jwt: JWTVerifier? = nil) {
        self.api = api
        self.admin = admin
        self.liveUsers = users.map { LiveUsers($0, path: usersFile, reserved: Self.reservedUserNames(api: api, admin: admin)) }
        self.trustedHeader = trustedHeader
        self.trustedProxies = trustedProxies
        self.jwt = jwt
    }

    /// The name recorded for a caller with a `--token-file` token.
    static let tokenFileName = "token"
    /// The name recorded for a caller with an `--admin-token-file` token.
    static let adminFileName = "admin"
    /// The names no user of the users file may have: the token files' callers', when those files are given.
    static func reservedUserNames(api: TokenSet?, admin: TokenSet?) -> [String] {
        (api == nil ? [] : [tokenFileName]) + (admin == nil ? [] : [adminFileName])
    }

    /// The caller of an open API (no token or users file), who may read and decide.
    static let anonymous = Identity(name: "anonymous", role: .viewer)

    /// True when anything can name a caller (a token file, an admin token file, a users file, a JWKS file).
    var anyConfigured: Bool { api != nil || admin != nil || users != nil || jwt != nil }
    /// True when the read-only API needs an identity: a token file, a users file or a JWKS file is given.
    var apiClosed: Bool { api != nil || users != nil || jwt != nil }

    /// The token of an `Authorization: Bearer …` header, or nil.
    static func bearer(_ request: Request) -> [UInt8]? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : Array(token.utf8)
    }

    /// The identity of a bearer token (a users file's, a token file's, or a valid JWT), or nil.
    func identity(token: some Collection<UInt8>) -> Identity? {
        if let known = fileIdentity(token: token) { return known }
        if let jwt, JWTVerifier.looksLikeJWT(token) { return try? jwt.verify(token) }
        return nil
    }

    /// When a console session signed in with `token` must end at the latest (seconds since 1970): a
    /// JWT's `exp`, so a session never outlives the token it was opened with; nil for other tokens.
    func sessionLimit(token: some Collection<UInt8>) -> Int64? {
        guard fileIdentity(token: token) == nil, let jwt, JWTVerifier.looksLikeJWT(token) else { return nil }
        return try? jwt.verified(token).expiry
    }

    /// The console session that signing in with `token` opens: who, with what role, and how they signed
    /// in (so that a users-file session follows the users file); nil when the token is not accepted.
    func consoleSession(token: some Collection<UInt8>) -> ConsoleSessionStore.Session? {
        if let user = users?.identity(token: token) {
            return .init(name: user.name, role: user.role, source: .users, tokenHash: UserDirectory.hex(Array(SHA256.hash(data: Array(token)))))
        }
        if let known = fileIdentity(token: token) { return .init(name: known.name, role: known.role, source: .tokenFile) }
        if let jwt, JWTVerifier.looksLikeJWT(token), let id = try? jwt.verify(token) { return .init(name: id.name, role: id.role, source: .jwt) }
        return nil
    }

    /// The identity of a token from the users file or a token file, or nil.
    func fileIdentity(token: some Collection<UInt8>) -> Identity? {
        if let user = users?.identity(token: token) { return user }
        if admin?.contains(token) == true { return Identity(name: Self.adminFileName, role: .admin) }
        if api?.contains(token) == true { return Identity(name: Self.tokenFileName, role: admin == nil ? .admin : .approver) }
        return nil
    }

    /// The peer of the request's connection, when the context knows it (``VerdictRequestContext``).
    static func peer(_ context: some RequestContext) -> SocketAddress? {
        (context as? any RemoteAddressRequestContext)?.remoteAddress
    }

    /// Who the request says its caller is: a bearer token first, then the trusted header from a trusted
    /// proxy. A user header from any other peer is ignored.
    func resolve(_ request: Request, context: some RequestContext) -> Resolution {
        if let token = Self.bearer(request) {
            if let identity = fileIdentity(token: token) { return .identity(identity) }
            if let jwt, JWTVerifier.looksLikeJWT(token) {
                do { return .identity(try jwt.verify(token)) } catch {
                    return .rejected(Problem(.unauthorized, "invalid-token", "The token was not accepted", detail: error.description)
                        .with(header: .wwwAuthenticate, #"Bearer realm="verdict", error="invalid_token""#))
                }
            }
            return .rejected(Self.invalid())
        }
        if let header = trustedHeader, let proxies = trustedProxies, let value = request.headers[header],
           proxies.contains(Self.peer(context)) {
            let name = value.trimmingCharacters(in: .whitespaces)
            if let user = users?.identity(named: name) { return .identity(user) }
            return .rejected(Problem(.unauthorized, "unknown-user", "The signed-in user is not known here",
                                     detail: "the proxy's \(header.rawName) header names a user who is not in the users file")
                .with(header: .wwwAuthenticate, #"Bearer realm="verdict""#))
        }
        return .none
    }

    /// The caller, with at least `role`; otherwise throws 401 (no identity, or credentials not accepted,
    /// with `WWW-Authenticate`) or 403 `insufficient-role`. On an open API (no token or users file) a
    /// caller without credentials is ``anonymous``, a viewer; with nothing configured that can name a caller
    /// at all, a role above viewer is refused with 403 `no-identities`.
    func require(_ role: Role, _ request: Request, context: some RequestContext) throws(Problem) -> Identity {
        switch resolve(request, context: context) {
        case .identity(let identity):
            guard identity.role.allows(role) else { throw Self.insufficientRole(identity, needs: role) }
            return identity
        case .rejected(let problem):
            if role == .viewer, !apiClosed { return Self.anonymous }
            throw problem
        case .none:
            if role == .viewer, !apiClosed { return Self.anonymous }
            guard anyConfigured else {
                throw Problem(.forbidden, "no-identities", "No one can sign in to this server",
                              detail: "this needs the \(role.rawValue) role; start the server with --users-file (or --token-file) so callers have names and roles")
            }
            throw Self.missing()
        }
    }

    /// The caller if the request names one (token or trusted header), else nil; credentials given but
    /// not accepted are nil too.
    func identity(_ request: Request, context: some RequestContext) -> Identity? {
        if case .identity(let identity) = resolve(request, context: context) { return identity }
        return nil
    }

    /// Throws 401 or 403 unless the request may use `scope`.
    func authorize(_ request: Request, context: some RequestContext, for scope: Scope) throws(Problem) {
        switch scope {
        case .api:
            guard apiClosed else { return }
            switch resolve(request, context: context) {
            case .identity: return
            case .rejected(let problem): throw problem
            case .none: throw Self.missing()
            }
        case .admin:
            guard anyConfigured else {
                throw Problem(.forbidden, "reload-disabled", "Reload over HTTP is disabled",
                              detail: "start the server with --admin-token-file, --token-file or --users-file to reload over HTTP; SIGHUP and the folder watcher still reload")
            }
            switch resolve(request, context: context) {
            case .identity(let identity):
                guard identity.role.allows(.admin) else {
                    throw Problem(.forbidden, "insufficient-scope", "This caller may not reload",
                                  detail: identity.name == Self.tokenFileName
                                      ? "reload needs a token from the admin token file"
                                      : "reload needs the admin role; `\(identity.name)` is \(identity.role.rawValue)")
                        .with(header: .wwwAuthenticate, #"Bearer realm="verdict", error="insufficient_scope""#)
                }
            case .rejected(let problem): throw problem
            case .none: throw Self.missing()
            }
        }
    }

    /// True when the caller may see diagnostics and folder paths: the API is open, or the caller is known.
    func isPrivileged(_ request: Request, context: some RequestContext) -> Bool {
        guard anyConfigured else { return true }
        return identity(request, context: context) != nil
    }

    static func missing() -> Problem {
        Problem(.unauthorized, "unauthorized", "Authorization required",
                detail: "send `Authorization: Bearer <token>`")
            .with(header: .wwwAuthenticate, #"Bearer realm="verdict""#)
    }

    static func invalid() -> Problem {
        Problem(.unauthorized, "invalid-token", "The token was not accepted")
            .with(header: .wwwAuthenticate, #"Bearer realm="verdict", error="invalid_token""#)
    }

    static func insufficientRole(_ identity: Identity, needs role: Role) -> Problem {
        Problem(.forbidden, "insufficient-role", "Your role may not do this",
                detail: "this needs the \(role.rawValue) role; `\(identity.name)` is \(identity.role.rawValue)")
            .with("needs") { w in w.string(role.rawValue) }
            .with("role") { w in w.string(identity.role.rawValue) }
            .with(header: .wwwAuthenticate, #"Bearer realm="verdict", error="insufficient_scope""#)
    }
}

/// Checks callers before a group of routes.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let scope: Authenticator.Scope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try authenticator.authorize(request, context: context, for: scope)
        return try await next(request, context)
    }
}
