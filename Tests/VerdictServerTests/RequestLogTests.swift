#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Synchronization
import Testing
@testable import VerdictServer

/// The request line's fast path (issue 30): the same line as swift-log's general path, formatted
/// straight into bytes, and the buffer that writes lines in batches.
@Suite struct RequestLogTests {
    /// The line without its leading time (text) or `time` member (JSON): the two paths read the
    /// clock a moment apart.
    static func withoutTime(_ line: String, _ format: LogFormat) -> String {
        switch format {
        case .text: return String(line.drop { $0 != " " })
        case .json: return line.replacing(/"time":"[^"]*"/, with: "\"time\":\"T\"")
        }
    }

    static let requests: [(method: String, path: String, status: Int, ns: Int64, id: String, digest: String?)] = [
        ("POST", "/v1/policies/quality-complaints/decide", 200, 210_400, "req-1", "sha256:abc"),
        ("GET", "/healthz", 200, 9_999, "req-2", nil),
        ("POST", "/v1/policies/a b/decide", 422, 1_234_567_890, "id with space", "sha256:x"),
        ("POST", "/v1/policies/\u{1B}[2J\r\nfake 200/decide", 404, 0, "r\u{2028}", nil),
        ("BREW", "/咖啡/€", 405, 500, "请求-7", "sha256:\"q\""),
    ]

    @Test(arguments: LogFormat.allCases)
    func theFastLineIsTheGeneralPathsLine(format: LogFormat) {
        for r in Self.requests {
            let captured = CapturedLog()
            let handler = LineLogHandler(label: "verdict", format: format, level: .info, sink: captured.sink)
            handler.logRequest(method: r.method, path: r.path, status: r.status, nanoseconds: r.ns, requestID: r.id, policyDigest: r.digest)
            // The general path: the handler with metadata of its own (empty values would differ), so
            // compare against a plain swift-log call instead.
            var metadata = LineLogHandler.requestMetadata(method: r.method, path: r.path, status: r.status, nanoseconds: r.ns, requestID: r.id)
            if let d = r.digest { metadata["policy_digest"] = .string(d) }
            Logger(label: "verdict") { _ in handler }.info("\(r.method) \(r.path) \(r.status)", metadata: metadata)
            let lines = captured.all
            #expect(lines.count == 2)
            guard lines.count == 2 else { continue }
            #expect(Self.withoutTime(lines[0], format) == Self.withoutTime(lines[1], format), "\(r.path)")
            #expect(lines[0].hasSuffix("\n") && lines[0].filter { $0 == "\n" }.count == 1, "one line: \(lines[0])")
        }
    }

    @Test func aHandlerWithMetadataTakesTheGeneralPathAndKeepsIt() {
        let captured = CapturedLog()
        var handler = LineLogHandler(label: "verdict", format: .text, level: .info, sink: captured.sink)
        handler.metadata["instance"] = "b"
        handler.logRequest(method: "GET", path: "/readyz", status: 200, nanoseconds: 1_000, requestID: "r", policyDigest: nil)
        #expect(captured.all.count == 1)
        #expect(captured.all.first?.contains(" instance=b ") == true)
        #expect(captured.all.first?.contains(" ms=0.001 ") == true)
    }

    @Test func belowInfoNothingIsLogged() {
        let captured = CapturedLog()
        let handler = LineLogHandler(label: "verdict", format: .json, level: .notice, sink: captured.sink)
        handler.logRequest(method: "GET", path: "/", status: 200, nanoseconds: 1, requestID: "r", policyDigest: nil)
        #expect(captured.all.isEmpty)
    }

    @Test func timesAreWhatTheISOFormatterWrites() {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let instants: [(Int, Int)] = [
            (0, 0), (1_796_166_000, 123_456_789), (951_782_400, 999_999_999),  // 2000-02-29
            (-1, 1_000_000), (-86_400 * 365, 0), (253_402_300_799, 0),            // 1969, 9999-12-31T23:59:59
            (1_709_164_800, 5_000_000),                                           // 2024-02-29
        ]
        for (seconds, nanoseconds) in instants {
            var line: [UInt8] = []
            LineLogHandler.appendTime((seconds, nanoseconds), to: &line)
            // Half a millisecond in, so the double's rounding cannot cross a millisecond (both truncate).
            let date = Date(timeIntervalSince1970: Double(seconds) + (Double(nanoseconds / 1_000_000) + 0.5) / 1000)
            #expect(String(decoding: line, as: UTF8.self) == date.formatted(style), "\(seconds).\(nanoseconds)")
        }
    }

    @Test func millisecondsHaveThreeDecimalsRoundedHalfUp() {
        func ms(_ ns: Int64) -> String {
            var line: [UInt8] = []
            LineLogHandler.appendMilliseconds(ns, to: &line)
            return String(decoding: line, as: UTF8.self)
        }
        #expect(ms(210_000) == "0.210")
        #expect(ms(499) == "0.000")
        #expect(ms(500) == "0.001")
        #expect(ms(1_234_567_890) == "1234.568")
        #expect(ms(-5) == "0.000")
        #expect(ms(Int64(7) * 3_600_000_000_000) == "25200000.000")
    }

    /// A pipe the test reads from another thread, all of it, until the write end is closed.
    final class PipeReader: Sendable {
        let writeEnd: Int32
        private let readEnd: Int32
        private let received = Mutex<[UInt8]>([])
        private let done = Mutex<Bool>(false)

        init(nonBlockingWrites: Bool = false, slow: Bool = false) {
            var fds: [Int32] = [0, 0]
            _ = pipe(&fds)
            readEnd = fds[0]
            writeEnd = fds[1]
            if nonBlockingWrites { _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) }
            let fd = readEnd
            Thread { [self] in
                var chunk = [UInt8](repeating: 0, count: slow ? 512 : 65_536)
                while true {
                    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 { break }
                    self.received.withLock { $0.append(contentsOf: chunk[0..<n]) }
                    if slow { usleep(200) }
                }
                self.done.withLock { $0 = true }
            }.start()
        }

        /// Closes the write end and waits (up to 60 s) until the reader has everything.
        func finish() -> String {
            close(writeEnd)
            for _ in 0..<6_000 where !done.withLock({ $0 }) { usleep(10_000) }
            close(readEnd)
            return String(decoding: received.withLock { $0 }, as: UTF8.self)
        }

        var soFar: Int { received.withLock { $0.count } }
    }

    @Test func linesFromManyThreadsArriveWholeAndOnce() async {
        let pipe = PipeReader()
        let buffer = LogBuffer(descriptor: pipe.writeEnd, interval: .milliseconds(5), highWater: 4096)
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<2_000 { buffer.append(Array("thread \(t) line \(i) \(String(repeating: "x", count: i % 50))\n".utf8)) }
                }
            }
        }
        buffer.flush()
        let lines = pipe.finish().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 16_000)
        #expect(Set(lines).count == 16_000)
        for t in 0..<8 {
            // Each thread's lines in its order, each whole.
            let own = lines.filter { $0.hasPrefix("thread \(t) ") }
            #expect(own.count == 2_000)
            #expect(own.enumerated().allSatisfy { i, line in line == "thread \(t) line \(i) \(String(repeating: "x", count: i % 50))" })
        }
    }

    @Test func aSlowNonBlockingReaderLosesNothing() {
        let pipe = PipeReader(nonBlockingWrites: true, slow: true)
        let buffer = LogBuffer(descriptor: pipe.writeEnd, interval: .milliseconds(5), highWater: 16_384)
        let line = Array((String(repeating: "y", count: 199) + "\n").utf8)
        for _ in 0..<2_000 { buffer.append(line) }
        buffer.flush()
        let text = pipe.finish()
        #expect(text.utf8.count == 400_000)
        #expect(text.split(separator: "\n").allSatisfy { $0.utf8.count == 199 })
    }

    @Test func aReaderThatStoppedCostsTheLinesNotTheService() {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        defer { close(fds[0]); close(fds[1]) }
        _ = fcntl(fds[1], F_SETFL, fcntl(fds[1], F_GETFL) | O_NONBLOCK)
        let buffer = LogBuffer(descriptor: fds[1], interval: .seconds(3_600), highWater: 1 << 20, stallLimit: 100)
        // Nobody reads the pipe: it fills (64 KiB), the rest is dropped after 100 ms without progress.
        buffer.append([UInt8](repeating: 0x61, count: 200_000) + [0x0A])
        buffer.flush()
        #expect(buffer.droppedBytes > 0 && buffer.droppedBytes < 200_001)
    }

    @Test func anUrgentLineIsWrittenAtOnceWithTheLinesBeforeIt() {
        let pipe = PipeReader()
        // An interval far longer than the test: only the urgent append can have written.
        let buffer = LogBuffer(descriptor: pipe.writeEnd, interval: .seconds(3_600), highWater: 1 << 20)
        buffer.append(Array("quiet\n".utf8))
        buffer.append(Array("urgent\n".utf8), urgent: true)
        for _ in 0..<1_000 where pipe.soFar < 13 { usleep(10_000) }
        #expect(pipe.soFar == 13)
        #expect(pipe.finish() == "quiet\nurgent\n")
    }

    @Test func theBatchWaitsForTheIntervalNotForever() {
        let pipe = PipeReader()
        let buffer = LogBuffer(descriptor: pipe.writeEnd, interval: .milliseconds(20), highWater: 1 << 20)
        buffer.append(Array("later\n".utf8))
        for _ in 0..<6_000 where pipe.soFar < 6 { usleep(10_000) }
        #expect(pipe.finish() == "later\n")
    }
}
