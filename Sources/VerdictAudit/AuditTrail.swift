import Foundation
import Verdict

/// Compiles archived policy versions on demand, once each.
public final class ArchivedPolicies: @unchecked Sendable {
    let log: any DecisionLog
    private var cache: [String: CompiledPolicy] = [:]
    private let lock = NSLock()

    public init(log: any DecisionLog) { self.log = log }

    public func policy(digest: String, seq: UInt64? = nil) throws -> CompiledPolicy {
        lock.lock()
        if let p = cache[digest] { lock.unlock(); return p }
        lock.unlock()
        guard let archived = try log.policy(digest: digest) else {
            throw AuditError(.archive, "\(seq.map { "record \($0) was" } ?? "a record was") decided by policy \(digest), which is missing from the archive of \(log.location)")
        }
        let p = try archived.compile()
        lock.lock()
        cache[digest] = p
        lock.unlock()
        return p
    }
}

/// A recorded decision decided again from the archived policy and the recorded input.
public struct ReDerivedDecision: Sendable {
    public var record: RecordView
    public var policy: CompiledPolicy
    /// Decided again with an explanation; nil when the recorded input no longer decides (see `problem`).
    public var decision: Decision?
    /// Re-deciding gave the recorded decision's JSON byte for byte.
    public var reproduced: Bool
    /// Why it did not reproduce.
    public var problem: String?
}

/// The auditor's questions over a log: each decision of a case explained again, what a new policy
/// would change over recorded history, the records as JSON Lines.
public enum AuditTrail {
    /// Every decision recorded for `caseID`, in sequence order, re-derived.
    public static func show(log: any DecisionLog, caseID: String) throws -> [ReDerivedDecision] {
        let stored = try log.records(caseID: caseID)
        guard !stored.isEmpty else { throw AuditError(.notFound, "no decision recorded for case `\(TextEscaping.escaped(caseID))` in \(log.location)") }
        let policies = ArchivedPolicies(log: log)
        return try stored.map { r in
            try checked(r)
            return try rederive(try r.parsed(), policies: policies)
        }
    }

    public static func rederive(_ view: RecordView, policies: ArchivedPolicies) throws -> ReDerivedDecision {
        let policy = try policies.policy(digest: view.digest, seq: view.seq)
        do {
            // Asked as every surface asks (one decision request), explained; the decision recorded is
            // compared without its explanation.
            let explained = try PolicyVersions(policy).answer(DecisionRequest(explanation: .full, now: view.now), json: view.input).decision
            var json: [UInt8] = []
            explained.withoutExplanation.appendJSON(to: &json)
            let bytes = PendingRecord.recordedDecision(json, hasExplanation: false)
            let same = bytes == view.decision
            return ReDerivedDecision(record: view, policy: policy, decision: explained, reproduced: same,
                                     problem: same ? nil : "re-deciding gave \(String(decoding: bytes, as: UTF8.self)) but the log recorded \(String(decoding: view.decision, as: UTF8.self))")
        } catch {
            return ReDerivedDecision(record: view, policy: policy, decision: nil, reproduced: false,
                                     problem: "the recorded input no longer decides under the archived policy: \(error)")
        }
    }

    /// A time range over `recorded_at`: `since` inclusive, `until` exclusive.
    public struct Range: Sendable {
        public var since: Timestamp?
        public var until: Timestamp?
        public init(since: Timestamp? = nil, until: Timestamp? = nil) {
            self.since = since
            self.until = until
        }
        func contains(_ t: Timestamp) -> Bool {
            if let since, t < since { return false }
            if let until, !(t < until) { return false }
            return true
        }
    }

    /// Records in the range, in sequence order, each checked against its leaf hash; records before
    /// sequence number `first` are not read. Every record is checked, in the range or not, and its
    /// `recorded_at` column against its bytes before the range is applied: a record whose column was
    /// edited to move it out of an auditor's time window is an error, never left out silently.
    public static func each(log: any DecisionLog, in range: Range, from first: UInt64 = 0,
                            _ body: (StoredRecord, RecordView) throws -> Void) throws {
        try log.scan(from: first, until: nil) { chunk in
            for r in chunk {
                try checked(r)
                if let since = range.since, r.recordedAt < since.millisecondsSinceEpoch { continue }
                if let until = range.until, r.recordedAt >= until.millisecondsSinceEpoch { continue }
                let v = try r.parsed()
                guard range.contains(v.recordedAt) else { continue }
                try body(r, v)
            }
            return true
        }
    }

    /// Throws when a record's bytes do not match its leaf hash, or its columns (sequence number,
    /// recorded-at, case id, digest) disagree with its bytes.
    public static func checked(_ r: StoredRecord) throws {
        guard Merkle.leafHash(r.body) == r.leaf else {
            throw AuditError(.tampered, "record \(r.seq) was altered: its content no longer matches its leaf hash (run `verdict audit verify`)")
        }
        if let problem = r.indexProblem { throw AuditError(.tampered, problem + " (run `verdict audit verify`)") }
    }

    /// What replaying recorded history under a new policy changes.
    public struct Replay: Sendable {
        public struct Change: Sendable, Hashable {
            public var output: String
            public var from: String
            public var to: String
        }
        public var decisions = 0
        public var unchanged = 0
        /// Per output and change, the cases (in sequence order).
        public var changes: [Change: [String]] = [:]
        /// Cases the new policy cannot decide, with why.
        public var failures: [(caseID: String, seq: UInt64, message: String)] = []
        public var changedCases = 0
        /// Records older than the `latest` that ``AuditTrail/replay(log:under:in:only:latest:)`` was
        /// asked to read, and so not read (0 when no such bound was given or the log is shorter).
        public var notRead: UInt64 = 0
        /// Nothing replayed yet.
        public init() {}
    }

    /// Decides every recorded decision in `range` again under `policy` (only those of the set named
    /// `only`, when given) and counts what would change. With `latest`, only the log's last `latest`
    /// records are read, whatever its length (``Replay/notRead`` counts the older ones).
    public static func replay(log: any DecisionLog, under policy: CompiledPolicy, in range: Range, only name: String? = nil,
                              latest: UInt64? = nil) throws -> Replay {
        var out = Replay()
        let set = PolicyVersions(policy)  // asked as every surface asks: one decision request a record
        if let latest {
            let size = try log.treeState().size
            if size > latest { out.notRead = size - latest }
        }
        try each(log: log, in: range, from: out.notRead) { _, v in
            if let name, v.policyName != name { return }
            out.decisions += 1
            let old = outputs(ofDecision: v.decision)
            var bytes: [UInt8] = []
            do { try set.answer(DecisionRequest(now: v.now), json: v.input).appendRendered(to: &bytes) } catch {
                out.failures.append((v.caseID, v.seq, "\(error)"))
                return
            }
            let new = outputs(ofDecision: bytes)
            var changed = false
            var names = old.map(\.0)
            for n in new.map(\.0) where !names.contains(n) { names.append(n) }
            for name in names {
                let a = old.first { $0.0 == name }?.1 ?? "(absent)", b = new.first { $0.0 == name }?.1 ?? "(absent)"
                if a != b {
                    changed = true
                    out.changes[Replay.Change(output: name, from: a, to: b), default: []].append(v.caseID)
                }
            }
            if changed { out.changedCases += 1 } else { out.unchanged += 1 }
        }
        return out
    }

    /// A decision JSON's outputs and clocks (as `clock.status`), each value as compact text
    /// (a string as itself, anything else as canonical JSON): `[("approver", "head_office"), ("tier", "3")]`.
    public static func outputs(ofDecision json: [UInt8]) -> [(String, String)] {
        guard let v = try? JSONReader.parse(json) else { return [] }
        var out: [(String, String)] = []
        func text(_ v: JSONValue) -> String {
            if case .string(let s) = v { return s }
            var b: [UInt8] = []
            CanonicalJSON.writeInOrder(v, to: &b)
            return String(decoding: b, as: UTF8.self)
        }
        if case .object(let members)? = v.member("outputs") {
            for m in members { out.append((m.key, text(m.value))) }
        }
        if case .object(let clocks)? = v.member("clocks") {
            for c in clocks { if let s = c.value.member("status") { out.append(("\(c.key).status", text(s))) } }
        }
        return out
    }
}
