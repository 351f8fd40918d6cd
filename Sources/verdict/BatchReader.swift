import ArgumentParser
import Foundation
import Verdict

/// Streams a JSON Lines file line by line, so memory does not grow with the batch — nor with a line:
/// a line longer than the limit is skipped unread (its length counted), and the batch goes on.
enum BatchReader {
    /// The longest line read by default: a case is a few hundred bytes; 1 MiB leaves room for any real one.
    static let defaultMaxLineBytes = 1 << 20

    /// What a pass over the input saw.
    struct Summary {
        /// Non-blank lines: those given to `body` and those refused as too long.
        var lines = 0
    }

    /// Calls `body` with each non-blank line's number and bytes (without the newline), and `tooLong`
    /// with the number and length of each line over `maxLineBytes` instead. `waiting` runs before each
    /// read from the input, so output already decided can be flushed before the reader blocks.
    ///
    /// An input that is a folder or cannot be read is an error exit (66, as sysexits' EX_NOINPUT).
    @discardableResult
    static func lines(of path: String, maxLineBytes: Int = defaultMaxLineBytes, waiting: () -> Void = {},
                      tooLong: (Int, Int) throws -> Void, _ body: (Int, [UInt8]) throws -> Void) throws -> Summary {
        let fd = try open(path, expecting: "a JSON Lines file of cases")
        defer { if fd != 0 { close(fd) } }
        var summary = Summary()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var line: [UInt8] = []
        line.reserveCapacity(4096)
        var number = 0
        // A line past the limit: its bytes are dropped as they arrive, only its length is kept.
        var skipped: Int?
        func end() throws {
            number += 1
            if let length = skipped {
                skipped = nil
                summary.lines += 1
                try tooLong(number, length)
                return
            }
            if line.last == 0x0D { line.removeLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { line.removeAll(keepingCapacity: true); return }
            summary.lines += 1
            try body(number, line)
            line.removeAll(keepingCapacity: true)
        }
        func take(_ segment: ArraySlice<UInt8>) {
            if let length = skipped { skipped = length + segment.count; return }
            if line.count + segment.count > maxLineBytes {
                skipped = line.count + segment.count
                line.removeAll(keepingCapacity: false)
                line.reserveCapacity(4096)
            } else {
                line.append(contentsOf: segment)
            }
        }
        while true {
            waiting()
            let n = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress!, b.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure.unreadable("cannot read `\(TextEscaping.escaped(path))`: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            var start = 0
            while let nl = buffer[start..<n].firstIndex(of: 0x0A) {
                take(buffer[start..<nl])
                try end()
                start = nl + 1
            }
            if start < n { take(buffer[start..<n]) }
        }
        if skipped != nil || !line.isEmpty { try end() }
        return summary
    }

    /// Reads a whole input of at most `maxBytes` (a `--case` file, or `-` for standard input); nil when
    /// it is longer. A folder or an unreadable file is an error exit (66).
    static func whole(_ path: String, maxBytes: Int) throws -> [UInt8]? {
        let fd = try open(path, expecting: "a JSON file holding one case")
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in read(fd, b.baseAddress!, b.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure.unreadable("cannot read `\(TextEscaping.escaped(path))`: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return bytes }
            if bytes.count + n > maxBytes { return nil }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }

    /// Opens an input for reading: standard input for `-`; refuses a folder (saying what to give
    /// instead, `expecting`) and what cannot be opened.
    private static func open(_ path: String, expecting: String) throws -> Int32 {
        if path == "-" { return 0 }
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw CommandFailure.unreadable("`\(TextEscaping.escaped(path))` is a folder, not a file: give \(expecting), or - for standard input")
        }
        let fd = Foundation.open(path, O_RDONLY)
        guard fd >= 0 else { throw CommandFailure.unreadable("cannot read `\(TextEscaping.escaped(path))`: \(String(cString: strerror(errno)))") }
        return fd
    }
}

/// A refused line or case, for the commands that report one per input.
extension CaseError {
    /// The error for an input over the line limit.
    static func tooLarge(_ length: Int, limit: Int, atLeast: Bool = false) -> CaseError {
        CaseError(caseID: nil, problems: [.init(field: nil, code: .caseTooLarge,
                                                message: "the case is \(atLeast ? "over \(limit)" : String(length)) bytes long, over the limit of \(limit) bytes; it was not read",
                                                help: "raise the limit with --max-line-bytes if the case is real")])
    }
}
