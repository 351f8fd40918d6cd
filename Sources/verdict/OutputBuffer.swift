import ArgumentParser
import Foundation

/// Standard output in large writes. A failed write (a full disk, a closed pipe) is remembered, and
/// ``finish()`` turns it into an error exit: output is never dropped silently.
struct OutputBuffer {
    var bytes: [UInt8] = []
    private let limit = 1 << 16
    /// The first write error (`errno`), if any.
    private(set) var failure: Int32?

    init() { bytes.reserveCapacity(limit + 4096) }

    /// Appends text; flushes once the buffer passes its limit (callers may also append to `bytes` directly).
    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= limit { flush() }
    }

    /// Flushes when the buffer has passed its limit (after appending to `bytes` directly).
    mutating func flushIfFull() {
        if bytes.count >= limit { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        if failure == nil, let error = Self.write(bytes, to: 1) { failure = error }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Flushes, then fails with exit code 1 and a message if any write failed.
    mutating func finish() throws {
        flush()
        if let failure { throw CommandFailure.outputFailed(errno: failure) }
    }

    /// Writes all of `bytes` to `fd`; returns `errno` on failure.
    static func write(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return n < 0 ? errno : EIO }
                offset += n
            }
            return nil
        }
    }
}
