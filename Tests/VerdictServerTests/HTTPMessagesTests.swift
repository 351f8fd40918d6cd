import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing
import Verdict
@testable import VerdictServer

/// Issue 27, "messages that mislead": what the service says to a request that is not HTTP, to a
/// method a route does not take, to an empty batch, about a client that leaves, and at start-up when
/// it is open to the network.
@Suite("verdict serve messages that mislead")
struct HTTPMessagesTests {
    static let decidePath = "/v1/policies/quality-complaints/decide"
    static let batchPath = "/v1/policies/quality-complaints/decide-batch"

    /// One raw response: status, headers (names lowercased) and body.
    struct Raw {
        var status = 0
        var headers: [String: String] = [:]
        var body = ""
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }

        /// The responses in `text`, in order.
        static func all(_ text: String) -> [Raw] {
            var out: [Raw] = []
            var rest = Substring(text)
            while let end = rest.range(of: "\r\n\r\n") {
                var r = Raw()
                let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
                r.status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    r.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                let length = Int(r.headers["content-length"] ?? "0") ?? 0
                let body = rest[end.upperBound...].utf8.prefix(length)
                r.body = String(decoding: body, as: UTF8.self)
                out.append(r)
                rest = Substring(String(decoding: rest[end.upperBound...].utf8.dropFirst(length), as: UTF8.self))
            }
            return out
        }
    }

    /// Everything the server sends on `connection` within `seconds`, until `count` responses came or it closed.
    static func responses(_ connection: RawConnection, count: Int = 1, seconds: Double = 30) -> [Raw] {
        var text = ""
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let more = connection.receiveBlocking(seconds: max(0.1, deadline.timeIntervalSinceNow))
            if more.isEmpty { break }
            text += more
            if Raw.all(text).count >= count { break }
        }
        return Raw.all(text)
    }

    /// The built `verdict serve` in a process of its own, as the tests over sockets use it: its
    /// threads are its own, so its timers and answers do not wait on other tests of this process.
    static func server(_ extra: [String] = []) throws -> EndToEndTests.Server {
        try EndToEndTests.Server(["--policies", "policies/quality-complaints"] + extra)
    }

    /// `GET path` on a connection of its own: the status, or 0 without an answer.
    static func get(_ path: String, port: Int) throws -> Int {
        let c = try RawConnection(port: port)
        c.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return responses(c).first?.status ?? 0
    }

    // MARK: 1. Protocol errors are problem details

    @Test func protocolErrorsAreAnsweredWithProblemDetails() throws {
        let server = try Self.server()
        defer { server.stop() }
        do {
            let port = server.port
            let cases: [(String, String, Int, String)] = [
                ("a malformed request line", "THIS IS NOT HTTP\r\n\r\n", 400, "does not start with a method"),
                ("a request line with no version", "GET /healthz\r\nHost: 127.0.0.1\r\n\r\n", 400, "HTTP/1.1"),
                ("a raw UTF-8 path", "POST /v1/policies/服务标准/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n", 400, "percent-encode"),
                ("a space in the path", "GET /v1/poli cies HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "HTTP/1.1"),
                ("a bad header name", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n", 400, "a header's name or value"),
                ("a control character in a header value", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u{1}b\r\n\r\n", 400, "a header's name or value"),
                ("a bad Content-Length", "POST /v1/policies/quality-complaints/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x9\r\n\r\n", 400, "Content-Length"),
                ("HTTP/2 on an HTTP/1 port", "GET / HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n", 400, "HTTP/1.1 or HTTP/1.0"),
                ("headers past the parser's limit", "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + String(repeating: "a", count: 90_000) + "\r\n\r\n",
                 431, "headers are larger"),
            ]
            for (what, request, status, detail) in cases {
                let c = try RawConnection(port: port)
                c.send(request)
                let r = try #require(Self.responses(c).first, "\(what): no answer")
                #expect(r.status == status, "\(what)")
                #expect(r.headers["content-type"] == "application/problem+json", "\(what): \(r.headers)")
                #expect(r.headers["connection"] == "close", "\(what)")
                let body = r.json
                #expect(body["type"] as? String == (status == 431 ? "urn:verdict:problem:headers-too-large" : "urn:verdict:problem:bad-request"), "\(what): \(r.body)")
                #expect(body["status"] as? Int == status, "\(what)")
                #expect((body["detail"] as? String ?? "").contains(detail), "\(what): \(r.body)")
                // What was wrong, never the bytes that were.
                #expect(!r.body.contains("服务") && !r.body.contains("Bad Header") && !r.body.contains("aaaa") && !r.body.contains("x9"), "\(what): \(r.body)")
            }
            // A good request and a bad one on one connection: the first is answered, then the problem.
            let c = try RawConnection(port: port)
            c.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /\u{7F} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let both = Self.responses(c, count: 2)
            #expect(both.map(\.status) == [200, 400])
            #expect(both.last?.json["type"] as? String == "urn:verdict:problem:bad-request")
            // A bad chunk inside a body reaches the route reading it, which answers 400.
            let chunked = try RawConnection(port: port)
            chunked.send("POST \(Self.decidePath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\nzz\r\n")
            let bad = try #require(Self.responses(chunked).first)
            #expect(bad.status == 400)
            #expect(bad.json["type"] as? String == "urn:verdict:problem:bad-request")
            #expect((bad.json["detail"] as? String ?? "").contains("chunk"))
            // The service still answers, and nothing was logged as an internal error.
            #expect(try Self.get("/healthz", port: port) == 200)
            #expect(server.waitForLog("HTTP protocol error: 400", seconds: 30))
            let log = server.logText.split(separator: "\n")
            #expect(!log.contains { $0.contains("internal error") }, "\(log.filter { $0.contains("internal") })")
            // The server closed those connections: no client left.
            #expect(!log.contains { $0.contains("client closed the connection") }, "\(log.filter { $0.contains("client closed") })")
        }
    }

    // MARK: 2. A wrong method is 405 with Allow

    @Test func aWrongMethodIs405WithAllow() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")], tokens: ["api-token-0123456789abcdef"])
        try await service.application().test(.router) { client in
            for (method, path, allow, template) in [
                (HTTPRequest.Method.get, Self.decidePath, "POST", "/v1/policies/{name}/decide"),
                (.put, Self.batchPath, "POST", "/v1/policies/{name}/decide-batch"),
                (.delete, "/v1/policies", "GET", "/v1/policies"),
                (.post, "/v1/policies/quality-complaints", "GET", "/v1/policies/{name}"),
                (.get, "/v1/admin/reload", "POST", "/v1/admin/reload"),
                (.post, "/healthz", "GET", "/healthz"),
                (.delete, "/metrics", "GET", "/metrics"),
                (.put, "/login", "GET, POST", "/login"),
                (.delete, "/draft", "GET, POST", "/draft"),
                (.post, "/audit/12", "GET", "/audit/{seq}"),
            ] {
                let r = try await client.execute(uri: path, method: method)
                #expect(r.status == .methodNotAllowed, "\(method) \(path)")
                #expect(r.headers[.allow] == allow, "\(method) \(path)")
                #expect(r.headers[.contentType] == "application/problem+json")
                let body = json(r.body)
                #expect(body["type"] as? String == "urn:verdict:problem:method-not-allowed")
                #expect(body["detail"] as? String == "\(template) takes \(allow), not \(method.rawValue)", "\(body)")
                #expect(body["allow"] as? [String] == allow.components(separatedBy: ", "))
            }
            // A path that is no route is still 404, and a right method still reaches its route (here: 401).
            #expect(try await client.execute(uri: "/v1/policies/quality-complaints/nope", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/nowhere", method: .delete).status == .notFound)
            #expect(try await client.post(Self.decidePath, henanCase).status == .unauthorized)
        }
    }

    // MARK: 3. An empty batch is a 400

    @Test func anEmptyBatchIs400() async throws {
        let service = try makeService([shippedPolicyPath("quality-complaints")])
        let line = henanCase.replacingOccurrences(of: "\n", with: "")
        try await service.application().test(.router) { client in
            for (body, detail) in [("", "the batch holds no line"), ("\n \r\n\t\n", "the batch holds only blank lines")] {
                let r = try await client.post(Self.batchPath, body, type: "application/x-ndjson")
                #expect(r.status == .badRequest, "\(body.debugDescription)")
                #expect(r.headers[.contentType] == "application/problem+json")
                let problem = json(r.body)
                #expect(problem["type"] as? String == "urn:verdict:problem:empty-batch")
                #expect((problem["detail"] as? String ?? "").hasPrefix(detail), "\(problem)")
            }
            // Blank lines before the first case change nothing: its line number counts them.
            let r = try await client.post(Self.batchPath, "\n\n" + line + "\nnot json\n", type: "application/x-ndjson")
            #expect(r.status == .ok)
            let lines = text(r.body).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.last?.contains(#""line":4"#) == true, "\(lines)")
        }
        // A chunked body with no chunk, over a socket.
        let server = try Self.server()
        defer { server.stop() }
        let c = try RawConnection(port: server.port)
        c.send("POST \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        let r = try #require(Self.responses(c).first)
        #expect(r.status == 400)
        #expect(r.json["type"] as? String == "urn:verdict:problem:empty-batch")
    }

    // MARK: 4. Client disconnects are not internal errors

    @Test func aClientThatLeavesIsLoggedAsADisconnect() throws {
        let server = try Self.server(["--request-timeout", "60"])
        defer { server.stop() }
        let port = server.port
        let line = henanCase.replacingOccurrences(of: "\n", with: "")
        func count(_ text: String) -> Int { server.logText.components(separatedBy: text).count - 1 }
        func waitForLog(_ text: String, count wanted: Int = 1) -> Bool {
            for _ in 0..<1500 where count(text) < wanted { usleep(20_000) }
            return count(text) >= wanted
        }
        // Mid-body, on decide: half the case, then the connection closes.
        let c = try RawConnection(port: port)
        c.send("POST \(Self.decidePath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(henanCase.utf8.count)\r\n\r\n"
               + String(henanCase.prefix(40)))
        usleep(100_000)
        c.close()
        #expect(waitForLog("client closed the connection before sending the whole request (POST \(Self.decidePath))"))
        #expect(waitForLog("POST \(Self.decidePath) 499"))
        // Mid-body, on a batch (whose answer is streaming already).
        let b = try RawConnection(port: port)
        b.send("POST \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
               + String(line.utf8.count + 1, radix: 16) + "\r\n" + line + "\n\r\n")
        _ = b.receiveBlocking(seconds: 2)
        b.close()
        #expect(waitForLog("client closed the connection before sending the whole request (POST \(Self.batchPath))"))
        // Before the answer: a whole batch, and the connection closed without reading a byte of it.
        let a = try RawConnection(port: port)
        let batch = String(repeating: line + "\n", count: 500)
        a.send("POST \(Self.batchPath) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\nContent-Length: \(batch.utf8.count)\r\n\r\n" + batch)
        a.close()
        #expect(waitForLog("client closed the connection", count: 3))
        #expect(try Self.get("/healthz", port: port) == 200)
        let lines = server.logText.split(separator: "\n")
        #expect(!lines.contains { $0.contains("internal error") || $0.contains(" error verdict:") }, "\(lines.filter { $0.contains("error") })")
        #expect(lines.filter { $0.contains("client closed the connection") }.allSatisfy { $0.contains(" notice verdict: ") }, "\(lines)")
    }

    // MARK: 5. Open to the network without a token

    @Test func listeningBeyondLoopbackWithoutTokensIsWarnedAbout() throws {
        for host in ["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"] {
            #expect(VerdictService.isLoopback(host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com", "128.0.0.1", "::2", "::ffff:10.0.0.1"] {
            #expect(!VerdictService.isLoopback(host), "\(host)")
        }
        func config(_ host: String, tokens: Bool = false, admin: Bool = false) throws -> ServerConfiguration {
            var c = ServerConfiguration(policyFolders: [shippedPolicyPath("quality-complaints")])
            c.host = host
            c.port = 0
            c.reloadOnSIGHUP = false
            c.watchInterval = nil
            if tokens { c.tokens = try TokenSet(tokens: ["api-token-0123456789abcdef"]) }
            if admin { c.adminTokens = try TokenSet(tokens: ["admin-token-0123456789abcdef"]) }
            return c
        }
        // The warning is logged as the application is made, before anything binds (nothing is bound here).
        let log = CapturedLog()
        _ = VerdictService(configuration: try config("0.0.0.0"), logger: log.logger()).application()
        let warning = try #require(log.all.first { $0.contains(" warning verdict: ") }, "\(log.all)")
        #expect(warning.contains("listening on 0.0.0.0"))
        #expect(warning.contains("open to anyone who can reach this address"))
        #expect(warning.contains("--token-file"))
        #expect(VerdictService.openAccessWarning(try config("::", admin: true))?.contains("--admin-token-file guards only reload") == true)
        #expect(VerdictService.openAccessWarning(try config("0.0.0.0", tokens: true)) == nil)
        #expect(VerdictService.openAccessWarning(try config("127.0.0.1")) == nil)
        #expect(VerdictService.openAccessWarning(try config("localhost")) == nil)
        let quiet = CapturedLog()
        _ = VerdictService(configuration: try config("127.0.0.1"), logger: quiet.logger()).application()
        #expect(!quiet.all.contains { $0.contains(" warning ") })
    }
}
