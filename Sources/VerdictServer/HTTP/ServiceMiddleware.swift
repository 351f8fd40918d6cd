import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The outermost middleware: turns every error into problem details, counts and times each request,
/// and logs one line per request. It never logs headers, so a token never reaches the log.
struct ServiceMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let metrics: ServerMetrics
    /// The routes, for the `Allow` header of a 405.
    var routes = RouteTable()
    /// The logger's handler when it is Verdict's own, whose request line is formatted straight into
    /// bytes; any other handler gets the line through swift-log.
    let requestLog: LineLogHandler?

    init(logger: Logger, metrics: ServerMetrics, routes: RouteTable = RouteTable()) {
        self.logger = logger
        self.metrics = metrics
        self.routes = routes
        requestLog = logger.handler as? LineLogHandler
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as ConsoleRefusal {
            response = refusal.response
        } catch let problem as Problem {
            response = problem.response(instance: request.uri.path)
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, let allowed = routes.methods(for: request.uri.path), !allowed.methods.isEmpty {
                // The path is a route, the method is not one of its own.
                response = Self.methodNotAllowed(request.method, allowed).response(instance: request.uri.path)
            } else {
                response = Self.problem(for: error.status).response(instance: request.uri.path)
            }
        } catch is ClientDisconnect {
            // Logged at notice by ``ProtocolErrorHandler``; nothing can be sent. 499, as nginx logs it.
            response = Response(status: .init(code: 499, reasonPhrase: "Client Closed Request"))
        } catch {
            logger.error("internal error on \(request.method) \(request.uri.path): \(error)")
            response = Problem(.internalServerError, "internal", "Internal server error").response(instance: request.uri.path)
        }
        let elapsed = start.duration(to: .now)
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        let route = Self.route(request.uri.path)
        metrics.request(method: request.method.rawValue, route: route, status: Int(response.status.code), nanoseconds: nanoseconds)
        if logger.logLevel <= .info {
            let path = request.uri.path, status = Int(response.status.code), digest = response.headers[.policyDigest]
            if let requestLog {
                requestLog.logRequest(method: request.method.rawValue, path: path, status: status, nanoseconds: nanoseconds,
                                      requestID: context.id, policyDigest: digest)
            } else {
                var metadata = LineLogHandler.requestMetadata(method: request.method.rawValue, path: path, status: status,
                                                              nanoseconds: nanoseconds, requestID: context.id)
                if let digest { metadata["policy_digest"] = .string(digest) }
                logger.info("\(request.method) \(path) \(status)", metadata: metadata)
            }
        }
        return response
    }

    /// Problem details for the framework's own errors (an unknown route, a wrong method).
    static func problem(for status: HTTPResponse.Status) -> Problem {
        switch status {
        case .notFound: return Problem(.notFound, "not-found", "No such endpoint", detail: "see docs/openapi.yaml for the endpoints")
        case .methodNotAllowed: return Problem(.methodNotAllowed, "method-not-allowed", "Method not allowed")
        case .contentTooLarge: return Problem(.contentTooLarge, "body-too-large", "Request body too large")
        default: return Problem(status, "http-\(status.code)", status.reasonPhrase)
        }
    }

    /// 405 for a method a route does not take, with `Allow` listing those it does.
    static func methodNotAllowed(_ method: HTTPRequest.Method, _ allowed: (template: String, methods: [String])) -> Problem {
        let list = allowed.methods.joined(separator: ", ")
        return Problem(.methodNotAllowed, "method-not-allowed", "Method not allowed",
                       detail: "\(allowed.template) takes \(list), not \(method.rawValue)")
            .with("allow") { w in w.array { w in for m in allowed.methods { w.string(m) } } }
            .with(header: .allow, list)
    }

    /// The route pattern of a path, for metric labels (bounded: set names are replaced by `{name}`).
    static func route(_ path: String) -> String {
        // Every label is a literal. The path's parts are compared as bytes where they lie: splitting it
        // into substrings and comparing those as strings was some 1.6% of a decide request's CPU.
        var path = path
        return path.withUTF8 { Self.route(utf8: $0) }
    }

    private static func route(utf8 p: UnsafeBufferPointer<UInt8>) -> String {
        // The non-empty parts between slashes, at most five (a sixth makes it "other").
        var parts = InlineArray<5, Range<Int>>(repeating: 0..<0)
        var count = 0, i = 0
        while i < p.count {
            if p[i] == UInt8(ascii: "/") { i += 1; continue }
            let start = i
            while i < p.count, p[i] != UInt8(ascii: "/") { i += 1 }
            guard count < 5 else { return "other" }
            parts[count] = start..<i
            count += 1
        }
        func part(_ k: Int, _ literal: StaticString) -> Bool {
            let r = parts[k]
            guard r.count == literal.utf8CodeUnitCount else { return false }
            return memcmp(p.baseAddress! + r.lowerBound, literal.utf8Start, r.count) == 0
        }
        switch count {
        case 1:
            if part(0, "healthz") { return "/healthz" }
            if part(0, "readyz") { return "/readyz" }
            if part(0, "metrics") { return "/metrics" }
            return "other"
        case 2 where part(0, "v1") && part(1, "policies"): return "/v1/policies"
        case 3 where part(0, "v1") && part(1, "admin") && part(2, "reload"): return "/v1/admin/reload"
        case 3 where part(0, "v1") && part(1, "policies"): return "/v1/policies/{name}"
        case 4 where part(0, "v1") && part(1, "policies"):
            if part(3, "decide") { return "/v1/policies/{name}/decide" }
            if part(3, "decide-batch") { return "/v1/policies/{name}/decide-batch" }
            if part(3, "schema") { return "/v1/policies/{name}/schema" }
            return "other"
        default: return "other"
        }
    }
}

/// Which methods each route takes, read from the router once its routes are added (a route added
/// later, anywhere, is listed without another table to keep).
final class RouteTable: Sendable {
    private let routes = Mutex<[(path: RouterPath, methods: [String])]>([])

    init() {}

    /// Takes the routes of `router`.
    func load(_ router: Router<some RequestContext>) {
        var byPath: [String: (RouterPath, [String])] = [:]
        var order: [String] = []
        for route in router.routes {
            let key = route.path.description
            if byPath[key] == nil { order.append(key); byPath[key] = (route.path, []) }
            byPath[key]!.1.append(route.method.rawValue)
        }
        let table = order.map { key in
            let (path, methods) = byPath[key]!
            return (path: path, methods: Self.ordered(methods))
        }
        routes.withLock { $0 = table }
    }

    /// The route `path` matches, as a template (`/v1/policies/{name}/decide`), with its methods; nil when none.
    func methods(for path: String) -> (template: String, methods: [String])? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return routes.withLock { routes in
            for route in routes where route.path.components.count == segments.count
                && zip(route.path.components, segments).allSatisfy({ $0.0 ~= $0.1 }) {
                let template = "/" + route.path.components.map { c in
                    let d = c.description
                    return d.hasPrefix(":") ? "{\(d.dropFirst())}" : d
                }.joined(separator: "/")
                return (template, route.methods)
            }
            return nil
        }
    }

    /// GET before POST, then the rest in order.
    static func ordered(_ methods: [String]) -> [String] {
        let rank = ["GET": 0, "HEAD": 1, "POST": 2, "PUT": 3, "PATCH": 4, "DELETE": 5]
        return Array(Set(methods)).sorted { (rank[$0] ?? 9, $0) < (rank[$1] ?? 9, $1) }
    }
}
