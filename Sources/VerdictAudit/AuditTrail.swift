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

    /// Which date of a record a ``Range`` is over.
    public enum Dates: String, Sendable, CaseIterable {
        /// When the record was written (`recorded_at`).
        case recorded
        /// The case's own date, as the set that decided it places a case in time (``PolicyVersions``):
        /// the field the version names as `effective_by` in the recorded input (a `date` as its start
        /// in UTC), or, for a set without one, the decision time the record was decided at.
        case `case`
    }

    /// A time range over `recorded_at` (or, with `dates: .case`, over each case's own date): `since`
    /// inclusive, `until` exclusive.
    public struct Range: Sendable {
        public var since: Timestamp?
        public var until: Timestamp?
        public var dates: Dates
        public init(since: Timestamp? = nil, until: Timestamp? = nil, dates: Dates = .recorded) {
            self.since = since
            self.until = until
            self.dates = dates
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
        if range.dates == .case, range.since != nil || range.until != nil {
            return try eachByCaseDate(log: log, in: range, from: first, body)
        }
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

    /// The case's own date of a recorded decision, as the version that decided it places a case in
    /// time: its `effective_by` field (`field`, read from the recorded input; a `date` as its start in
    /// UTC), or the decision time when the version names none. Nil when the field cannot be read.
    public static func caseDate(_ v: RecordView, field: String?) -> Timestamp? {
        guard let field else { return v.now ?? v.recordedAt }
        guard let parsed = try? JSONReader.parse(v.input), case .object(let members) = parsed,
              case .string(let text)? = members.last(where: { $0.key == field })?.value else { return nil }
        if let t = try? Timestamp(rfc3339: text) { return t }
        if (try? CivilDate(iso: text)) != nil { return try? Timestamp(rfc3339: text + "T00:00:00Z") }
        return nil
    }

    /// `each` over the case's own dates: every record checked, then kept when its case's date is in
    /// the range. The field each record's version names (`effective_by`) comes from the archived
    /// version (``PolicyVersions/effectiveBy``); the scan stops at a version not yet looked up, looks
    /// it up (the log is not read while it is scanned) and resumes at that record.
    static func eachByCaseDate(log: any DecisionLog, in range: Range, from first: UInt64,
                               _ body: (StoredRecord, RecordView) throws -> Void) throws {
        let archived = ArchivedPolicies(log: log)
        var fields: [String: String?] = [:]
        var next = first
        while true {
            var missing: (digest: String, seq: UInt64)?
            try log.scan(from: next, until: nil) { chunk in
                for r in chunk where r.seq >= next {
                    try checked(r)
                    let v = try r.parsed()
                    guard let field = fields[v.digest] else {
                        missing = (v.digest, v.seq)
                        return false
                    }
                    next = r.seq + 1
                    guard let date = caseDate(v, field: field), range.contains(date) else { continue }
                    try body(r, v)
                }
                return true
            }
            guard let m = missing else { return }
            fields[m.digest] = PolicyVersions(try archived.policy(digest: m.digest, seq: m.seq)).effectiveBy
            next = m.seq
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
        public var decisions = 0
        public var unchanged = 0
        /// What would change, grouped by rule transition (the recorded version's route, decided again
        /// from its archived files, → the new one) and by the shape of each output's change.
        public var impact = ChangeImpact()
        /// Cases the new policy cannot decide, with why.
        public var failures: [(caseID: String, seq: UInt64, message: String)] = []
        public var changedCases = 0
        /// Records older than the `latest` that ``AuditTrail/replay(log:under:in:only:latest:)`` was
        /// asked to read, and so not read (0 when no such bound was given or the log is shorter).
        public var notRead: UInt64 = 0
        /// Nothing replayed yet.
        public init() {}
    }

    /// A record as the audit commands name it: `#12 case-2` (its sequence number, then its case id,
    /// which may repeat).
    public static func recordName(seq: UInt64, caseID: String) -> String { "#\(seq) \(caseID)" }

    /// How a replay's groups list the records in them.
    public enum RecordNames: Sendable {
        /// By case id alone (the console links each to the case's page).
        case caseID
        /// As ``AuditTrail/recordName(seq:caseID:)``: `#12 case-2`, one name a record even when ids repeat.
        case sequenceAndCaseID
    }

    /// Decides every recorded decision in `range` again under `policy` (only those of the set named
    /// `only`, when given) and groups what would change. With `latest`, only the log's last `latest`
    /// records are read, whatever its length (``Replay/notRead`` counts the older ones).
    public static func replay(log: any DecisionLog, under policy: CompiledPolicy, in range: Range, only name: String? = nil,
                              latest: UInt64? = nil, naming: RecordNames = .caseID) throws -> Replay {
        try replay(log: log, under: PolicyVersions(policy), in: range, only: name, latest: latest, naming: naming)
    }

    /// Decides every recorded decision in `range` again under `versions` — each by the version in
    /// force on its date, as the service would — and groups what would change. A changed case's old
    /// route comes from deciding its recorded input again under the archived version that decided it;
    /// when that version is not in the archive, the transition's old side is not known. `naming`: how
    /// the groups list their records (by case id, or `#SEQ case-id`).
    public static func replay(log: any DecisionLog, under versions: PolicyVersions, in range: Range, only name: String? = nil,
                              latest: UInt64? = nil, naming: RecordNames = .caseID) throws -> Replay {
        var out = Replay()
        func named(_ v: RecordView) -> String { naming == .caseID ? v.caseID : recordName(seq: v.seq, caseID: v.caseID) }
        let archived = ArchivedPolicies(log: log)
        if let latest {
            let size = try log.treeState().size
            if size > latest { out.notRead = size - latest }
        }
        // Decided with routes read from the trace, as every surface asks: one decision request a record.
        func outcome(_ set: PolicyVersions, _ v: RecordView) throws -> ChangeImpact.Outcome {
            let d = try set.answer(DecisionRequest(explanation: .compact, now: v.now), json: v.input).decision
            var json: [UInt8] = []
            d.withoutExplanation.appendJSON(to: &json)
            return ChangeImpact.Outcome(decisionJSON: json, routes: d.explanation?.routes)
        }
        // First pass: every record in the range decided under the new set; the changed ones are noted by
        // sequence number only (the log cannot be read again while it is being scanned, and the old
        // routes need the archived versions).
        var changed: [UInt64] = []
        try each(log: log, in: range, from: out.notRead) { _, v in
            if let name, v.policyName != name { return }
            out.decisions += 1
            let old = ChangeImpact.Outcome(decisionJSON: v.decision)
            let new: ChangeImpact.Outcome
            do { new = try outcome(versions, v) } catch {
                out.failures.append((v.caseID, v.seq, "\(error)"))
                out.impact.add(caseID: named(v), old: old, new: nil)
                return
            }
            if !old.differs(from: new) {
                out.impact.add(caseID: named(v), old: old, new: new)
                out.unchanged += 1
            } else {
                changed.append(v.seq)
            }
        }
        // Second pass: each changed record again, its old route from the archived version that decided it.
        for seq in changed {
            guard let r = try log.record(seq: seq) else {
                out.failures.append(("?", seq, "record \(seq) was read a moment ago and is no longer in the log"))
                continue
            }
            try checked(r)
            let v = try r.parsed()
            var old = ChangeImpact.Outcome(decisionJSON: v.decision)
            if let p = try? archived.policy(digest: v.digest, seq: v.seq) { old.routes = (try? outcome(PolicyVersions(p), v))?.routes }
            let new = try outcome(versions, v)
            if out.impact.add(caseID: named(v), old: old, new: new) { out.changedCases += 1 } else { out.unchanged += 1 }
        }
        return out
    }

    /// A decision JSON's outputs and clocks (as `clock.status`), each value as compact text
    /// (a string as itself, anything else as JSON without spaces): `[("approver", "head_office"), ("tier", "3")]`.
    public static func outputs(ofDecision json: [UInt8]) -> [(String, String)] {
        ChangeImpact.Outcome(decisionJSON: json).values.map { ($0.name, $0.value) }
    }
}
