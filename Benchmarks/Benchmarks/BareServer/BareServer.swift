// The framework's ceiling for the load script (Benchmarks/load/run.sh): one Hummingbird route that
// reads the request body and answers a fixed 300-byte JSON body, with the same server setup as
// `verdict serve` (HTTP/1.1, keep-alive) but no routing by name, no decision, no middleware. It lives
// here, not in the product: only the load script runs it.
//
//   BareServer [--host 127.0.0.1] [--port 8081]      POST /bare
import Hummingbird
import Logging
import NIOCore

@main
struct BareServer {
    /// Exactly 300 bytes of JSON, about the size of a plain decision.
    static let body: [UInt8] = {
        let head = #"{"case":"bare","policy":{"name":"bare","version":"1.0.0","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000"},"outputs":{"tier":1,"lead":"business_supervisor","pad":""#
        let tail = #""}}"#
        return Array((head + String(repeating: "x", count: 300 - head.utf8.count - tail.utf8.count) + tail).utf8)
    }()

    static func main() async throws {
        var host = "127.0.0.1", port = 8081
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            switch argument {
            case "--host": host = arguments.popFirst() ?? host
            case "--port": port = arguments.popFirst().flatMap { Int($0) } ?? port
            default:
                print("usage: BareServer [--host 127.0.0.1] [--port 8081]")
                return
            }
        }
        let router = Router(context: BasicRequestContext.self)
        router.post("bare") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        var logger = Logger(label: "verdict-bare")
        logger.logLevel = .warning
        let app = Application(router: router, server: .http1(),
                              configuration: .init(address: .hostname(host, port: port), serverName: "verdict-bare"), logger: logger)
        try await app.runService()
    }
}
