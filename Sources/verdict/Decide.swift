import ArgumentParser
import Foundation
import Verdict

struct Decide: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decide one case (--case) or a JSON Lines batch (--batch), printing JSON decisions.",
        discussion: """
        A batch is streamed: one decision per input line, in input order. A line that cannot be decided \
        prints {"case": ID, "line": N, "error": {...}} and the batch goes on. Exit 0 when every case was \
        decided, 1 when any failed, 2 when the policy set did not load.
        """)

    @OptionGroup var policy: PolicyOptions

    @OptionGroup var clock: ClockOptions

    @Option(name: .customLong("case"), help: "A JSON file holding one case, or - for standard input.")
    var casePath: String?

    @Option(help: "A JSON Lines file of cases, one per line, or - for standard input.")
    var batch: String?

    @Flag(help: "Add the explanation to each decision.")
    var explain = false

    func validate() throws {
        if (casePath == nil) == (batch == nil) { throw ValidationError("give exactly one of --case FILE or --batch FILE") }
    }

    func run() throws {
        let now = try clock.instant
        let compiled = try policy.load()
        if let casePath {
            let bytes = try readInput(casePath)
            do {
                print(try compiled.decide(json: bytes, explain: explain, now: now).json())
            } catch {
                print(errorLine(error, line: nil))
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(1)
            }
            return
        }
        var failed = 0
        var out = OutputBuffer()
        try BatchReader.lines(of: batch!) { number, bytes in
            do {
                try compiled.decide(json: bytes, explain: explain, now: now).appendJSON(to: &out.bytes)
            } catch let error as CaseError {
                failed += 1
                out.append(errorLine(error, line: number))
            }
            out.append("\n")
        }
        out.flush()
        if failed > 0 {
            FileHandle.standardError.write(Data("\(failed) case\(failed == 1 ? "" : "s") could not be decided\n".utf8))
            throw ExitCode(1)
        }
    }

    private func errorLine(_ error: CaseError, line: Int?) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("case")
            if let id = error.caseID { w.string(id) } else { w.null() }
            if let line { w.field("line", line) }
            w.key("error")
            error.write(to: &w)
        }
        return w.output
    }
}

/// Streams a JSON Lines file line by line, so memory does not grow with the batch.
enum BatchReader {
    /// Calls `body` with each non-blank line's number and bytes (without the newline).
    static func lines(of path: String, _ body: (Int, [UInt8]) throws -> Void) throws {
        let fd: Int32
        if path == "-" {
            fd = 0
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                FileHandle.standardError.write(Data("error: cannot read `\(path)`\n".utf8))
                throw ExitCode(2)
            }
        }
        defer { if fd != 0 { close(fd) } }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var filled = 0, start = 0, number = 0
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        func emit(_ range: Range<Int>) throws {
            number += 1
            var end = range.upperBound
            if end > range.lowerBound, buffer[end - 1] == 0x0D { end -= 1 }
            if buffer[range.lowerBound..<end].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: buffer[range.lowerBound..<end])
            try body(number, line)
        }
        while true {
            if start > 0, start == filled { (start, filled) = (0, 0) }
            if filled == buffer.count {
                if start > 0 {
                    buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + start, filled - start) }
                    (filled, start) = (filled - start, 0)
                } else {
                    buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))  // a line longer than the buffer
                }
            }
            let n = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress! + filled, b.count - filled) }
            if n <= 0 { break }
            var scan = filled
            filled += n
            while let nl = buffer[scan..<filled].firstIndex(of: 0x0A) {
                try emit(start..<nl)
                start = nl + 1
                scan = start
            }
        }
        if start < filled { try emit(start..<filled) }
    }
}
