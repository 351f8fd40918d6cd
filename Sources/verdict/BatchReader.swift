import ArgumentParser
import Foundation

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
