import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Verdict
import VerdictAudit

/// Posts each step of a governed change to a company's URL (`--change-webhook URL`), so that a
/// ticketing system can follow reviews (issue 32).
///
/// The body is one JSON object: `{"step":…,"proposal":…,"set":…,"by":…,"reason":…,"base":…,"candidate":…,"recorded_at":…}`
/// (and `"rollback_of"` for a rollback). With a secret (`--change-webhook-secret-file`), the header
/// `X-Verdict-Signature: sha256=<hex HMAC-SHA256 of the body>` lets the receiver check it came from here.
/// Steps are sent in order from a thread of the webhook's own — never one of the service's request
/// threads, which a slow receiver would hold — at most ``capacity`` waiting (past it, a new step is
/// not queued and a warning names it: the receiver is slower than the steps), each attempt bounded by
/// ``timeout``; a failure is logged (with the URL's host, never its path, query or credentials) and
/// never delays or undoes the step — the decision log is the record, the webhook a notice.
final class ChangeWebhook: Sendable {
    static let capacity = 256
    static let timeout: TimeInterval = 5

    /// The steps waiting, and whether the webhook is stopping.
    private final class Queue: @unchecked Sendable {
        // Guarded by `condition`.
        let condition = NSCondition()
        var bodies: [[UInt8]] = []
        var stopping = false
    }

    private let queue = Queue()
    private let logger: Logger
    let url: URL
    /// The URL as logged: scheme, host and port only (a path or query may hold the receiver's secret, as
    /// chat services' webhook URLs do; so may a user and password).
    let shown: String

    init(url: URL, secret: [UInt8]?, logger: Logger) {
        self.url = url
        self.logger = logger
        let shown = "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")"
        self.shown = shown
        // The key's bytes cross to the thread; the key is made there.
        let secret = secret
        let queue = self.queue
        let thread = Thread {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = Self.timeout
            configuration.timeoutIntervalForResource = Self.timeout
            let session = URLSession(configuration: configuration)
            let key = secret.map { SymmetricKey(data: $0) }
            while true {
                queue.condition.lock()
                while queue.bodies.isEmpty && !queue.stopping { queue.condition.wait() }
                if queue.bodies.isEmpty { queue.condition.unlock(); return }
                let body = queue.bodies.removeFirst()
                queue.condition.unlock()
                var request = URLRequest(url: url, timeoutInterval: Self.timeout)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                if let key {
                    let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
                    request.setValue("sha256=" + mac.map { String(format: "%02x", $0) }.joined(), forHTTPHeaderField: "X-Verdict-Signature")
                }
                request.httpBody = Data(body)
                // One post at a time, in order: this thread waits for each answer (within the timeout).
                let done = DispatchSemaphore(value: 0)
                session.dataTask(with: request) { _, response, error in
                    if let error {
                        logger.warning("change webhook \(shown) failed: \(error.localizedDescription)")
                    } else if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                        logger.warning("change webhook \(shown) answered \(status)")
                    }
                    done.signal()
                }.resume()
                if done.wait(timeout: .now() + Self.timeout + 5) == .timedOut {
                    logger.warning("change webhook \(shown) did not answer within \(Int(Self.timeout)) s")
                }
            }
        }
        thread.name = "verdict-change-webhook"
        thread.start()
    }

    /// Queues `event` to be posted.
    func send(_ event: PendingChangeEvent) {
        var w = JSONWriter()
        w.object { w in
            w.field("step", event.step.rawValue)
            w.field("proposal", event.proposal)
            w.field("set", event.set)
            w.field("by", event.by)
            w.field("reason", event.reason)
            w.field("base", event.baseDigest)
            w.field("candidate", event.candidateDigest)
            if let r = event.rollbackOf { w.field("rollback_of", r) }
            w.field("recorded_at", event.recordedAt.rfc3339(in: .utc))
        }
        queue.condition.lock()
        let full = queue.bodies.count >= Self.capacity
        if !full {
            queue.bodies.append(w.bytes)
            queue.condition.signal()
        }
        queue.condition.unlock()
        if full {
            logger.warning("change webhook \(shown): \(Self.capacity) steps are waiting already; proposal \(event.proposal) \(event.step.rawValue) is not sent (the decision log has it)")
        }
    }

    deinit {
        queue.condition.lock()
        queue.stopping = true
        queue.condition.signal()
        queue.condition.unlock()
    }
}
