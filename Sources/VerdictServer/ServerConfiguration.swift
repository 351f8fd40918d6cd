import Foundation
import VerdictChanges
import VerdictAudit

/// Limits on what one request may cost; each breach is a problem response saying which limit.
public struct ServerLimits: Sendable {
    /// Largest body of `decide` (one case), and of one line of a batch. Default 1 MiB.
    public var maxCaseBytes: Int = 1 << 20
    /// Largest body of `decide-batch`. Default 256 MiB (it is streamed: memory stays per line).
    public var maxBatchBytes: Int = 256 << 20
    /// Most lines in one batch. Default 100,000.
    public var maxBatchLines: Int = 100_000
    /// Deepest nesting of arrays and objects in a case. Default 16 (cases are flat: a list is depth 2).
    public var maxJSONDepth: Int = 16
    /// Longest wait for a request's whole body (decide, a console form), or between two parts of a
    /// batch's body (a batch streams). Default 30 s.
    public var requestTimeout: Swift.Duration = .seconds(30)
    /// Largest body of a console form (a draft's files, a sign-in). Default 4 MiB.
    public var maxFormBytes: Int = 4 << 20
    /// Most connections open at once; past it a request gets 503 `too-many-connections` (health and
    /// metrics are still answered). Default: half the soft limit on open files, from 8 to 4,096.
    public var maxConnections: Int = ConnectionLimiter.defaultMaximum
    /// How often (in seconds) a client's console bucket gains back one expensive action (audit record
    /// pages, proofs, draft checks; ``ConsoleThrottle``), up to ten.
    public var consoleRefillSeconds: Double = 3
    /// How often (in seconds) an address that gave the console's sign-in form wrong tokens gains back
    /// one attempt, after the first ten (``ConsoleRoutes/wrongSignInsAllowed``); while it has none, every
    /// sign-in from it is refused with 429.
    public var wrongSignInRefillSeconds: Double = ConsoleRoutes.wrongSignInRefill

    public init() {}
}

/// How the server logs.
public enum LogFormat: String, Sendable, CaseIterable {
    /// `2026-12-01T21:00:00Z info verdict: message key=value ...`
    case text
    /// One JSON object per line: `{"time":..., "level":..., "label":..., "message":..., key: value...}`
    case json
}

/// Everything `verdict serve` takes.
public struct ServerConfiguration: Sendable {
    public var policyFolders: [String]
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    /// Bearer tokens for the API (decide, batch, policies, schema); nil: the API is open.
    public var tokens: TokenSet? = nil
    /// Bearer tokens for `POST /v1/admin/reload`; nil: the API tokens, and with neither the endpoint is refused.
    public var adminTokens: TokenSet? = nil
    /// The users file (issue 32): named people with roles; with it the API needs an identity and reload an admin.
    public var users: UserDirectory? = nil
    /// The file ``users`` was read from: read again when it changes (at ``watchInterval``) and on SIGHUP; an
    /// edit that does not load is refused and the users read before stay. nil: ``users`` is never re-read.
    public var usersFile: String? = nil
    /// Mark the console's cookies `Secure` (sent over HTTPS only): for a console behind an HTTPS proxy.
    public var secureCookies = false
    /// The names no user of ``users`` may have: those the token files' callers are recorded under
    /// (`token`, `admin`), when those files are given.
    public var reservedUserNames: [String] { Authenticator.reservedUserNames(api: tokens, admin: adminTokens) }
    /// The header a trusted reverse proxy names its signed-in user in (e.g. `X-Forwarded-User`); believed
    /// only from ``trustedProxies``, and only for a user of ``users``.
    public var trustedUserHeader: String? = nil
    /// The peer addresses (IP or CIDR) whose ``trustedUserHeader`` is believed.
    public var trustedProxies: TrustedProxies? = nil
    /// Bearer JWTs from the company's identity provider, verified against its JWKS (nil: none accepted).
    public var jwt: JWTVerifier? = nil
    public var limits = ServerLimits()
    /// How often the watcher stamps the folders; nil turns watching off (SIGHUP and the endpoint still reload).
    public var watchInterval: Swift.Duration? = .milliseconds(250)
    /// How long the files must stay unchanged before a reload: one reload for a multi-file save or a checkout.
    public var debounce: Swift.Duration = .milliseconds(300)
    /// Reload on SIGHUP (off in tests, which share one process).
    public var reloadOnSIGHUP = true
    /// Records every decision before its response is sent (nil: decisions are not recorded).
    public var recorder: (any DecisionRecorder)? = nil
    /// The decision log the console's audit pages read, and draft checks replay (nil: no audit pages).
    public var auditLog: (any DecisionLog)? = nil

    /// Governed changes (issue 32): where proposals are kept; nil turns proposals off (the API's
    /// `/v1/proposals` routes answer 404, and the console shows no proposals).
    public var proposals: ProposalStore? = nil
    /// Each step of a change is posted here too (nil: no webhook).
    public var changeWebhook: URL? = nil
    /// The webhook's HMAC-SHA256 key (`X-Verdict-Signature`), when given.
    public var changeWebhookSecret: [UInt8]? = nil

    public init(policyFolders: [String]) {
        self.policyFolders = policyFolders
    }
}
