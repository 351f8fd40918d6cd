import Foundation
import Verdict

/// Appends decisions to a log with group commit: callers on any thread or task hand over decisions,
/// one writer thread takes everything waiting (up to `maxBatch`), appends it in one transaction and
/// only then acknowledges each decision. A decision acknowledged as logged is committed.
///
/// ```swift
/// let writer = try DecisionLogWriter(log: try DecisionLogs.open("sqlite:decisions.db", create: true))
/// try writer.register(policy, folder: "policies/quality-complaints")
/// let seq = try await writer.append(decision: decision, input: caseBytes)   // returns once committed
/// ```
public final class DecisionLogWriter: @unchecked Sendable {
    public let log: any DecisionLog
    public let maxBatch: Int
    /// How many decisions may wait for the writer before `submit` blocks (memory stays bounded).
    public let capacity: Int

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

    struct Item {
        var caseID: String
        var policy: PolicyIdentity?
        var now: Timestamp?
        var input: [UInt8]
        var decision: [UInt8]
        var hasExplanation: Bool
        var recordedAt: Timestamp
        var ack: Acknowledgement
    }

    private struct Registered {
        var archive: ArchivedPolicy
        var unrecorded: Set<String>
    }

    private let condition = NSCondition()
    private var queue: [Item] = []
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

    public init(log: any DecisionLog, maxBatch: Int = 8192, capacity: Int = 16384) {
        self.log = log
        self.maxBatch = maxBatch
        self.capacity = capacity
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

    /// Hands a decision over without waiting; `ack` hears when it is committed (or why not), in order.
    /// Blocks while `capacity` decisions are waiting.
    public func submit(decision: Decision, input: [UInt8], ack: Acknowledgement = .none) {
        var json: [UInt8] = []
        decision.appendJSON(to: &json)
        enqueue(Item(caseID: decision.caseID, policy: decision.policy, now: decision.now, input: input, decision: json,
                     hasExplanation: decision.explanation != nil, recordedAt: Timestamp(Date()), ack: ack), block: true)
    }

    /// Like `submit`, with the decision's JSON already written (as `Decision.appendJSON` writes it).
    public func submit(caseID: String, policy: PolicyIdentity, now: Timestamp?, input: [UInt8], decisionJSON: [UInt8],
                       hasExplanation: Bool, ack: Acknowledgement) {
        enqueue(Item(caseID: caseID, policy: policy, now: now, input: input, decision: decisionJSON,
                     hasExplanation: hasExplanation, recordedAt: Timestamp(Date()), ack: ack), block: true)
    }

    /// Queues an acknowledgement that records nothing, kept in order with the decisions around it
    /// (a command line prints a failed case's error line in its place this way).
    public func submitMarker(_ ack: @escaping @Sendable (Result<UInt64, Error>) -> Void) {
        enqueue(Item(caseID: "", policy: nil, now: nil, input: [], decision: [], hasExplanation: false,
                     recordedAt: Timestamp(millisecondsSinceEpoch: 0), ack: .callback(ack)), block: true)
    }

    /// Appends a decision and returns its sequence number once it is committed. Safe from many tasks.
    public func append(decision: Decision, input: [UInt8]) async throws -> UInt64 {
        var json: [UInt8] = []
        decision.appendJSON(to: &json)
        let item = (decision.caseID, decision.policy, decision.now, decision.explanation != nil)
        return try await withCheckedThrowingContinuation { c in
            enqueue(Item(caseID: item.0, policy: item.1, now: item.2, input: input, decision: json, hasExplanation: item.3,
                         recordedAt: Timestamp(Date()), ack: .continuation(c)), block: false)
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
        while block && queue.count >= capacity && failure == nil { condition.wait() }
        queue.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until everything handed over so far is committed; throws the first failure (a writer
    /// that recovers tells failures only to each decision's acknowledgement, and ``outageReason``).
    public func flush() throws {
        condition.lock()
        defer { condition.unlock() }
        while (!queue.isEmpty || inFlight > 0) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Flushes, stops the writer thread and closes the log.
    public func close() throws {
        defer { log.close() }
        condition.lock()
        while (!queue.isEmpty || inFlight > 0) && failure == nil { condition.wait() }
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

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing {
                if outage != nil {
                    if !condition.wait(until: Date().addingTimeInterval(Self.probeInterval)), queue.isEmpty, !closing, outage != nil {
                        condition.unlock()
                        probe()
                        condition.lock()
                    }
                } else {
                    condition.wait()
                }
            }
            if queue.isEmpty && closing { condition.unlock(); return }
            let n = min(queue.count, maxBatch)
            var batch: [Item] = []
            if n == queue.count {
                swap(&batch, &queue)
                queue.reserveCapacity(min(capacity, maxBatch))
            } else {
                batch = Array(queue.prefix(n))
                queue.removeFirst(n)
            }
            inFlight = n
            let reg = registered
            condition.broadcast()
            condition.unlock()

            var results: [Result<UInt64, Error>] = Array(repeating: .success(0), count: batch.count)
            var pending: [PendingRecord] = []
            var pendingIndex: [Int] = []
            var policies: [ArchivedPolicy] = []
            var newDigests: [String] = []
            pending.reserveCapacity(batch.count)
            for (i, item) in batch.enumerated() {
                guard let policy = item.policy else { continue }
                guard let r = reg[policy.digest] else {
                    results[i] = .failure(AuditError(.archive, "policy `\(policy.name)` \(policy.version) (\(policy.digest)) was not registered with the log writer, so its files cannot be archived"))
                    continue
                }
                do {
                    pending.append(try PendingRecord(caseID: item.caseID, policy: policy, now: item.now, input: item.input,
                                                     decisionJSON: item.decision, hasExplanation: item.hasExplanation,
                                                     unrecorded: r.unrecorded, recordedAt: item.recordedAt))
                    pendingIndex.append(i)
                    if !archived.contains(policy.digest), !newDigests.contains(policy.digest) {
                        newDigests.append(policy.digest)
                        policies.append(r.archive)
                    }
                } catch {
                    results[i] = .failure(error)
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
            // The outage is noted before anyone hears of the failure (a caller told 503 finds it).
            condition.lock()
            let tell = pending.isEmpty ? nil : noteAttempt(batchError)
            condition.unlock()
            if let tell { tell.0(tell.1) }
            for (item, r) in zip(batch, results) { Self.acknowledge(item.ack, r) }
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
                let rest = queue
                queue.removeAll()
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
