import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTPTypes
import Verdict

/// An RFC 9457 problem details response (`application/problem+json`).
///
/// `type` is `urn:verdict:problem:<code>`; the codes are listed in docs/operating.md and
/// docs/openapi.yaml. Extension members (`problems`, `policy`, `results`, ...) are serialised JSON.
struct Problem: Error, HTTPResponseError {
    var status: HTTPResponse.Status
    var code: String
    var title: String
    var detail: String?
    /// Extra members, each already JSON.
    var extensions: [(key: String, json: [UInt8])] = []
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, _ code: String, _ title: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
    }

    static let contentType = "application/problem+json"

    func with(_ key: String, _ write: (inout JSONWriter) -> Void) -> Problem {
        var w = JSONWriter()
        write(&w)
        var p = self
        p.extensions.append((key, w.bytes))
        return p
    }

    func with(header name: HTTPField.Name, _ value: String) -> Problem {
        var p = self
        p.headers[name] = value
        return p
    }

    func body(instance: String?) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.field("type", "urn:verdict:problem:" + code)
            w.field("title", title)
            w.field("status", Int(status.code))
            if let detail { w.field("detail", detail) }
            if let instance { w.field("instance", instance) }
            for (key, json) in extensions {
                w.key(key)
                w.serialised(json)
            }
        }
        return w.bytes
    }

    func response(instance: String?) -> Response {
        var headers = self.headers
        headers[.contentType] = Self.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body(instance: instance))))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(instance: request.uri.path)
    }
}

extension Problem {
    /// Writes the problem as a connection's last answer and closes it, from a channel handler that
    /// sits after HTTP decoding (``ConnectionLimiter``, ``ProtocolErrorHandler``): before any route
    /// runs, so without an `instance`.
    func writeAsLastAnswer(_ context: ChannelHandlerContext) {
        let body = self.body(instance: nil)
        var fields = headers
        fields[.contentType] = Problem.contentType
        fields[.contentLength] = String(body.count)
        fields[.connection] = "close"
        context.write(NIOAny(HTTPResponsePart.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(NIOAny(HTTPResponsePart.body(context.channel.allocator.buffer(bytes: body))), promise: nil)
        let bound = context.loopBound
        context.writeAndFlush(NIOAny(HTTPResponsePart.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
    }
}
