#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Log lines gathered in memory and written to a file descriptor in batches, as a web server writes
/// its access log (nginx's `buffer=… flush=…`): a request appends its formatted line — a copy under a
/// lock held for nothing else, the formatting done before it — and one `write(2)` a batch puts many
/// lines out, every ``interval`` from a thread of the buffer's own, or at once when ``highWater``
/// bytes are waiting.
///
/// Memory is bounded whatever the speed of the disk or pipe behind the descriptor: an append that
/// finds ``highWater`` bytes waiting writes them itself, and waits for a write in progress first, so a
/// slow reader slows requests down (back-pressure) instead of growing a queue. Batches are written
/// whole and in order, one at a time; lines of one thread keep their order.
///
/// A line at `notice` or above is written at once, with every line before it (``append(_:urgent:)``),
/// so an operator sees a reload or an error when it happens. Lines of the last ``interval`` are lost
/// only if the process dies without running its exit handlers (`kill -9`, a crash); `verdict serve`
/// flushes on its way out, and ``standardError`` flushes when the process exits.
public final class LogBuffer: Sendable {
    /// The descriptor lines are written to.
    public let descriptor: Int32
    /// How long a line may wait before the buffer's thread writes it.
    public let interval: Duration
    /// The bytes waiting at which an append writes them itself.
    public let highWater: Int

    private struct Pending: ~Copyable {
        var bytes: [UInt8]
        /// The array the last batch was written from, emptied with its capacity kept: swapped back in
        /// so a steady log allocates nothing.
        var spare: [UInt8]
    }

    private let pending: Mutex<Pending>
    /// Held while a batch is written: batches go out whole, one at a time, in order.
    private let writing = Mutex<Void>(())

    /// A buffer over `descriptor`, flushed every `interval` by a thread of its own, which ends after the
    /// buffer is gone (flush before letting go of a buffer: lines still waiting are not written).
    public init(descriptor: Int32, interval: Duration = .milliseconds(50), highWater: Int = 64 * 1024, stallLimit: Int32 = 10_000) {
        self.descriptor = descriptor
        self.stallLimit = stallLimit
        self.interval = interval
        self.highWater = max(highWater, 1)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.highWater + 1024)
        pending = Mutex(Pending(bytes: bytes, spare: []))
        let pause = interval.components
        let micros = useconds_t(clamping: max(pause.seconds * 1_000_000 + pause.attoseconds / 1_000_000_000_000, 1_000))
        // The thread holds the buffer only while it flushes: it ends once the buffer is gone.
        let flusher = Thread { [weak self] in
            while true {
                usleep(micros)
                guard let self else { return }
                self.flush()
            }
        }
        flusher.name = "verdict-log-flush"
        flusher.start()
    }

    /// The process's standard error, flushed by an exit handler as the process ends normally.
    public static let standardError: LogBuffer = {
        let buffer = LogBuffer(descriptor: 2)
        atexit { LogBuffer.standardError.flush() }
        return buffer
    }()

    /// Adds one or more whole lines. `urgent` writes them at once, with every line before them.
    public func append(_ line: UnsafeRawBufferPointer, urgent: Bool = false) {
        let waiting = pending.withLock { p in
            p.bytes.append(contentsOf: line)
            return p.bytes.count
        }
        if urgent || waiting >= highWater { flush() }
    }

    /// Adds one or more whole lines. `urgent` writes them at once, with every line before them.
    public func append(_ line: [UInt8], urgent: Bool = false) {
        line.withUnsafeBytes { append($0, urgent: urgent) }
    }

    /// Writes every line appended so far (returning once they are written, or dropped when the
    /// descriptor refuses them: a log that cannot be written must not stop the service).
    public func flush() {
        writing.withLock { _ in
            var batch: [UInt8] = pending.withLock { p in
                guard !p.bytes.isEmpty else { return [] }
                var taken = p.spare
                swap(&taken, &p.bytes)
                return taken
            }
            guard !batch.isEmpty else { return }
            let lost = batch.withUnsafeBytes { Self.writeAll($0, to: descriptor, stallLimit: stallLimit) }
            if lost > 0 { dropped.add(lost, ordering: .relaxed) }
            batch.removeAll(keepingCapacity: true)
            // The emptied array becomes the next spare, unless it grew far past the usual batch.
            if batch.capacity <= 4 * (highWater + 1024) {
                pending.withLock { p in p.spare = batch }
            }
        }
    }

    /// Bytes given up on: refused by the descriptor, or waiting on a non-blocking one that took
    /// nothing for ``stallLimit`` ms (a reader that stopped reading must not hang the service, nor its
    /// exit). A blocking descriptor whose reader stopped blocks as any log writer does.
    public var droppedBytes: Int { dropped.load(ordering: .relaxed) }
    private let dropped = Atomic<Int>(0)
    /// How long (milliseconds) a write waits on a descriptor that takes nothing before the rest of its
    /// batch is dropped.
    public let stallLimit: Int32

    /// `write(2)` until every byte is out: across partial writes, interrupted calls and a descriptor
    /// that is non-blocking (waits until it can be written, up to ``stallLimit`` ms without progress);
    /// gives up on any other error. Returns the bytes not written.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, stallLimit: Int32) -> Int {
        guard var at = bytes.baseAddress else { return 0 }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, at, left)
            if n > 0 {
                at += n
                left -= n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                if poll(&p, 1, stallLimit) == 0 { return left }  // nothing could be written for stallLimit ms
            } else {
                return left
            }
        }
        return 0
    }
}
