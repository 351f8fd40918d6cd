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
    /// with the number and length of each line over `maxLineBytes` instead (the library's
    /// ``JSONLinesSplitter`` cuts the lines). `waiting` runs before each read from the input, so output
    /// already decided can be flushed before the reader blocks. On a terminal, standard error shows
    /// the progress, as ``feed(_:to:)`` does.
    ///
    /// An input that is a folder or cannot be read is an error exit (66, as sysexits' EX_NOINPUT).
    @discardableResult
    static func lines(of path: String, maxLineBytes: Int = defaultMaxLineBytes, waiting: () -> Void = {},
                      tooLong: (Int, Int) throws -> Void, _ body: (Int, [UInt8]) throws -> Void) throws -> Summary {
        var splitter = JSONLinesSplitter(maxLineBytes: maxLineBytes)
        func take(_ piece: JSONLinesSplitter.Piece) throws {
            switch piece {
            case let .line(number, bytes): try body(number, bytes)
            case let .tooLong(number, length): try tooLong(number, length)
            }
        }
        // On a terminal, the cases read so far (measure, diff --cases), as decide --batch shows them.
        let progress = Progress(path: path)
        try read(path, expecting: "a JSON Lines file of cases", waiting: {
            waiting()
            progress?.show(splitter.count)
        }) { bytes in
            try splitter.feed(bytes, take)
            progress?.read(bytes.count)
        }
        try splitter.finish(take)
        progress?.done()
        return Summary(lines: splitter.count)
    }

    /// Feeds a JSON Lines file to a batch, handing its lines to the workers before each read, and
    /// finishes it. On a terminal, standard error shows the progress (cases answered, rate, time left);
    /// never when it is not one. `opened` runs once the input is open, before anything is read: an input
    /// that cannot be opened fails before it.
    static func feed(_ path: String, to batch: DecisionBatch, opened: () throws -> Void = {}) throws -> DecisionBatch.Summary {
        let progress = Progress(path: path)
        try read(path, expecting: "a JSON Lines file of cases", opened: opened, waiting: {
            batch.flush()
            progress?.show(batch.progress.decided + batch.progress.refused)
        }) { bytes in
            batch.feed(bytes)
            progress?.read(bytes.count)
        }
        let summary = batch.finish()
        progress?.done()
        return summary
    }

    /// Reads an input in pieces of up to 1 MiB, calling `waiting` before each read.
    private static func read(_ path: String, expecting: String, opened: () throws -> Void = {}, waiting: () -> Void,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let fd = try open(path, expecting: expecting)
        defer { if fd != 0 { close(fd) } }
        try opened()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            waiting()
            let n = Foundation.read(fd, buffer.baseAddress!, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure.unreadable("cannot read `\(TextEscaping.escaped(path))`: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
    }

    /// Reads a whole input of at most `maxBytes` (a `--case` file, or `-` for standard input); nil when
    /// it is longer. A folder or an unreadable file is an error exit (66).
    static func whole(_ path: String, maxBytes: Int) throws -> [UInt8]? {
        let fd = try open(path, expecting: "a JSON file holding one case")
        defer { if fd != 0 { close(fd) } }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in Foundation.read(fd, b.baseAddress!, b.count) }
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
