import Crypto
import Foundation
import Verdict

/// One step of a governed policy change — proposed, approved, rejected, activated, refused, withdrawn,
/// rolled back — recorded as a leaf of the log's Merkle tree beside the decisions and the version
/// events, numbered in the same sequence (docs/auditing.md, "Change history").
///
/// Its bytes are one line of JSON, in this order:
/// `{"seq":N,"event":"change","step":…,"recorded_at":…,"proposal":…,"set":…,"by":…,"reason":…,"base":…,"candidate":…}`
/// then `"rollback_of":…` for a rollback. It is an event like a version event: stored with them, its
/// leaf hash `SHA-256(0x02 ‖ bytes)`; its `event` member (`change`) tells it from a version event's
/// (`activated`, `retired`), and since the bytes are hashed, one can never be read as the other.
public struct PendingChangeEvent: Sendable, Equatable {
    /// Which step of a proposal's life the event records.
    public enum Step: String, Sendable, CaseIterable {
        /// The step's name in Chinese, as the console's audit page and `verdict audit changes --lang zh` show it
        /// (in English each shows the stored word).
        public var chinese: String {
            switch self {
            case .proposed: "提出"
            case .approved: "批准"
            case .rejected: "驳回"
            case .activated: "启用"
            case .refused: "拒绝启用"
            case .withdrawn: "撤回"
            case .rolledBack: "回滚"
            }
        }
        /// An editor submitted the proposal.
        case proposed
        /// An approver (not its author) approved it.
        case approved
        /// An approver rejected it.
        case rejected
        /// The service activated it: its files are written and the checked reload serves them.
        case activated
        /// The service's checked reload refused it: nothing is served from it.
        case refused
        /// Its author withdrew it.
        case withdrawn
        /// An archived version was brought back by an approved rollback proposal.
        case rolledBack = "rolled-back"
    }
    /// The step recorded.
    public var step: Step
    /// The proposal's id, e.g. `P7`.
    public var proposal: String
    /// The policy set's name.
    public var set: String
    /// Who took the step: a user's name; `service` for an activation, refusal or rollback done by the service.
    public var by: String
    /// The proposal's reason, the reviewer's comment, or why activation was refused (may be empty).
    public var reason: String
    /// The digest of the serving version the proposal was made against.
    public var baseDigest: String
    /// The digest of the proposed version.
    public var candidateDigest: String
    /// For a rollback: the archived digest it brings back.
    public var rollbackOf: String?
    /// When the step was taken.
    public var recordedAt: Timestamp

    /// A step of proposal `proposal` on set `set`, taken by `by` at `recordedAt`.
    public init(step: Step, proposal: String, set: String, by: String, reason: String, baseDigest: String, candidateDigest: String,
                rollbackOf: String? = nil, recordedAt: Timestamp) {
        self.step = step
        self.proposal = proposal
        self.set = set
        self.by = by
        self.reason = reason
        self.baseDigest = baseDigest
        self.candidateDigest = candidateDigest
        self.rollbackOf = rollbackOf
        self.recordedAt = recordedAt
    }

    /// The value of the `event` member that marks a change event.
    public static let eventName = "change"

    /// The event's bytes once its sequence number is known.
    public func bytes(seq: UInt64) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.field("seq", Int(seq))
            w.field("event", Self.eventName)
            w.field("step", step.rawValue)
            w.field("recorded_at", recordedAt.rfc3339(in: .utc))
            w.field("proposal", proposal)
            w.field("set", set)
            w.field("by", by)
            w.field("reason", reason)
            w.field("base", baseDigest)
            w.field("candidate", candidateDigest)
            if let rollbackOf { w.field("rollback_of", rollbackOf) }
        }
        return w.bytes
    }
}

/// A change event's fields, read from its bytes.
public struct ChangeEventView: Sendable, Equatable {
    /// Its sequence number: its leaf's index in the log's tree.
    public var seq: UInt64
    /// The step recorded.
    public var step: PendingChangeEvent.Step
    /// When the step was taken.
    public var recordedAt: Timestamp
    /// The proposal's id.
    public var proposal: String
    /// The policy set's name.
    public var set: String
    /// Who took the step (`service` for the service's own steps).
    public var by: String
    /// The proposal's reason, the reviewer's comment, or why activation was refused.
    public var reason: String
    /// The serving version's digest the proposal was made against.
    public var baseDigest: String
    /// The proposed version's digest.
    public var candidateDigest: String
    /// For a rollback: the archived digest it brings back.
    public var rollbackOf: String?

    /// Reads the bytes of change event `expected` (already checked against their leaf hash): they must
    /// say they are leaf `expected` and hold every member a change event has.
    public init(bytes: [UInt8], seq expected: UInt64) throws(AuditError) {
        let e = try EventFields(bytes, at: "change event \(expected)", seq: expected)
        seq = expected
        guard try e.string("event") == PendingChangeEvent.eventName else { throw AuditError(.tampered, "\(e.at): `event` is not `change`") }
        let stepName = try e.string("step")
        guard let step = PendingChangeEvent.Step(rawValue: stepName) else {
            throw AuditError(.tampered, "\(e.at): `step` `\(TextEscaping.escaped(stepName))` is none of \(PendingChangeEvent.Step.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.step = step
        recordedAt = try e.recordedAt()
        proposal = try e.string("proposal")
        set = try e.string("set")
        by = try e.string("by")
        reason = try e.string("reason")
        baseDigest = try e.string("base")
        candidateDigest = try e.string("candidate")
        rollbackOf = try e.stringIfPresent("rollback_of")
    }
}

/// An event leaf read from its bytes: a policy version starting or ending service, or a step of a
/// governed change.
public enum EventView: Sendable, Equatable {
    /// A version event (``PendingVersionEvent``).
    case version(VersionEventView)
    /// A change event (``PendingChangeEvent``).
    case change(ChangeEventView)

    /// The event's sequence number.
    public var seq: UInt64 {
        switch self {
        case .version(let v): v.seq
        case .change(let c): c.seq
        }
    }
}

extension StoredVersionEvent {
    /// Whether the stored bytes say they are a change event (`"event":"change"`); read without trusting
    /// them, only to name the event in messages and to route it to its parser.
    public var isChange: Bool {
        guard let v = try? JSONReader.parse(body), case .string(let e)? = v.member("event") else { return false }
        return e == PendingChangeEvent.eventName
    }

    /// What the event is called in messages: `change event N` or `version event N`.
    var name: String { "\(isChange ? "change" : "version") event \(seq)" }

    /// The event's fields, whichever kind it is, read from its bytes, which must be event `seq` and
    /// hash to the stored leaf hash.
    public func parsedEvent() throws(AuditError) -> EventView {
        guard PendingVersionEvent.leafHash(body) == leaf else {
            throw AuditError(.tampered, "\(name) was altered: its content no longer matches its leaf hash")
        }
        return isChange ? .change(try ChangeEventView(bytes: body, seq: seq)) : .version(try VersionEventView(bytes: body, seq: seq))
    }
}

/// Every step of the governed changes the log records, in sequence order: what `verdict audit changes`
/// lists and the console's audit page shows beside a set's decisions.
public struct ChangeHistory: Sendable {
    /// The steps, by sequence number.
    public var steps: [ChangeEventView]

    /// The change events of `log` (each read against its leaf hash), of every set or of the set named `set`.
    public static func of(_ log: any DecisionLog, set: String? = nil) throws -> ChangeHistory {
        var steps: [ChangeEventView] = []
        for e in try log.versionEvents() {
            if case .change(let c) = try e.parsedEvent(), set == nil || c.set == set { steps.append(c) }
        }
        return ChangeHistory(steps: steps)
    }

    /// The steps given, in the order given.
    public init(steps: [ChangeEventView]) { self.steps = steps }

    /// The history as JSON: `{"steps":[{seq, recorded_at, step, proposal, set, by, reason, base, candidate[, rollback_of]}…]}`,
    /// digests in full.
    public var json: String {
        var w = JSONWriter()
        w.object { w in
            w.key("steps")
            w.array { w in
                for s in steps {
                    w.object { w in
                        w.field("seq", Int(s.seq))
                        w.field("recorded_at", s.recordedAt.rfc3339(in: .utc))
                        w.field("step", s.step.rawValue)
                        w.field("proposal", s.proposal)
                        w.field("set", s.set)
                        w.field("by", s.by)
                        w.field("reason", s.reason)
                        w.field("base", s.baseDigest)
                        w.field("candidate", s.candidateDigest)
                        if let r = s.rollbackOf { w.field("rollback_of", r) }
                    }
                }
            }
        }
        return w.output
    }
}
