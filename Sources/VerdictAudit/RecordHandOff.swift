import Foundation

/// Chunks of records (with their ``RecordPrecheck`` results, or nil for the taker to make them) handed from the thread reading the log
/// to the thread checking them in sequence; at most `capacity` wait, beyond which the reader waits,
/// so memory stays bounded whichever thread is slower.
final class RecordHandOff: @unchecked Sendable {
    typealias Chunk = (records: [StoredRecord], prechecks: [RecordPrecheck.Result]?)
    private let condition = NSCondition()
    private var waiting: [Chunk] = []
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func put(_ chunk: Chunk) {
        condition.lock()
        while waiting.count >= capacity && !closed { condition.wait() }
        waiting.append(chunk)
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, or nil once closed and drained.
    func take() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && !closed { condition.wait() }
        guard !waiting.isEmpty else { return nil }
        condition.broadcast()
        return waiting.removeFirst()
    }

    /// How many chunks wait for the taker now (the taker is behind while any does).
    var backlog: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting.count
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
