#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import Synchronization
import Testing
import Verdict
import VerdictAudit
@testable import VerdictServer

/// The change webhook (issue 32): each step posted as JSON to the configured URL, in order, signed with
/// HMAC-SHA256 when a secret is given; a receiver that is down costs the step nothing.
@Suite struct ChangeWebhookTests {
    /// A one-thread HTTP receiver on 127.0.0.1 that answers 200 to each POST and keeps the requests.
    final class Receiver: @unchecked Sendable {
        let fd: Int32
        let port: Int
        let requests = Mutex<[(headers: [String: String], body: String)]>([])

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
            listen(fd, 8)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
            let thread = Thread { [self] in self.serve() }
            thread.start()
        }

        private func serve() {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                var timeout = timeval(tv_sec: 5, tv_usec: 0)
                setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                var data: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let n = read(c, &buffer, buffer.count)
                    if n <= 0 { break }
                    data += buffer[0..<n]
                    let text = String(decoding: data, as: UTF8.self)
                    if let split = text.range(of: "\r\n\r\n") {
                        let head = text[..<split.lowerBound]
                        var headers: [String: String] = [:]
                        for line in head.split(separator: "\r\n").dropFirst() {
                            let parts = line.split(separator: ":", maxSplits: 1)
                            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
                        }
                        let length = Int(headers["content-length"] ?? "0") ?? 0
                        let body = Array(text[split.upperBound...].utf8)
                        if body.count >= length {
                            requests.withLock { $0.append((headers, String(decoding: body.prefix(length), as: UTF8.self))) }
                            let answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            _ = answer.withCString { write(c, $0, strlen($0)) }
                            break
                        }
                    }
                }
                close(c)
            }
        }

        /// Waits without blocking a thread of the cooperative pool, which the webhook's task runs on.
        func wait(for count: Int, seconds: Double) async throws -> [(headers: [String: String], body: String)] {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, requests.withLock({ $0.count }) < count { try await Task.sleep(for: .milliseconds(20)) }
            return requests.withLock { $0 }
        }

        func stop() { shutdown(fd, Int32(SHUT_RDWR)); close(fd) }
    }

    static func event(_ step: PendingChangeEvent.Step, _ id: String) -> PendingChangeEvent {
        PendingChangeEvent(step: step, proposal: id, set: "quality-complaints", by: "li.wei", reason: "raise the band \"to\" 500",
                           baseDigest: "sha256:aa", candidateDigest: "sha256:bb", recordedAt: Timestamp(millisecondsSinceEpoch: 1_796_000_000_000))
    }

    @Test func eachStepIsPostedInOrderAndSigned() async throws {
        let receiver = try Receiver()
        defer { receiver.stop() }
        let secret = Array("a-shared-secret".utf8)
        let hook = ChangeWebhook(url: URL(string: "http://127.0.0.1:\(receiver.port)/hooks/verdict")!, secret: secret, logger: CapturedLog().logger())
        hook.send(Self.event(.proposed, "P1"))
        hook.send(Self.event(.approved, "P1"))
        hook.send(Self.event(.activated, "P1"))
        let got = try await receiver.wait(for: 3, seconds: 30)
        withExtendedLifetime(hook) {}
        #expect(got.count == 3)
        let steps = got.map { (try? JSONSerialization.jsonObject(with: Data($0.body.utf8))) as? [String: Any] }.map { $0?["step"] as? String }
        #expect(steps == ["proposed", "approved", "activated"])
        let first = try #require(got.first)
        let object = (try JSONSerialization.jsonObject(with: Data(first.body.utf8))) as? [String: Any]
        #expect(object?["reason"] as? String == "raise the band \"to\" 500" && object?["proposal"] as? String == "P1" && object?["candidate"] as? String == "sha256:bb")
        #expect(first.headers["content-type"] == "application/json")
        let mac = HMAC<SHA256>.authenticationCode(for: Array(first.body.utf8), using: SymmetricKey(data: secret))
        #expect(first.headers["x-verdict-signature"] == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
    }

    @Test func aReceiverThatIsDownCostsNothing() async throws {
        // A port nothing listens on: the send returns at once, and the failure is only logged.
        let log = CapturedLog()
        let hook = ChangeWebhook(url: URL(string: "http://127.0.0.1:9/unreachable")!, secret: nil, logger: log.logger())
        let started = Date()
        hook.send(Self.event(.proposed, "P2"))
        #expect(Date().timeIntervalSince(started) < 5, "send does not wait for the receiver")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !log.all.contains(where: { $0.contains("change webhook") }) { try await Task.sleep(for: .milliseconds(20)) }
        // Named by scheme, host and port: a webhook URL's path may hold its secret.
        #expect(log.all.contains { $0.contains("change webhook http://127.0.0.1:9 failed") })
        #expect(!log.all.contains { $0.contains("/unreachable") })
        withExtendedLifetime(hook) {}
    }
}
