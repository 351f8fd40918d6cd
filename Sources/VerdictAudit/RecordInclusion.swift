import Foundation
import Verdict

/// What places one record in the log, as an auditor's page shows it: the record's leaf hash and,
/// when a signed checkpoint covers it, its audit path (RFC 9162, 2.1.3) to that checkpoint's root,
/// checked here — the same path `verdict audit proof` writes, for one record.
///
/// Checkpoints only grow, so the latest one covers a record exactly when any does; when none does
/// yet, ``checkpoint`` says which one there is (if any) and ``path`` is empty.
public struct RecordInclusion: Sendable {
    /// The record's sequence number: its leaf's index in the tree.
    public var seq: UInt64
    /// SHA-256(0x00 ‖ the record's bytes).
    public var leaf: Hash
    /// How many records the log held when this was read.
    public var logSize: UInt64
    /// The latest checkpoint, whether or not it covers the record (nil: the log has none).
    public var checkpoint: Checkpoint?
    /// The sibling hashes from the leaf up to ``checkpoint``'s root; empty when no checkpoint covers
    /// the record (or the checkpoint's tree is this one record).
    public var path: [Hash]
    /// The path leads from ``leaf`` to the checkpoint's root (false when no checkpoint covers it).
    public var pathHolds: Bool
    /// The checkpoint's signature verifies with the key it names (false without a checkpoint).
    public var signatureValid: Bool

    /// Whether a signed checkpoint covers the record.
    public var covered: Bool { checkpoint.map { seq < $0.size } ?? false }

    /// The inclusion of `record` (checked against its leaf hash first) in `log`, read in one snapshot.
    public static func of(_ record: StoredRecord, in log: any DecisionLog) throws -> RecordInclusion {
        try AuditTrail.checked(record)
        return try log.readSnapshot {
            let size = try log.treeState().size
            let c = try log.latestCheckpoint()
            var r = RecordInclusion(seq: record.seq, leaf: record.leaf, logSize: size, checkpoint: c, path: [], pathHolds: false,
                                    signatureValid: c?.signatureValid() ?? false)
            if let c, record.seq < c.size {
                r.path = try Merkle.inclusionPath(leaf: record.seq, size: c.size) { lo, hi in try log.subtreeHash(lo, hi) }
                r.pathHolds = Merkle.verifyInclusion(leaf: record.leaf, index: record.seq, size: c.size, path: r.path, root: c.root)
            }
            return r
        }
    }

    public init(seq: UInt64, leaf: Hash, logSize: UInt64, checkpoint: Checkpoint?, path: [Hash], pathHolds: Bool, signatureValid: Bool) {
        self.seq = seq
        self.leaf = leaf
        self.logSize = logSize
        self.checkpoint = checkpoint
        self.path = path
        self.pathHolds = pathHolds
        self.signatureValid = signatureValid
    }
}

extension AuditTrail {
    /// Every decision recorded for `caseID`, in sequence order, re-derived (as ``show(log:caseID:)``),
    /// each with what places it in the log: what an auditor's page of the case shows.
    public static func showWithInclusion(log: any DecisionLog, caseID: String) throws -> [(ReDerivedDecision, RecordInclusion)] {
        let stored = try log.records(caseID: caseID)
        guard !stored.isEmpty else { throw AuditError(.notFound, "no decision recorded for case `\(TextEscaping.escaped(caseID))` in \(log.location)") }
        let policies = ArchivedPolicies(log: log)
        return try stored.map { r in
            let inclusion = try RecordInclusion.of(r, in: log)
            return (try rederive(try r.parsed(), policies: policies), inclusion)
        }
    }
}
