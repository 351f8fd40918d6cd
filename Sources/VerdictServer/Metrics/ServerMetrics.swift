import CoreMetrics
import Foundation
import Metrics
import Prometheus
import Synchronization
import Verdict

/// The service's metrics, through swift-metrics into one Prometheus registry, served at `GET /metrics`.
///
/// Each server has its own registry (no global bootstrap), so several servers in one process (tests)
/// keep separate counts. Label values are bounded: seven methods and `other`, route patterns, status codes, policy set names.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Request metrics by method, route and status, made once (a registry lookup per request costs).
    private let decisionCounters = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Counter)]>([:])
    private let requestMetrics = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
        ]
        self.factory = factory
    }

    /// The methods a request metric names; any other (HTTP lets a client send any token as its
    /// method) is counted as `other`, so a client cannot make a new time series per request.
    static let namedMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    /// One HTTP request answered: `verdict_http_requests_total` and `verdict_http_request_duration_seconds`.
    func request(method: String, route: String, status: Int, nanoseconds: Int64) {
        let method = Self.namedMethods.contains(method) ? method : "other"
        let key = "\(method) \(route) \(status)"
        let (counter, timer) = requestMetrics.withLock { cache in
            if let made = cache[key] { return made }
            let made = (CoreMetrics.Counter(label: "verdict_http_requests_total", dimensions: [("method", method), ("route", route), ("status", String(status))], factory: factory),
                        CoreMetrics.Timer(label: "verdict_http_request_duration_seconds", dimensions: [("route", route)], factory: factory))
            cache[key] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }

    /// Cases decided or refused: `verdict_decisions_total{policy, outcome="decided"|"refused"}`.
    func decisions(set: String, decided: Int, refused: Int) {
        let (yes, no) = decisionCounters.withLock { cache in
            if let made = cache[set] { return made }
            let made = (CoreMetrics.Counter(label: "verdict_decisions_total", dimensions: [("policy", set), ("outcome", "decided")], factory: factory),
                        CoreMetrics.Counter(label: "verdict_decisions_total", dimensions: [("policy", set), ("outcome", "refused")], factory: factory))
            cache[set] = made
            return made
        }
        if decided > 0 { yes.increment(by: decided) }
        if refused > 0 { no.increment(by: refused) }
    }

    /// A reload attempt: `verdict_reloads_total{policy, outcome}`, `verdict_policy_reload_failed{policy}`
    /// (1 while the last attempt failed), `verdict_policy_loaded{policy}` and the time of the last attempt.
    func reloaded(set: String, outcome: ReloadAttempt.Outcome, active: ActivePolicy?) {
        Counter(label: "verdict_reloads_total", dimensions: [("policy", set), ("outcome", outcome.rawValue)], factory: factory).increment()
        Gauge(label: "verdict_policy_reload_failed", dimensions: [("policy", set)], factory: factory).record(outcome == .failed ? 1 : 0)
        Gauge(label: "verdict_policy_loaded", dimensions: [("policy", set)], factory: factory).record(active == nil ? 0 : 1)
        Gauge(label: "verdict_policy_last_reload_timestamp_seconds", dimensions: [("policy", set)], factory: factory)
            .record(Date().timeIntervalSince1970)
        if let active, outcome == .activated {
            Gauge(label: "verdict_policy_activated_timestamp_seconds", dimensions: [("policy", set)], factory: factory)
                .record(active.loadedAt.timeIntervalSince1970)
        }
    }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        var out: [UInt8] = []
        registry.emit(into: &out)
        return out
    }
}
