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
/// Steps are sent in order from one task, at most ``capacity`` waiting (past it, a new step is not
/// queued and a warning names it: the receiver is slower than the steps), each attempt bounded by
/// ``timeout``; a failure is logged (with the URL's host and path, never credentials in it) and never
/// delays or undoes the step — the decision log is the record, the webhook a notice.
final class ChangeWebhook: Sendable {
    static let capacity = 256
    static let timeout: TimeInterval = 5

    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let logger: Logger
    let url: URL
    /// The URL as logged: scheme, host, port and path, without user, password or query.
    let shown: String

    init(url: URL, secret: [UInt8]?, logger: Logger) {
        self.url = url
        self.logger = logger
        let shown = "\(url.scheme ?? "http")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
        self.shown = shown
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
        self.continuation = continuation
        let key = secret.map { SymmetricKey(data: $0) }
        Task.detached {
            let configuration = URLSessionConfiguration.ephemeral
            configuration.timeoutIntervalForRequest = Self.timeout
            configuration.timeoutIntervalForResource = Self.timeout
            let session = URLSession(configuration: configuration)
            for await body in stream {
                var request = URLRequest(url: url, timeoutInterval: Self.timeout)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                if let key {
                    let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
                    request.setValue("sha256=" + mac.map { String(format: "%02x", $0) }.joined(), forHTTPHeaderField: "X-Verdict-Signature")
                }
                request.httpBody = Data(body)
                do {
                    let (_, response) = try await session.data(for: request)
                    if let status = (response as? HTTPURLResponse)?.statusCode, !(200..<300).contains(status) {
                        logger.warning("change webhook \(shown) answered \(status)")
                    }
                } catch {
                    logger.warning("change webhook \(shown) failed: \(error.localizedDescription)")
                }
            }
        }
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
        if case .dropped = continuation.yield(w.bytes) {
            logger.warning("change webhook \(shown): \(Self.capacity) steps are waiting already; proposal \(event.proposal) \(event.step.rawValue) is not sent (the decision log has it)")
        }
    }

    deinit { continuation.finish() }
}
