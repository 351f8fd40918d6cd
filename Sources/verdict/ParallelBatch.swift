import Foundation
import Verdict

/// Decides a JSON Lines batch on several threads and writes the results in input order.
///
/// The reader (the calling thread) cuts the input into chunks of lines; each worker thread has its
/// own ``Decider`` for each version (so no reference count is shared between cores) and turns a chunk into output
/// bytes; a chunk is written as soon as every chunk before it has been. At most `2 × jobs` chunks
/// are in flight, so memory stays flat however long the batch.
final class ParallelBatch: @unchecked Sendable {
    // @unchecked: every mutable property is guarded by `lock`.
    struct Chunk {
        var index = 0
        var bytes: [UInt8] = []
        /// Per line: its end in `bytes` and its line number in the input.
        var ends: [Int] = []
        var numbers: [Int] = []
        /// Lines over the length limit, by their place in the chunk: their length (their bytes were not kept).
        var tooLong: [Int: Int] = [:]
    }

    static let linesPerChunk = 512

    private let policy: PolicyVersions
    private let explain: Bool
    private let now: Timestamp?
    private let errorLine: (CaseError, Int) -> String
    private let maxLineBytes: Int
    private let lock = NSCondition()
    private var queue: [Chunk] = []
    private var closed = false
    private var inFlight = 0
    private let maxInFlight: Int
    private var done: [Int: [UInt8]] = [:]
    private var nextToWrite = 0
    private(set) var failed = 0
    /// The first write error (`errno`), after which nothing more is written.
    private(set) var writeFailure: Int32?

    init(policy: PolicyVersions, jobs: Int, explain: Bool, now: Timestamp?, maxLineBytes: Int, errorLine: @escaping (CaseError, Int) -> String) {
        self.policy = policy
        self.maxLineBytes = maxLineBytes
        self.explain = explain
        self.now = now
        self.errorLine = errorLine
        maxInFlight = 2 * jobs
    }

    /// Runs the batch: `jobs` workers, the reader on this thread; returns when every result is written.
    func run(path: String, jobs: Int) throws -> BatchReader.Summary {
        var workers: [Thread] = []
        let finished = DispatchGroup()
        for _ in 0..<jobs {
            finished.enter()
            let t = Thread { [self] in
                work()
                finished.leave()
            }
            t.stackSize = 8 << 20
            workers.append(t)
            t.start()
        }
        var chunk = Chunk()
        defer {
            lock.lock()
            closed = true
            lock.broadcast()
            lock.unlock()
            finished.wait()
        }
        func submitChunk() {
            submit(chunk)
            chunk = Chunk(index: chunk.index + 1)
        }
        // Before the reader waits for more input, what it has goes to the workers: output keeps up with a slow input.
        let summary = try BatchReader.lines(of: path, maxLineBytes: maxLineBytes, waiting: { if !chunk.ends.isEmpty { submitChunk() } },
                                            tooLong: { number, length in
            chunk.tooLong[chunk.ends.count] = length
            chunk.ends.append(chunk.bytes.count)
            chunk.numbers.append(number)
            if chunk.ends.count == Self.linesPerChunk { submitChunk() }
        }) { number, bytes in
            chunk.bytes.append(contentsOf: bytes)
            chunk.ends.append(chunk.bytes.count)
            chunk.numbers.append(number)
            if chunk.ends.count == Self.linesPerChunk { submitChunk() }
        }
        if !chunk.ends.isEmpty { submit(chunk) }
        return summary
    }

    private func submit(_ chunk: Chunk) {
        lock.lock()
        while inFlight >= maxInFlight { lock.wait() }
        inFlight += 1
        queue.append(chunk)
        lock.signal()
        lock.unlock()
    }

    private func work() {
        // One decider per version, each this thread's own; a case goes to the version in force on its date.
        let deciders = policy.versions.map { $0.decider() }
        let index = Dictionary(uniqueKeysWithValues: policy.versions.enumerated().map { (ObjectIdentifier($1), $0) })
        var out: [UInt8] = []
        while true {
            lock.lock()
            while queue.isEmpty, !closed { lock.wait() }
            if queue.isEmpty { lock.unlock(); return }
            let chunk = queue.removeFirst()
            lock.unlock()

            out.removeAll(keepingCapacity: true)
            var failures = 0
            var start = 0
            for (k, end) in chunk.ends.enumerated() {
                let line = Array(chunk.bytes[start..<end])
                start = end
                if let length = chunk.tooLong[k] {
                    failures += 1
                    out.append(contentsOf: errorLine(.tooLarge(length, limit: maxLineBytes), chunk.numbers[k]).utf8)
                    out.append(0x0A)
                    continue
                }
                do {
                    let version = try policy.version(for: line, now: now)
                    try deciders[index[ObjectIdentifier(version)]!].decide(json: line, explain: explain, now: now).appendJSON(to: &out)
                } catch {
                    failures += 1
                    out.append(contentsOf: errorLine(error, chunk.numbers[k]).utf8)
                }
                out.append(0x0A)
            }
            finish(chunk.index, out, failures: failures)
        }
    }

    /// Records a chunk's output and writes every chunk that is now next in order.
    private func finish(_ index: Int, _ bytes: [UInt8], failures: Int) {
        lock.lock()
        defer { lock.unlock() }
        failed += failures
        done[index] = bytes
        while let ready = done.removeValue(forKey: nextToWrite) {
            if writeFailure == nil, let e = OutputBuffer.write(ready, to: 1) { writeFailure = e }
            nextToWrite += 1
            inFlight -= 1
            lock.broadcast()
        }
    }
}
