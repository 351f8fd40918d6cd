import Foundation
import Synchronization
import Testing
@testable import Verdict

/// The one JSON Lines batch engine: lines cut under the cap in pieces of any size, an error line per
/// bad line, the answers in input order from any number of threads, the limits and the stop line.
@Suite("one batch engine")
struct DecisionBatchTests {
    static let set = WhyNotVersionsTests.set

    /// Lines of cases on both sides of 2027-01-01, with a broken one, a blank one and a CRLF one.
    static let lines: [String] = (0..<1500).map { i in
        switch i % 7 {
        case 3: return #"{"id": "B-\#(i)", "received_at": "2026-12-30T10:00:00+08:00"}"#  // no cost
        case 5: return "  "
        default:
            let date = i % 2 == 0 ? "2026-12-30T10:00:00+08:00" : "2027-01-04T10:00:00+08:00"
            return #"{"id": "B-\#(i)", "received_at": "\#(date)", "cost": "\#(i % 900).00"}"# + (i % 11 == 0 ? "\r" : "")
        }
    }

    static func expected(_ request: DecisionRequest) -> String {
        var out = ""
        for (k, line) in lines.enumerated() {
            let trimmed = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if trimmed.allSatisfy({ $0 == " " }) { continue }
            do { out += try set.answer(request, json: Array(trimmed.utf8)).rendered() + "\n" } catch {
                out += error.caseError.answerJSON(line: k + 1) + "\n"
            }
        }
        return out
    }

    /// Runs a batch fed in pieces of `piece` bytes.
    static func run(jobs: Int, piece: Int, request: DecisionRequest = DecisionRequest(), limits: DecisionBatch.Limits = .init(),
                    input: String? = nil) -> (String, DecisionBatch.Summary) {
        let out = Mutex<[UInt8]>([])
        let batch = DecisionBatch(set: set, request: request, jobs: jobs, limits: limits) { bytes in out.withLock { $0 += bytes } }
        let bytes = Array((input ?? lines.joined(separator: "\n")).utf8)
        var i = 0
        while i < bytes.count {
            batch.feed(Array(bytes[i..<min(i + piece, bytes.count)]))
            if i % (piece * 7) == 0 { batch.flush() }
            i += piece
        }
        let summary = batch.finish()
        return (String(decoding: out.withLock { $0 }, as: UTF8.self), summary)
    }

    @Test(arguments: [(1, 1), (1, 4096), (3, 17), (4, 1 << 16)])
    func answersComeInInputOrderWhateverThePiecesAndThreads(jobs: Int, piece: Int) {
        let request = DecisionRequest(now: try! Timestamp(rfc3339: "2027-02-01T00:00:00+08:00"))
        let (out, summary) = Self.run(jobs: jobs, piece: piece, request: request)
        #expect(out == Self.expected(request))
        let blank = Self.lines.filter { $0.allSatisfy { $0 == " " } }.count
        #expect(summary.lines == Self.lines.count - blank)
        #expect(summary.refused == Self.lines.enumerated().filter { $0.offset % 7 == 3 }.count)
        #expect(summary.decided + summary.refused == summary.lines)
    }

    @Test func aLineOverTheCapGetsItsErrorAndTheBatchGoesOn() {
        let long = #"{"id": "L", "pad": ""# + String(repeating: "x", count: 300) + #""}"#
        let input = [Self.lines[0], long, Self.lines[1]].joined(separator: "\n")
        for jobs in [1, 2] {
            let (out, summary) = Self.run(jobs: jobs, piece: 64, limits: .init(maxLineBytes: 200), input: input)
            let answers = out.split(separator: "\n")
            #expect(answers.count == 3 && summary.refused == 1)
            #expect(answers[1].contains(#""line":2"#) && answers[1].contains("case-too-large") && answers[1].contains("\(long.utf8.count) bytes"))
            #expect(answers[2].contains(#""case":"B-1""#))
        }
    }

    @Test func pastTheLastLineAllowedTheBatchStopsWithALine() {
        for jobs in [1, 2] {
            let (out, summary) = Self.run(jobs: jobs, piece: 100, limits: .init(maxLines: 3))
            let answers = out.split(separator: "\n")
            #expect(answers.count == 4, "\(jobs)")
            #expect(answers.last?.contains("too-many-lines") == true)
            #expect(summary.lines == 3 && summary.decided == 3 && summary.refused == 1)  // the stop line
        }
    }

    @Test func aScreenRefusesALineBeforeItIsAnswered() {
        let limits = DecisionBatch.Limits(screen: { line in
            line.contains(UInt8(ascii: "[")) ? CaseError(caseID: nil, problems: [.init(field: nil, code: .invalidValue, message: "no lists")]) : nil
        })
        let (out, _) = Self.run(jobs: 1, piece: 50, limits: limits, input: #"{"id": ["x"]}"# + "\n" + Self.lines[0])
        let answers = out.split(separator: "\n")
        #expect(answers[0].contains("no lists") && answers[0].contains(#""line":1"#))
        #expect(answers[1].contains(#""case":"B-0""#))
    }

    @Test func eachSeesEveryAnswerInOrderBeforeTheOutput() {
        var seen: [Int] = []
        var decided = 0
        var output = ""
        let batch = DecisionBatch(set: Self.set, request: DecisionRequest(), jobs: 4, each: { line, answer, rendered in
            seen.append(line)
            if case .decided(let r, let input) = answer {
                decided += 1
                #expect(String(decoding: rendered, as: UTF8.self) == r.rendered() + "\n")
                #expect(!input.isEmpty)
            }
        }) { bytes in output += String(decoding: bytes, as: UTF8.self) }
        batch.feed(Array(Self.lines.prefix(30).joined(separator: "\n").utf8))
        let summary = batch.finish()
        #expect(seen == seen.sorted() && seen.count == summary.lines)
        #expect(decided == summary.decided)
        #expect(output == String(Self.expected(DecisionRequest()).split(separator: "\n", omittingEmptySubsequences: false).prefix(summary.lines).joined(separator: "\n")) + "\n")
    }

    @Test func aStopEndsTheBatchWithItsLine() {
        var output = ""
        let batch = DecisionBatch(set: Self.set, request: DecisionRequest()) { bytes in output += String(decoding: bytes, as: UTF8.self) }
        batch.feed(Array((Self.lines[0] + "\n" + Self.lines[1] + "\n{\"id\": \"half").utf8))
        batch.stop(code: "request-timeout", message: "the rest of the batch could not be read")
        batch.feed(Array((Self.lines[2] + "\n").utf8))  // ignored
        let summary = batch.finish()
        let answers = output.split(separator: "\n")
        #expect(answers.count == 3 && summary.decided == 2 && batch.stopped)
        #expect(answers[2].contains("request-timeout") && answers[2].contains(#""line":3"#))
    }

    @Test func theSplitterCutsLinesInPiecesOfAnySize() {
        let text = "a\r\n\n  \nbb\ncccccc\ndd"
        for size in 1...text.utf8.count {
            var splitter = JSONLinesSplitter(maxLineBytes: 4)
            var got: [String] = []
            let bytes = Array(text.utf8)
            var i = 0
            func take(_ p: JSONLinesSplitter.Piece) {
                switch p {
                case let .line(n, b): got.append("\(n):\(String(decoding: b, as: UTF8.self))")
                case let .tooLong(n, length): got.append("\(n):long \(length)")
                }
            }
            while i < bytes.count {
                bytes[i..<min(i + size, bytes.count)].withUnsafeBytes { splitter.feed($0, take) }
                i += size
            }
            splitter.finish(take)
            #expect(got == ["1:a", "4:bb", "5:long 6", "6:dd"], "pieces of \(size)")
            #expect(splitter.count == 4 && splitter.lineNumber == 6)
        }
    }
}
