#if canImport(Glibc)
import Glibc
#endif
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Verdict
import VerdictChanges

/// The HTTP decision service behind `verdict serve`.
///
/// ```swift
/// let service = VerdictService(configuration: ServerConfiguration(policyFolders: ["policies/quality-complaints"]))
/// try await service.run()     // until SIGTERM or SIGINT: stops accepting, finishes requests in flight
/// ```
/// Endpoints (docs/openapi.yaml): decide, decide-batch, the policy list and schemas, reload,
/// healthz, readyz, metrics; and the web console at `/` (docs/console.md). Policy folders are watched and reloaded; a version serves only once it
/// loads without errors and passes its own YAML tests.
public struct VerdictService: Sendable {
    public let configuration: ServerConfiguration
    public let registry: PolicyRegistry
    public let metrics: ServerMetrics
    public let logger: Logger
    let authenticator: Authenticator
    /// Governed changes, when a proposals folder is configured.
    let desk: ChangeDesk?
    /// The console's signed-in sessions: one store for the service, whichever router serves them.
    let sessions: ConsoleSessionStore

    public init(configuration: ServerConfiguration, logger: Logger? = nil, metrics: ServerMetrics = ServerMetrics()) {
        self.configuration = configuration
        let logger = logger ?? Logger(label: "verdict") { LineLogHandler(label: $0, format: .text) }
        self.logger = logger
        self.metrics = metrics
        sessions = ConsoleSessionStore(secure: configuration.secureCookies)
        registry = PolicyRegistry(folders: configuration.policyFolders, logger: logger, metrics: metrics, recorder: configuration.recorder)
        authenticator = Authenticator(api: configuration.tokens, admin: configuration.adminTokens, users: configuration.users, usersFile: configuration.usersFile,
                                      trustedHeader: configuration.trustedUserHeader.flatMap { HTTPField.Name($0) },
                                      trustedProxies: configuration.trustedProxies, jwt: configuration.jwt)
        let registry = self.registry
        desk = configuration.proposals.map { store in
            ChangeDesk(store: store, registry: registry, log: configuration.auditLog, recorder: configuration.recorder,
                       webhook: configuration.changeWebhook.map { ChangeWebhook(url: $0, secret: configuration.changeWebhookSecret, logger: logger) },
                       logger: logger)
        }
        configuration.recorder?.observeOutages { error in
            if let error {
                logger.error("the decision log cannot be written; decisions are refused with 503 and /readyz answers 503 until it can: \(error)")
            } else {
                logger.info("the decision log can be written again; decisions are recorded and answered")
            }
        }
    }

    /// Every route, behind the problem-details, logging and metrics middleware.
    public func router() -> Router<VerdictRequestContext> {
        let router = Router(context: VerdictRequestContext.self)
        let routes = RouteTable()
        router.add(middleware: ServiceMiddleware(logger: logger, metrics: metrics, routes: routes))

        let registry = self.registry
        let metrics = self.metrics
        router.get("healthz") { _, _ in
            PolicyRoutes.json(Array(#"{"status":"alive"}"#.utf8))
        }
        let recorder = configuration.recorder
        router.get("readyz") { _, _ in
            if let reason = recorder?.unavailableReason {
                throw Problem(.serviceUnavailable, "not-ready", "Not ready", detail: "decisions cannot be recorded: \(reason)")
                    .with("decision_log") { w in w.string(reason) }
                    .with(header: .retryAfter, "5")
            }
            let missing = registry.sets.filter { $0.active == nil }.map(\.name)
            if missing.isEmpty {
                var w = JSONWriter()
                w.object { w in
                    w.field("status", "ready")
                    w.key("policies")
                    w.array { w in for set in registry.sets { w.string(set.name) } }
                }
                return PolicyRoutes.json(w.bytes)
            }
            throw Problem(.serviceUnavailable, "not-ready", "Not ready",
                          detail: "not loaded yet: \(missing.map { "`\($0)`" }.joined(separator: ", "))")
                .with("not_loaded") { w in w.array { w in for name in missing { w.string(name) } } }
        }
        router.get("metrics") { _, _ in
            PolicyRoutes.json(metrics.exposition(), type: "text/plain; version=0.0.4; charset=utf-8")
        }

        let decisions = DecisionRoutes(registry: registry, limits: configuration.limits, metrics: metrics, recorder: configuration.recorder)
        let policies = PolicyRoutes(registry: registry, authenticator: authenticator)
        let api = router.group("v1/policies").add(middleware: AuthMiddleware(authenticator: authenticator, scope: .api))
        api.get { request, context in try await policies.list(request, context: context) }
        api.get(":name") { request, context in try await policies.one(request, context: context) }
        api.get(":name/schema") { request, context in try await policies.schema(request, context: context) }
        api.post(":name/decide") { request, context in try await decisions.decide(request, context: context) }
        api.post(":name/decide-batch") { request, context in try await decisions.decideBatch(request, context: context) }

        ConsoleRoutes(registry: registry, authenticator: authenticator, limits: configuration.limits, log: configuration.auditLog,
                      throttle: ConsoleThrottle(refillInterval: configuration.limits.consoleRefillSeconds), desk: desk, sessions: sessions,
                      signIns: ConsoleThrottle(capacity: ConsoleRoutes.wrongSignInsAllowed, refillInterval: configuration.limits.wrongSignInRefillSeconds))
            .register(on: router)

        if let desk { ChangeRoutes(desk: desk, authenticator: authenticator, registry: registry, limits: configuration.limits).register(on: router) }

        router.group("v1/admin").add(middleware: AuthMiddleware(authenticator: authenticator, scope: .admin))
            .post("reload") { request, context in try await policies.reload(request, context: context) }
        routes.load(router)  // every route is added: a wrong method on one is 405, with Allow
        return router
    }

    /// The application: the router, the folder watcher and the SIGHUP reloader; the first load of
    /// every set runs before the server accepts connections.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var services: [any Service] = []
        if let interval = configuration.watchInterval {
            services.append(FolderWatcher(registry: registry, interval: interval, debounce: configuration.debounce))
        }
        if let users = authenticator.liveUsers, users.path != nil, let interval = configuration.watchInterval {
            services.append(UsersFileWatcher(users: users, interval: interval, logger: logger))
        }
        if configuration.reloadOnSIGHUP { services.append(SignalReloader(registry: registry, users: authenticator.liveUsers, logger: logger)) }
        let logger = self.logger
        let host = configuration.host
        let timeout = configuration.limits.requestTimeout
        let limiter = ConnectionLimiter(maximum: configuration.limits.maxConnections)
        let metrics = self.metrics
        if let warning = Self.openAccessWarning(configuration) { logger.warning("\(warning)") }
        var app = Application(
            router: router(),
            // Idle connections close after twice the request timeout (at least 5 s more), so a 408 is always sent first.
            // Connections past the cap are answered 503 at once (``ConnectionLimiter``).
            // A request that is not HTTP/1.1 is answered with problem details (``ProtocolErrorHandler``).
            server: .http1(configuration: .init(additionalChannelHandlers: [ProtocolErrorHandler(logger: logger, metrics: metrics), limiter.handler()],
                                                idleTimeout: .seconds(max(timeout.components.seconds * 2, timeout.components.seconds + 5)))),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "verdict"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening on http://\(host):\(port)", metadata: ["host": .string(host), "port": .stringConvertible(port)])
                await onServerRunning(port)
            },
            logger: logger
        )
        let registry = self.registry
        let desk = self.desk
        app.beforeServerStarts {
            // An activation a killed process left halfway is finished (or, uncommitted, discarded) before anything loads.
            // One that cannot be finished stops the start: serving its half-written files is not an option.
            for set in registry.sets { try Self.recoverActivations(set.folder, logger: logger) }
            let results = await registry.reloadAll(trigger: .startup)
            await desk?.settleInterrupted()
            let loaded = results.filter { $0.1.outcome != .failed }.count
            logger.info("\(loaded) of \(results.count) policy set\(results.count == 1 ? "" : "s") loaded")
        }
        return app
    }

    /// Finishes what ``SetWriter`` left in a set's folder and in each of its version folders; throws
    /// when an interrupted activation can be neither finished nor discarded.
    static func recoverActivations(_ folder: String, logger: Logger) throws {
        let base = PolicyFolder.base(folder)
        var folders = [base]
        let versions = base + "/versions"
        if let names = try? FileManager.default.contentsOfDirectory(atPath: versions) {
            folders += names.filter { !$0.hasPrefix(".") }.sorted().map { versions + "/" + $0 }
        }
        for f in folders {
            do {
                for line in try SetWriter.recover(folder: f) { logger.warning("\(line)") }
            } catch {
                logger.critical("\(error)")
                throw error
            }
        }
    }

    /// The warning logged at start-up when the service listens beyond this machine with no token: the
    /// API and the console are open to anyone who can reach the address. Nil on a loopback address
    /// (127.0.0.0/8, ::1, localhost) or with `--token-file`.
    static func openAccessWarning(_ configuration: ServerConfiguration) -> String? {
        guard configuration.tokens == nil, configuration.users == nil, configuration.jwt == nil, !isLoopback(configuration.host) else { return nil }
        let open = configuration.adminTokens == nil
            ? "no --token-file or --admin-token-file is given"
            : "no --token-file is given (--admin-token-file guards only reload)"
        return "listening on \(configuration.host), which is not a loopback address, and \(open): the API (decisions, "
            + "policies, schemas) and the web console are open to anyone who can reach this address. Give --token-file "
            + "FILE (bearer tokens, one per line; see docs/operating.md#tokens), or bind to 127.0.0.1 behind a proxy that checks callers"
    }

    /// Whether `host` names this machine only: 127.0.0.0/8, ::1 (or ::ffff:127.x.x.x), or `localhost`.
    static func isLoopback(_ host: String) -> Bool {
        var h = host.lowercased()
        if h.hasPrefix("["), h.hasSuffix("]") { h = String(h.dropFirst().dropLast()) }
        if h.hasSuffix(".") { h.removeLast() }
        if h == "localhost" || h.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, h, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, h, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }  // ::1
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return bytes[12] == 127 }  // ::ffff:127.x.x.x
        }
        return false
    }

    /// Runs until SIGTERM or SIGINT, then stops accepting connections, finishes the requests in
    /// flight (a streaming batch included) and returns.
    public func run() async throws {
        try await application().runService(gracefulShutdownSignals: [.sigterm, .sigint])
        registry.stopped()
    }
}
