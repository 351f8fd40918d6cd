import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// What a request that is not HTTP/1.1 gets, and what a client that leaves mid-request is logged as.
///
/// NIO's parser refuses a malformed request line, a raw byte beyond ASCII in the path or a bad header
/// before any route runs; Hummingbird would answer it 400 with an empty body. This handler, next to the
/// HTTP codec, answers it with problem details instead — 400 `bad-request` (431 `headers-too-large` for
/// headers past the parser's limits), a detail saying what was wrong without echoing the bytes, and
/// `Connection: close` — and closes the connection, once the answers to the requests before it are sent.
/// A protocol error inside a request's body (a bad chunk size) reaches the route reading it as that
/// problem, so the route's answer is the 400.
///
/// A client that closes the connection mid-body, or before its answer is sent, is logged once at
/// `notice` ("client closed the connection …"), never as an internal error: the route reading the body
/// gets ``ClientDisconnect``, which ``ServiceMiddleware`` logs as status 499 (nothing is sent).
final class ProtocolErrorHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let logger: Logger
    let metrics: ServerMetrics
    /// The request whose head came last: its method and path (without the query), for the log.
    private var current: (method: String, path: String)?
    /// A request's body is being received (its head came, its end not yet).
    private var receiving = false
    /// Requests whose answer has not been sent whole (its end not yet written).
    private var outstanding = 0
    /// The problem to send once the answers before it are sent; then the connection closes.
    private var pending: Problem?
    /// A protocol error was answered or is pending: the rest of the input is dropped.
    private var refusing = false
    /// A protocol error went to the route reading the body: close once its answer is sent.
    private var closeAfterAnswer = false
    private var disconnectLogged = false
    /// The server closed the connection (or its output) itself.
    private var closedByServer = false

    init(logger: Logger, metrics: ServerMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refusing { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiving = true
            outstanding += 1
            let path = head.path ?? "/"
            current = (head.method.rawValue, String(path.prefix { $0 != "?" }))
        case .body:
            break
        case .end:
            receiving = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if refusing { return }  // the parser's later complaints about the same bytes
        if Self.isDisconnect(error) {
            if receiving {
                logDisconnect("before sending the whole request")
                context.fireErrorCaught(ClientDisconnect())
                return
            }
            // The end of the input within a request's head is answered (the client may read on);
            // a reset is not.
            guard case HTTPParserError.invalidEOFState = error else {
                if outstanding > 0 { logDisconnect("before the answer was sent") }
                context.fireErrorCaught(error)
                return
            }
        }
        let problem = Self.problem(for: error)
        if receiving {
            // The route reading this body answers it; the connection closes after that answer, and
            // the rest of the input is dropped.
            receiving = false
            refusing = true
            closeAfterAnswer = true
            context.fireErrorCaught(problem)
            return
        }
        logger.info("HTTP protocol error: \(problem.status.code) \(problem.detail ?? "")",
                    metadata: ["status": .stringConvertible(Int(problem.status.code)), "problem": .string(problem.code)])
        metrics.request(method: "other", route: "other", status: Int(problem.status.code), nanoseconds: 0)
        refusing = true
        if outstanding == 0 {
            send(problem, context: context)
        } else {
            pending = problem
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        // Unless the server closed it (an idle timeout, a refusal): that is no client leaving.
        if !closedByServer, outstanding > 0 || receiving {
            logDisconnect(receiving ? "before sending the whole request" : "before the answer was sent")
        }
        context.fireChannelInactive()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        closedByServer = true
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        outstanding -= 1
        if outstanding == 0, let problem = pending {
            pending = nil
            context.write(data, promise: promise)
            send(problem, context: context)
        } else if outstanding == 0, closeAfterAnswer {
            closedByServer = true
            let bound = context.loopBound
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.whenComplete { _ in bound.value.close(promise: nil) }
            if let promise { written.futureResult.cascade(to: promise) }
            context.writeAndFlush(data, promise: written)
        } else {
            context.write(data, promise: promise)
        }
    }

    /// Writes `problem` as the connection's last answer and closes it.
    private func send(_ problem: Problem, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        closedByServer = true
        problem.writeAsLastAnswer(context)
    }

    private func logDisconnect(_ when: String) {
        guard !disconnectLogged else { return }
        disconnectLogged = true
        var metadata: Logger.Metadata = [:]
        if let current {
            metadata["method"] = .string(current.method)
            metadata["path"] = .string(current.path)
        }
        let request = current.map { " (\($0.method) \($0.path))" } ?? ""
        logger.notice("client closed the connection \(when)\(request)", metadata: metadata)
    }

    // MARK: - Errors

    /// The client went away: the connection ended mid-message, or the socket was reset.
    static func isDisconnect(_ error: Error) -> Bool {
        switch error {
        case HTTPParserError.invalidEOFState: return true
        case is IOError: return true
        case let e as ChannelError: return e == .eof || e == .ioOnClosedChannel || e == .alreadyClosed || e == .outputClosed || e == .inputClosed
        default: return false
        }
    }

    /// The problem that answers a request the parser refused: what was wrong, never the bytes.
    static func problem(for error: Error) -> Problem {
        let notHTTP = "the request is not well-formed HTTP/1.1: a request line `METHOD /path HTTP/1.1`, then headers, each line ending in CR LF"
        let detail: String
        switch error as? HTTPParserError {
        case .headerOverflow?:
            return Problem(.init(code: 431, reasonPhrase: "Request Header Fields Too Large"), "headers-too-large", "Request headers too large",
                           detail: "the request's headers are larger than the server takes (80 KiB in all, at most 1,000 fields)")
        case .invalidURL?:
            detail = "the request's path holds a character a URL may not hold (a space, a control character or a byte beyond ASCII): percent-encode it, as `/v1/policies/%E6%9C%8D%E5%8A%A1/decide`"
        case .invalidMethod?:
            detail = "the request line does not start with a method such as GET or POST"
        case .invalidVersion?:
            detail = "the request line does not end with HTTP/1.1 or HTTP/1.0"
        case .invalidHeaderToken?:
            detail = "a header's name or value holds a character it may not hold (names are ASCII letters, digits and !#$%&'*+-.^_`|~; values hold no control characters)"
        case .invalidContentLength?:
            detail = "Content-Length is not one decimal number"
        case .unexpectedContentLength?:
            detail = "the request has both Content-Length and Transfer-Encoding, or a Content-Length it may not have: send one of them"
        case .invalidChunkSize?:
            detail = "a chunk of the chunked body does not start with a valid size line"
        case .invalidEOFState?:
            detail = "the client closed its side of the connection before the request's headers ended"
        case .closedConnection?:
            detail = "the request came after one that asked to close the connection (`Connection: close`)"
        default:
            detail = notHTTP
        }
        return Problem(.badRequest, "bad-request", "Bad request", detail: detail)
    }
}

/// The client closed the connection while its request was being received: there is no one to answer.
struct ClientDisconnect: Error, CustomStringConvertible {
    var description: String { "the client closed the connection" }
}
