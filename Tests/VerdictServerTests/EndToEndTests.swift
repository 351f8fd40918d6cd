#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing
import Verdict

/// The built `verdict` binary serving on a free loopback port: decide, SIGHUP, SIGTERM during a batch.
@Suite("verdict serve end to end", .serialized)
struct EndToEndTests {
    static var binary: URL {
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [bundleDir.appendingPathComponent("verdict"), repositoryRoot.appendingPathComponent(".build/debug/verdict")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return repositoryRoot.appendingPathComponent(".build/debug/verdict")
    }

    /// A running `verdict serve` on port 0 (the kernel picks a free port; the log names it).
    final class Server: Sendable {
        let process: Process
        let port: Int
        private let log = TextBuffer()
        var logText: String { log.text }

        init(_ arguments: [String]) throws {
            process = Process()
            process.executableURL = EndToEndTests.binary
            process.arguments = ["serve", "--port", "0", "--host", "127.0.0.1"] + arguments
            process.currentDirectoryURL = repositoryRoot
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            let log = self.log
            err.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty { handle.readabilityHandler = nil; return }
                log.append(String(decoding: data, as: UTF8.self))
            }
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            var port = 0
            while Date() < deadline, process.isRunning {
                let text = log.text
                if let r = text.range(of: #"listening on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression) {
                    port = Int(text[r].split(separator: ":").last!) ?? 0
                    break
                }
                usleep(20_000)
            }
            self.port = port
            if port == 0 {
                process.terminate()
                throw ServerError(message: "the server did not start: \(log.text)")
            }
        }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits (at most `seconds`) for `text` in the server's log; whether it came.
        func waitForLog(_ text: String, seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !logText.contains(text), Date() < deadline { usleep(20_000) }
            return logText.contains(text)
        }

        /// Waits (at most `seconds`) until a new connection to the server is refused (it has stopped
        /// listening); whether that happened.
        func refusesConnections(within seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if (try? HTTP.Connection(port: port)) == nil { return true }
                usleep(20_000)
            }
            return false
        }

        /// Waits for the process to exit (at most `seconds`), returning its status, or nil if still running.
        func exit(within seconds: Double) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            return process.isRunning ? nil : process.terminationStatus
        }

        func stop() {
            if process.isRunning {
                process.terminate()
                _ = exit(within: 10)
            }
        }
    }

    final class TextBuffer: Sendable {
        private let value = Mutex("")
        var text: String { value.withLock { $0 } }
        func append(_ s: String) { value.withLock { $0 += s } }
    }

    struct ServerError: Error, CustomStringConvertible { var message: String; var description: String { message } }

    @Test func decideSchemaTokensAndSIGHUP() throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let tokens = copy.root.appendingPathComponent("admin-tokens")
        try "# admin\nadmin-token-0123456789abcdef\n".write(to: tokens, atomically: true, encoding: .utf8)
        let server = try Server(["--policies", copy.path, "--watch-interval", "0", "--admin-token-file", tokens.path])
        defer { server.stop() }

        let decided = try HTTP.request(port: server.port, "POST", "/v1/policies/quality-complaints/decide", body: henanCase)
        #expect(decided.status == 200)
        let first = try #require(decided.json["policy"] as? [String: Any])["digest"] as? String
        #expect(first == (try CompiledPolicy.load(directory: copy.path)).identity.digest)
        #expect((decided.json["outputs"] as? [String: Any])?["tier"] as? Int == 3)
        #expect(decided.headers["verdict-policy-digest"] == first)

        let schema = try HTTP.request(port: server.port, "GET", "/v1/policies/quality-complaints/schema")
        #expect(schema.status == 200 && schema.headers["content-type"] == "application/schema+json")
        #expect(schema.body == CaseSchema.json(for: try CompiledPolicy.load(directory: copy.path)))

        #expect(try HTTP.request(port: server.port, "POST", "/v1/admin/reload").status == 401)
        let reload = try HTTP.request(port: server.port, "POST", "/v1/admin/reload", headers: ["Authorization": "Bearer admin-token-0123456789abcdef"])
        #expect(reload.status == 200)

        // SIGHUP reloads an edited folder (watching is off here).
        try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.0.1""#)
        server.signal(SIGHUP)
        let deadline = Date().addingTimeInterval(20)
        var listed: [String: Any] = [:]
        while Date() < deadline {
            listed = try HTTP.request(port: server.port, "GET", "/v1/policies/quality-complaints").json
            if listed["version"] as? String == "1.0.1" { break }
            usleep(30_000)
        }
        #expect(listed["version"] as? String == "1.0.1")
        #expect((listed["last_reload"] as? [String: Any])?["trigger"] as? String == "signal")
        let again = try HTTP.request(port: server.port, "POST", "/v1/policies/quality-complaints/decide", body: henanCase)
        let second = (again.json["policy"] as? [String: Any])?["digest"] as? String
        #expect(second != nil && second != first && second == listed["digest"] as? String)

        server.signal(SIGTERM)
        #expect(server.exit(within: 20) == 0)
        #expect(server.logText.contains("SIGHUP"))
        #expect(!server.logText.contains("admin-token-0123456789abcdef"))
    }

    @Test func sigtermDuringABatchFinishesTheResponseAndExits0() throws {
        // At debug level the service lifecycle logs the signal it caught.
        let server = try Server(["--policies", shippedPolicyPath("quality-complaints"), "--watch-interval", "0", "--log-level", "debug"])
        defer { server.stop() }
        let one = henanCase.replacingOccurrences(of: "\n", with: "")
        let lines = (0..<400).map { one.replacingOccurrences(of: "Q-2026-0042", with: "B-\($0)") + "\n" }
        let firstHalf = lines[0..<200].joined(), secondHalf = lines[200...].joined()
        let connection = try HTTP.Connection(port: server.port)
        try connection.send("POST /v1/policies/quality-complaints/decide-batch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-ndjson\r\n"
                            + "Content-Length: \(firstHalf.utf8.count + secondHalf.utf8.count)\r\nConnection: close\r\n\r\n" + firstHalf)
        // Decisions stream back before the request has been sent whole ...
        let early = try connection.receive(atLeast: 1, seconds: 30)
        #expect(String(decoding: early, as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        // ... and SIGTERM now lets this in-flight batch finish. Before the rest of the batch is sent, the
        // server has caught the signal (its log says so) and is shutting down: it accepts no new
        // connection, and it is still running, for this batch is not finished.
        server.signal(SIGTERM)
        #expect(server.waitForLog("Signal caught. Shutting down the group.", seconds: 30), "\(server.logText)")
        #expect(server.refusesConnections(within: 30), "the server still accepts connections after SIGTERM")
        #expect(server.process.isRunning, "the server exited before the batch in flight was finished")
        try connection.send(secondHalf)
        let response = try HTTP.Response(early + connection.receiveToEnd(seconds: 60))
        #expect(response.status == 200)
        let answers = response.body.split(separator: "\n")
        #expect(answers.count == 400)
        #expect(answers.first?.contains(#""case":"B-0""#) == true)
        #expect(answers.last?.contains(#""case":"B-399""#) == true)
        #expect(answers.allSatisfy { $0.contains(#""outputs""#) })
        #expect(server.exit(within: 30) == 0)
    }

    @Test func slowBodyTimesOutWith408() throws {
        let server = try Server(["--policies", shippedPolicyPath("quality-complaints"), "--watch-interval", "0", "--request-timeout", "1"])
        defer { server.stop() }
        let connection = try HTTP.Connection(port: server.port)
        try connection.send("POST /v1/policies/quality-complaints/decide HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":")
        let response = try HTTP.Response(connection.receiveToEnd(seconds: 30))
        #expect(response.status == 408)
        #expect(response.json["type"] as? String == "urn:verdict:problem:request-timeout")
        let answer = OpenAPITests.Answer(method: "POST", template: "/v1/policies/{name}/decide", status: response.status,
                                         headers: response.headers, body: Array(response.body.utf8))
        #expect(OpenAPITests.check(answer).isEmpty, "\(OpenAPITests.check(answer))")
        server.signal(SIGTERM)
        #expect(server.exit(within: 20) == 0)
    }

    @Test func servedDecisionsAreInTheDecisionLog() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-serve-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = "sqlite:" + dir.appendingPathComponent("decisions.sqlite").path
        let server = try Server(["--policies", shippedPolicyPath("quality-complaints"), "--watch-interval", "0", "--log", log])
        let one = try HTTP.request(port: server.port, "POST", "/v1/policies/quality-complaints/decide", body: henanCase)
        #expect(one.status == 200)
        let line = henanCase.replacingOccurrences(of: "\n", with: "")
        let batch = [line, line.replacingOccurrences(of: "Q-2026-0042", with: "Q-LOG-2"), "not json"].joined(separator: "\n")
        let connection = try HTTP.Connection(port: server.port)
        try connection.send("POST /v1/policies/quality-complaints/decide-batch HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + "Content-Type: application/x-ndjson\r\nContent-Length: \(batch.utf8.count)\r\n\r\n" + batch)
        let answered = try HTTP.Response(connection.receiveToEnd(seconds: 30))
        #expect(answered.status == 200)
        #expect(answered.body.split(separator: "\n").count == 3)
        server.signal(SIGTERM)
        #expect(server.exit(within: 20) == 0)

        // Every decision answered is recorded (the refused line is not a decision), and the log verifies.
        func verdict(_ args: [String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: data, as: UTF8.self))
        }
        let (exported, records) = try verdict(["audit", "export", "--log", log])
        #expect(exported == 0)
        let lines = records.split(separator: "\n")
        #expect(lines.count == 3, "\(records)")
        #expect(lines.filter { $0.contains("Q-LOG-2") }.count == 1)
        #expect(try verdict(["audit", "verify", "--log", log]).0 == 0)
        #expect(try verdict(["audit", "show", "Q-2026-0042", "--log", log]).1.contains("head_office"))
    }

    @Test func schemaCommand() throws {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = ["schema", "--policies", shippedPolicyPath("service-standards")]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(String(decoding: data, as: UTF8.self) == CaseSchema.json(for: try CompiledPolicy.load(directory: shippedPolicyPath("service-standards"))) + "\n")

        let missing = Process()
        missing.executableURL = Self.binary
        missing.arguments = ["schema", "case", "--policies", "/nonexistent/policy"]
        missing.standardOutput = FileHandle.nullDevice
        missing.standardError = FileHandle.nullDevice
        try missing.run()
        missing.waitUntilExit()
        #expect(missing.terminationStatus == 2)
    }
}

/// A minimal HTTP/1.1 client over a blocking loopback socket, so a test controls exactly when each
/// byte is sent (a batch in two halves around a SIGTERM).
enum HTTP {
    struct Failure: Error, CustomStringConvertible { var description: String }

    final class Connection {
        private let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw Failure(description: "socket failed") }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard status == 0 else { close(fd); throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
        }

        deinit { close(fd) }

        func send(_ text: String) throws {
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard n > 0 else { throw Failure(description: "send failed") }
                bytes = bytes.dropFirst(n)
            }
        }

        /// Reads what has arrived, waiting up to `seconds` for at least `atLeast` bytes.
        func receive(atLeast: Int, seconds: Double) throws -> [UInt8] {
            var out: [UInt8] = []
            let deadline = Date().addingTimeInterval(seconds)
            while out.count < atLeast {
                guard let chunk = try read(until: deadline) else { break }
                out += chunk
            }
            return out
        }

        func receiveToEnd(seconds: Double) throws -> [UInt8] {
            var out: [UInt8] = []
            let deadline = Date().addingTimeInterval(seconds)
            while let chunk = try read(until: deadline) { out += chunk }
            return out
        }

        /// One read; nil at the end of the stream. Throws past the deadline.
        private func read(until deadline: Date) throws -> [UInt8]? {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ms = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            guard poll(&pfd, 1, ms) > 0 else { throw Failure(description: "no answer in time") }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return n > 0 ? Array(buffer[0..<n]) : nil
        }
    }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }

        /// Parses a whole response: status line, headers, and a body by length, chunked, or to the end.
        init(_ raw: [UInt8]) throws {
            guard let split = raw.indices.first(where: { raw[$0...].starts(with: [13, 10, 13, 10]) }) else {
                throw Failure(description: "no header end in: \(String(decoding: raw, as: UTF8.self))")
            }
            let head = String(decoding: raw[..<split], as: UTF8.self).components(separatedBy: "\r\n")
            status = Int(head[0].split(separator: " ")[1]) ?? 0
            headers = [:]
            for line in head.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            var rest = Array(raw[(split + 4)...])
            if headers["transfer-encoding"]?.lowercased() == "chunked" {
                var body: [UInt8] = []
                while let lineEnd = rest.indices.first(where: { rest[$0...].starts(with: [13, 10]) }) {
                    let size = Int(String(decoding: rest[..<lineEnd], as: UTF8.self), radix: 16) ?? 0
                    if size == 0 { break }
                    body += rest[(lineEnd + 2)..<(lineEnd + 2 + size)]
                    rest = Array(rest[(lineEnd + 2 + size + 2)...])
                }
                self.body = String(decoding: body, as: UTF8.self)
            } else if let length = headers["content-length"].flatMap({ Int($0) }) {
                body = String(decoding: rest.prefix(length), as: UTF8.self)
            } else {
                body = String(decoding: rest, as: UTF8.self)
            }
        }
    }

    static func request(port: Int, _ method: String, _ path: String, headers: [String: String] = [:], body: String? = nil) throws -> Response {
        let connection = try Connection(port: port)
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if let body { text += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { text += "Content-Length: 0\r\n\r\n" }
        try connection.send(text)
        return try Response(connection.receiveToEnd(seconds: 30))
    }
}
