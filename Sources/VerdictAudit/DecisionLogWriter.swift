import Foundation
import Verdict

/// Appends decisions to a log with group commit: callers on any thread or task hand over decisions,
/// one writer thread takes everything waiting (up to `maxBatch` decisions or `maxBatchBytes`), appends
/// it in one transaction and only then acknowledges each decision. A decision acknowledged as logged is
/// committed.
///
/// A decision's record (its canonical input and the decision's JSON, ``PendingRecord``) is made on the
/// caller's thread as it is handed over, so only the record waits, and the writer thread does only what
/// must be done in order (numbering, hashing into the tree, storing). What waits is bounded in bytes as
/// well as in decisions (``capacityBytes``): a caller blocks while the log is slower than the deciding
/// (back-pressure), so memory stays flat however fast the decisions come and however slow the disk.
///
/// ```swift
/// let writer = try DecisionLogWriter(log: try DecisionLogs.open("sqlite:decisions.db", create: true))
/// try writer.register(policy, folder: "policies/quality-complaints")
/// let seq = try await writer.append(decision: decision, input: caseBytes)   // returns once committed
/// ```
public final class DecisionLogWriter: @unchecked Sendable {
    public let log: any DecisionLog
    public let maxBatch: Int
    /// The most record bytes appended in one transaction (a batch holds at least one decision).
    public let maxBatchBytes: Int
    /// How many decisions may wait for the writer before `submit` blocks (memory stays bounded).
    public let capacity: Int
    /// How many bytes may wait for the writer (the records, and what each caller said it holds for
    /// them) before `submit` blocks; at least one decision always may.
    public let capacityBytes: Int

    /// Called on the writer thread after each committed batch, after its acknowledgements.
    public var batchCommitted: (@Sendable () -> Void)?

    /// How often a writer that recovers tries the log again while it cannot be written and nothing
    /// else is waiting.
    public static let probeInterval: TimeInterval = 1

    public enum Acknowledgement: Sendable {
        case none
        case callback(@Sendable (Result<UInt64, Error>) -> Void)
        case continuation(CheckedContinuation<UInt64, Error>)
    }

    /// A decision waiting for the writer: its record made already (nil for a marker), or why it
    /// cannot be recorded; and what it weighs in the queue's bound.
    struct Item {
        var record: Result<PendingRecord, AuditError>?
        var weight: Int
        var ack: Acknowledgement
    }

    private struct Registered {
        var archive: ArchivedPolicy
        var unrecorded: Set<String>
    }

    private let condition = NSCondition()
    /// Waiting items are `queue[head...]` (taken from the front without moving the rest).
    private var queue: [Item] = []
    private var head = 0
    private var waitingBytes = 0
    /// The most bytes that waited at once (``peakWaitingBytes``).
    private var peakBytes = 0
    private var peakItems = 0
    private var closing = false
    private var failure: Error?
    private var inFlight = 0
    /// Whether a failed batch stops the writer for good (a command line: the run ends with the
    /// error) or only fails its own decisions (a service: later batches try again, and the log is
    /// probed while it cannot be written, so the service recovers once it can).
    private var recovers = false
    /// Why the log could not be written at the last attempt, while it cannot (recovering writers).
    private var outage: Error?
    private var outageChanged: (@Sendable (Error?) -> Void)?
    private var registered: [String: Registered] = [:]
    private var archived: Set<String> = []
    private var thread: Thread?

    /// - Parameters:
    ///   - maxBatch: The most decisions in one transaction.
    ///   - maxBatchBytes: The most record bytes in one transaction (default 2 MiB, about 1,500 records).
    ///   - capacity: The most decisions waiting before a caller blocks.
    ///   - capacityBytes: The most bytes waiting before a caller blocks (default 8 MiB).
    public init(log: any DecisionLog, maxBatch: Int = 8192, maxBatchBytes: Int = 2 << 20, capacity: Int = 16384,
                capacityBytes: Int = 8 << 20) {
        self.log = log
        self.maxBatch = max(1, maxBatch)
        self.maxBatchBytes = max(1, maxBatchBytes)
        self.capacity = max(1, capacity)
        self.capacityBytes = max(1, capacityBytes)
        let t = Thread { [unowned self] in self.run() }
        t.name = "verdict-log-writer"
        thread = t
        t.start()
    }

    /// Makes this writer recover from failures: a batch that cannot be written fails its own
    /// decisions only, and while the log cannot be written (``outageReason``) it is probed every
    /// ``probeInterval``. `changed` hears each change: the error when an outage starts, nil when it ends.
    public func recoverFromFailures(_ changed: (@Sendable (Error?) -> Void)? = nil) {
        condition.lock()
        recovers = true
        outageChanged = changed
        condition.unlock()
    }

    /// Why the log could not be written at the last attempt, or nil when it could (a recovering
    /// writer; a writer that stops reports its failure through acknowledgements and ``flush()``).
    public var outageReason: Error? {
        condition.lock()
        defer { condition.unlock() }
        return outage
    }

    /// The top-level input fields a log leaves out for `policy`: fields marked `personal: true` that no
    /// rule, override, clock or measure reads and that a case may omit. (A required personal field is
    /// recorded, since re-deciding needs it; make it optional to keep it out.)
    public static func unrecordedFields(of policy: CompiledPolicy) -> Set<String> {
        Set(policy.fieldSchema.filter { $0.personal && !$0.read && $0.omittable && $0.name != "id" }.map(\.name))
    }

    /// Makes a policy's decisions loggable: its files are archived with its first logged decision.
    public func register(_ policy: CompiledPolicy, folder: String) throws(AuditError) {
        let archive = try ArchivedPolicy(policy: policy, folder: folder)
        condition.lock()
        registered[archive.digest] = Registered(archive: archive, unrecorded: Self.unrecordedFields(of: policy))
        condition.unlock()
    }

    /// The archive entry of a registered version (nil when none was registered with that digest).
    public func archive(digest: String) -> ArchivedPolicy? {
        condition.lock()
        defer { condition.unlock() }
        return registered[digest]?.archive
    }

    /// The most decisions and bytes that waited for the writer at once so far (a measure of the
    /// back-pressure bound, for tests and benchmarks).
    public var peakWaiting: (items: Int, bytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (peakItems, peakBytes)
    }

    /// The record of a decision, made on the calling thread (nil: its policy was not registered).
    private func prepare(caseID: String, policy: PolicyIdentity, now: Timestamp?, input: [UInt8], decisionJSON: [UInt8],
                         hasExplanation: Bool) -> Result<PendingRecord, AuditError> {
        condition.lock()
        let unrecorded = registered[policy.digest]?.unrecorded
        condition.unlock()
        guard let unrecorded else {
            return .failure(AuditError(.archive, "policy `\(policy.name)` \(policy.version) (\(policy.digest)) was not registered with the log writer, so its files cannot be archived"))
        }
        do {
            return .success(try PendingRecord(caseID: caseID, policy: policy, now: now, input: input, decisionJSON: decisionJSON,
                                              hasExplanation: hasExplanation, unrecorded: unrecorded, recordedAt: Timestamp(Date())))
        } catch {
            return .failure(error)
        }
    }

    private static let itemOverhead = 128

    private func item(_ record: Result<PendingRecord, AuditError>, holding extra: Int, ack: Acknowledgement) -> Item {
        let size: Int
        switch record {
        case .success(let r): size = r.tail.count + r.caseID.utf8.count
        case .failure: size = 0
        }
        return Item(record: record, weight: Self.itemOverhead + size + max(0, extra), ack: ack)
    }

    /// Hands a decision over without waiting for its commit; `ack` hears when it is committed (or why
    /// not), in order. Blocks while ``capacity`` decisions or ``capacityBytes`` bytes are waiting.
    public func submit(decision: Decision, input: [UInt8], ack: Acknowledgement = .none) {
        var json: [UInt8] = []
        decision.appendJSON(to: &json)
        let record = prepare(caseID: decision.caseID, policy: decision.policy, now: decision.now, input: input, decisionJSON: json,
                             hasExplanation: decision.explanation != nil)
        enqueue(item(record, holding: 0, ack: ack), block: true)
    }

    /// Like `submit`, with the decision's JSON already written (as `Decision.appendJSON` writes it).
    /// `holding` is how many bytes the caller keeps until `ack` is called (a line it prints then),
    /// counted in the bound on what waits.
    public func submit(caseID: String, policy: PolicyIdentity, now: Timestamp?, input: [UInt8], decisionJSON: [UInt8],
                       hasExplanation: Bool, holding: Int = 0, ack: Acknowledgement) {
        let record = prepare(caseID: caseID, policy: policy, now: now, input: input, decisionJSON: decisionJSON, hasExplanation: hasExplanation)
        enqueue(item(record, holding: holding, ack: ack), block: true)
    }

    /// Queues an acknowledgement that records nothing, kept in order with the decisions around it
    /// (a command line prints a failed case's error line in its place this way); `holding` as for
    /// ``submit(caseID:policy:now:input:decisionJSON:hasExplanation:holding:ack:)``.
    public func submitMarker(holding: Int = 0, _ ack: @escaping @Sendable (Result<UInt64, Error>) -> Void) {
        enqueue(Item(record: nil, weight: Self.itemOverhead + max(0, holding), ack: .callback(ack)), block: true)
    }

    /// Appends a decision and returns its sequence number once it is committed. Safe from many tasks.
    /// Its record is made on the calling task; it never blocks the caller's thread (a task waits).
    public func append(decision: Decision, input: [UInt8]) async throws -> UInt64 {
        var json: [UInt8] = []
        decision.appendJSON(to: &json)
        let record = prepare(caseID: decision.caseID, policy: decision.policy, now: decision.now, input: input, decisionJSON: json,
                             hasExplanation: decision.explanation != nil)
        return try await withCheckedThrowingContinuation { c in
            enqueue(item(record, holding: 0, ack: .continuation(c)), block: false)
        }
    }

    private func enqueue(_ item: Item, block: Bool) {
        condition.lock()
        if let failure {
            condition.unlock()
            Self.acknowledge(item.ack, .failure(failure))
            return
        }
        if closing {
            condition.unlock()
            Self.acknowledge(item.ack, .failure(AuditError(.usage, "the decision log writer is closed")))
            return
        }
        // At least one item may always wait (one larger than the bound is not refused).
        while block && queue.count > head && (queue.count - head >= capacity || waitingBytes + item.weight > capacityBytes)
                && failure == nil && !closing {
            condition.wait()
        }
        queue.append(item)
        waitingBytes += item.weight
        peakBytes = max(peakBytes, waitingBytes)
        peakItems = max(peakItems, queue.count - head)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything handed over so far is committed; throws the first failure (a writer
    /// that recovers tells failures only to each decision's acknowledgement, and ``outageReason``).
    public func flush() throws {
        condition.lock()
        defer { condition.unlock() }
        while (queue.count > head || inFlight > 0) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Flushes, stops the writer thread and closes the log.
    public func close() throws {
        defer { log.close() }
        condition.lock()
        while (queue.count > head || inFlight > 0) && failure == nil { condition.wait() }
        closing = true
        condition.broadcast()
        let f = failure
        condition.unlock()
        if let f { throw f }
    }

    private static func acknowledge(_ ack: Acknowledgement, _ result: Result<UInt64, Error>) {
        switch ack {
        case .none: break
        case .callback(let f): f(result)
        case .continuation(let c): c.resume(with: result)
        }
    }

    /// Records the outcome of a write attempt (under the lock) and says whom to tell of a change.
    private func noteAttempt(_ error: Error?) -> (@Sendable (Error?) -> Void, Error?)? {
        guard recovers else { return nil }
        let wasDown = outage != nil
        outage = error
        guard wasDown != (error != nil), let outageChanged else { return nil }
        return (outageChanged, error)
    }

    /// While the log cannot be written and nothing waits: tries a write that records nothing.
    private func probe() {
        let result: Error?
        do { try log.probeWrite(); result = nil } catch { result = error }
        condition.lock()
        let tell = noteAttempt(result)
        condition.unlock()
        if let tell { tell.0(tell.1) }
    }

    /// Takes the next batch off the queue (under the lock): up to ``maxBatch`` items and
    /// ``maxBatchBytes`` of records, at least one.
    private func takeBatch() -> [Item] {
        var n = 0, bytes = 0
        let available = queue.count - head
        while n < available && n < maxBatch {
            let w = queue[head + n].weight
            if n > 0 && bytes + w > maxBatchBytes { break }
            bytes += w
            n += 1
        }
        let batch = Array(queue[head..<(head + n)])
        head += n
        waitingBytes -= bytes
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 4096 && head * 2 >= queue.count {
            queue.removeSubrange(0..<head)
            head = 0
        }
        return batch
    }

    private func run() {
        while true {
            condition.lock()
            while queue.count == head && !closing {
                if outage != nil {
                    if !condition.wait(until: Date().addingTimeInterval(Self.probeInterval)), queue.count == head, !closing, outage != nil {
                        condition.unlock()
                        probe()
                        condition.lock()
                    }
                } else {
                    condition.wait()
                }
            }
            if queue.count == head && closing { condition.unlock(); return }
            var batch = takeBatch()
            inFlight = batch.count
            let reg = registered
            condition.broadcast()
            condition.unlock()

            var results: [Result<UInt64, Error>] = Array(repeating: .success(0), count: batch.count)
            var pending: [PendingRecord] = []
            var pendingIndex: [Int] = []
            var policies: [ArchivedPolicy] = []
            var newDigests: [String] = []
            pending.reserveCapacity(batch.count)
            pendingIndex.reserveCapacity(batch.count)
            for i in batch.indices {
                guard let record = batch[i].record else { continue }
                switch record {
                case .failure(let e):
                    results[i] = .failure(e)
                case .success(let r):
                    // Taken out of the item: the batch holds one copy of each record.
                    batch[i].record = nil
                    if !archived.contains(r.digest), !newDigests.contains(r.digest), let a = reg[r.digest]?.archive {
                        newDigests.append(r.digest)
                        policies.append(a)
                    }
                    pending.append(r)
                    pendingIndex.append(i)
                }
            }
            var batchError: Error?
            do {
                let range = try log.append(pending, policies: policies)
                for (k, i) in pendingIndex.enumerated() { results[i] = .success(range.lowerBound + UInt64(k)) }
                archived.formUnion(newDigests)
            } catch {
                batchError = error
                for i in pendingIndex { results[i] = .failure(error) }
            }
            pending = []
            // The outage is noted before anyone hears of the failure (a caller told 503 finds it).
            condition.lock()
            let tell = pendingIndex.isEmpty ? nil : noteAttempt(batchError)
            condition.unlock()
            if let tell { tell.0(tell.1) }
            for (item, r) in zip(batch, results) { Self.acknowledge(item.ack, r) }
            batch = []
            batchCommitted?()
            condition.lock()
            inFlight = 0
            if recovers {
                condition.broadcast()
                condition.unlock()
                continue
            }
            if let batchError, failure == nil {
                failure = batchError
                let rest = Array(queue[head...])
                queue.removeAll()
                head = 0
                waitingBytes = 0
                condition.broadcast()
                condition.unlock()
                for item in rest { Self.acknowledge(item.ack, .failure(batchError)) }
                continue
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}
