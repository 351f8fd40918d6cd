#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How many connections the server holds open at once, and what a connection past the cap gets.
///
/// Slow clients each hold a connection (and a file descriptor) until their request times out; without
/// a cap, enough of them leave no descriptor for anyone else, health checks included. Past the cap, a
/// new connection is still accepted — so the client hears why — but its request is answered at once
/// with 503 `too-many-connections`, `Retry-After` and `Connection: close`, and never routed; a request
/// for `/healthz`, `/readyz` or `/metrics` is routed all the same, so a load balancer keeps seeing the
/// truth. The count is shared by every connection of one server.
final class ConnectionLimiter: Sendable {
    /// The cap.
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// The default cap: half the process's soft limit on open files (the rest is for policy files, the
    /// decision log and listening), between 8 and 4,096.
    static var defaultMaximum: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < 1 << 40 else { return 4096 }
        return max(8, min(4096, Int(limit.rlim_cur / 2)))
    }

    /// Connections open now.
    var count: Int { open.load(ordering: .relaxed) }

    /// A new handler for one connection's pipeline (after HTTP decoding).
    func handler() -> Handler { Handler(limiter: self) }

    fileprivate func opened() -> Int { open.add(1, ordering: .relaxed).newValue }
    fileprivate func closed() { open.subtract(1, ordering: .relaxed) }

    /// Paths answered even past the cap.
    static let alwaysServed: Set<String> = ["/healthz", "/readyz", "/metrics"]

    /// Counts one connection; past the cap, answers its request with 503 instead of passing it on.
    final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart

        let limiter: ConnectionLimiter
        private var counted = false
        private var over = false
        private var refusing = false

        init(limiter: ConnectionLimiter) {
            self.limiter = limiter
        }

        func handlerAdded(context: ChannelHandlerContext) {
            counted = true
            over = limiter.opened() > limiter.maximum
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            release()
        }

        func channelInactive(context: ChannelHandlerContext) {
            release()
            context.fireChannelInactive()
        }

        private func release() {
            if counted {
                counted = false
                limiter.closed()
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let part = unwrapInboundIn(data)
            if refusing { return }  // the rest of a refused request is dropped
            if over, case .head(let head) = part, !ConnectionLimiter.alwaysServed.contains(Self.path(head)) {
                refusing = true
                refuse(context)
                return
            }
            context.fireChannelRead(data)
        }

        static func path(_ head: HTTPRequest) -> String {
            let p = head.path ?? "/"
            return String(p.prefix { $0 != "?" })
        }

        private func refuse(_ context: ChannelHandlerContext) {
            Problem(.serviceUnavailable, "too-many-connections", "Too many connections",
                    detail: "the server holds \(limiter.maximum) connections already: try again shortly")
                .with(header: .retryAfter, "1")
                .writeAsLastAnswer(context)
        }
    }
}
