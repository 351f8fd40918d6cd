import Foundation
import HTTPTypes
import Hummingbird

/// Who may call what.
///
/// - API endpoints (decide, decide-batch, policies, schema): open when no `--token-file` is given,
///   otherwise a bearer token from it (or from the admin file).
/// - `POST /v1/admin/reload`: always needs a token, from `--admin-token-file`, or from `--token-file`
///   when no admin file is given; with neither file the endpoint answers 403 (reload by SIGHUP or by
///   editing the files instead).
/// - `healthz`, `readyz`, `metrics`: always open; they show no diagnostics and no file paths.
struct Authenticator: Sendable {
    enum Scope { case api, admin }

    var api: TokenSet?
    var admin: TokenSet?

    var anyConfigured: Bool { api != nil || admin != nil }

    /// The token of an `Authorization: Bearer …` header, or nil.
    static func bearer(_ request: Request) -> [UInt8]? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : Array(token.utf8)
    }

    /// Throws 401 or 403 unless the request may use `scope`.
    func authorize(_ request: Request, for scope: Scope) throws(Problem) {
        switch scope {
        case .api:
            guard let api else { return }
            guard let token = Self.bearer(request) else { throw Self.missing() }
            if api.contains(token) || admin?.contains(token) == true { return }
            throw Self.invalid()
        case .admin:
            guard let tokens = admin ?? api else {
                throw Problem(.forbidden, "reload-disabled", "Reload over HTTP is disabled",
                              detail: "start the server with --admin-token-file (or --token-file) to reload over HTTP; SIGHUP and the folder watcher still reload")
            }
            guard let token = Self.bearer(request) else { throw Self.missing() }
            if tokens.contains(token) { return }
            if admin != nil, api?.contains(token) == true {
                throw Problem(.forbidden, "insufficient-scope", "This token may not reload",
                              detail: "reload needs a token from the admin token file")
                    .with(header: .wwwAuthenticate, #"Bearer realm="verdict", error="insufficient_scope""#)
            }
            throw Self.invalid()
        }
    }

    /// True when the caller may see diagnostics and folder paths: no token is configured, or it gave a valid one.
    func isPrivileged(_ request: Request) -> Bool {
        guard anyConfigured else { return true }
        guard let token = Self.bearer(request) else { return false }
        return api?.contains(token) == true || admin?.contains(token) == true
    }

    /// True when `token` is an API or admin token (the console's sign-in cookie carries one).
    func accepts(_ token: some Collection<UInt8>) -> Bool {
        api?.contains(token) == true || admin?.contains(token) == true
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
}

/// Checks tokens before a group of routes.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let scope: Authenticator.Scope

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try authenticator.authorize(request, for: scope)
        return try await next(request, context)
    }
}
