import Crypto
import Foundation
import Verdict

/// A self-contained proof that some records are in the log: the records' exact bytes, each one's
/// inclusion path (RFC 9162 2.1.3) and the signed checkpoint they lead to. It reveals nothing of
/// other records but their hashes, and checks without the log. An entry may be an event (a version
/// or change event, leaf domain `0x02`) instead of a decision record: in the file its bytes are under
/// `event` instead of `record`.
public struct InclusionProof: Sendable {
    /// One proven leaf: its sequence number, its exact bytes and its audit path.
    public struct Entry: Sendable {
        /// The leaf's index in the tree.
        public var seq: UInt64
        /// The leaf's exact bytes (a decision record's, or an event's when ``isEvent``).
        public var record: [UInt8]
        /// The sibling hashes from the leaf up to the checkpoint's root.
        public var path: [Hash]
        /// Whether the leaf is an event (hashed `SHA-256(0x02 ‖ bytes)`) rather than a decision record (`0x00`).
        public var isEvent: Bool

        /// An entry of the leaf `seq` with bytes `record` and audit path `path`.
        public init(seq: UInt64, record: [UInt8], path: [Hash], isEvent: Bool = false) {
            self.seq = seq
            self.record = record
            self.path = path
            self.isEvent = isEvent
        }

        /// The leaf hash of the entry's bytes, in its domain.
        public var leafHash: Hash { isEvent ? PendingVersionEvent.leafHash(record) : Merkle.leafHash(record) }
    }

    /// A leaf a proof proved, read from its bytes.
    public enum ProvenLeaf: Sendable {
        /// A decision record.
        case record(RecordView)
        /// A version or change event.
        case event(EventView)
    }
    public static let format = "verdict-inclusion-proof-v1"
    public var checkpoint: Checkpoint
    public var entries: [Entry]

    /// Proofs for every record of `caseID` against the latest checkpoint. Every record sharing the id
    /// is in it; ``make(log:seq:)`` proves one record and reveals no other.
    public static func make(log: any DecisionLog, caseID: String) throws -> InclusionProof {
        try log.readSnapshot {
            let records = try log.records(caseID: caseID)
            guard !records.isEmpty else { throw AuditError(.notFound, "no decision recorded for case `\(TextEscaping.escaped(caseID))` in \(log.location)") }
            let c = try latest(log)
            return InclusionProof(checkpoint: c, entries: try records.map { try entry($0, log: log, checkpoint: c) })
        }
    }

    /// The proof of the one leaf numbered `seq` — a decision record, or an event (a version or change
    /// event) — against the latest checkpoint: its bytes and its audit path, nothing of any other leaf
    /// but hashes.
    public static func make(log: any DecisionLog, seq: UInt64) throws -> InclusionProof {
        try log.readSnapshot {
            if let r = try log.record(seq: seq) {
                let c = try latest(log)
                return InclusionProof(checkpoint: c, entries: [try entry(r, log: log, checkpoint: c)])
            }
            guard let e = try log.versionEvents().first(where: { $0.seq == seq }) else {
                throw AuditError(.notFound, "no decision record \(seq) in \(log.location), nor an event (it holds \(try log.treeState().size) leaves)")
            }
            let c = try latest(log)
            return InclusionProof(checkpoint: c, entries: [try entry(e, log: log, checkpoint: c)])
        }
    }

    /// One event's bytes and audit path to `c`'s root, checked against its leaf hash and the root.
    static func entry(_ e: StoredVersionEvent, log: any DecisionLog, checkpoint c: Checkpoint) throws -> Entry {
        _ = try e.parsedEvent()
        guard e.seq < c.size else {
            throw AuditError(.notFound, "\(e.name) is newer than the latest checkpoint (\(c.size) records): sign a new one with `verdict audit checkpoint`")
        }
        let path = try Merkle.inclusionPath(leaf: e.seq, size: c.size) { lo, hi in try log.subtreeHash(lo, hi) }
        guard Merkle.verifyInclusion(leaf: e.leaf, index: e.seq, size: c.size, path: path, root: c.root) else {
            throw AuditError(.tampered, "\(e.name) is not in the tree of the latest checkpoint: run `verdict audit verify`")
        }
        return Entry(seq: e.seq, record: e.body, path: path, isEvent: true)
    }

    static func latest(_ log: any DecisionLog) throws -> Checkpoint {
        guard let c = try log.latestCheckpoint() else {
            throw AuditError(.notFound, "\(log.location) has no checkpoint yet: sign one with `verdict audit checkpoint --key PRIV --log \(log.location)`")
        }
        return c
    }

    /// One record's bytes and audit path to `c`'s root, checked against its leaf hash and the root.
    static func entry(_ r: StoredRecord, log: any DecisionLog, checkpoint c: Checkpoint) throws -> Entry {
        let view = try r.parsed()
        guard Merkle.leafHash(r.body) == r.leaf else { throw AuditError(.tampered, "record \(r.seq) was altered: its content no longer matches its leaf hash") }
        guard r.seq < c.size else {
            throw AuditError(.notFound, "record \(r.seq) of case `\(TextEscaping.escaped(view.caseID))` is newer than the latest checkpoint (\(c.size) records): sign a new one with `verdict audit checkpoint`")
        }
        let path = try Merkle.inclusionPath(leaf: r.seq, size: c.size) { lo, hi in try log.subtreeHash(lo, hi) }
        guard Merkle.verifyInclusion(leaf: r.leaf, index: r.seq, size: c.size, path: path, root: c.root) else {
            throw AuditError(.tampered, "record \(r.seq) is not in the tree of the latest checkpoint: run `verdict audit verify`")
        }
        return Entry(seq: r.seq, record: r.body, path: path)
    }

    public var json: String {
        var w = JSONWriter()
        w.object { w in
            w.field("format", Self.format)
            w.key("checkpoint")
            checkpoint.write(to: &w)
            w.key("records")
            Self.write(entries, to: &w)
        }
        return w.output
    }

    static func write(_ entries: [Entry], to w: inout JSONWriter) {
        w.array { w in
            for e in entries {
                w.object { w in
                    w.field("seq", Int(e.seq))
                    w.field(e.isEvent ? "event" : "record", String(decoding: e.record, as: UTF8.self))
                    w.key("path")
                    w.array { w in for p in e.path { w.string(p.hex) } }
                }
            }
        }
    }

    public init(checkpoint: Checkpoint, entries: [Entry]) {
        self.checkpoint = checkpoint
        self.entries = entries
    }

    /// Reads a proof file; `path` is only for messages.
    public init(file: [UInt8], path: String) throws(AuditError) {
        let v: JSONValue
        do { v = try JSONReader.parse(file) } catch { throw AuditError(.proof, "`\(path)` is not a Verdict proof: not JSON (\(error))") }
        guard case .string(Self.format)? = v.member("format") else {
            throw AuditError(.proof, "`\(path)` is not a Verdict proof (its `format` is not `\(Self.format)`)")
        }
        guard let c = v.member("checkpoint") else { throw AuditError(.proof, "`\(path)`: no `checkpoint`") }
        checkpoint = try Checkpoint(json: c, where: "`\(path)`: checkpoint")
        guard case .array(let items)? = v.member("records"), !items.isEmpty else { throw AuditError(.proof, "`\(path)`: no `records`") }
        entries = try Self.entries(items, path: path)
    }

    static func entries(_ items: [JSONValue], path: String) throws(AuditError) -> [Entry] {
        var entries: [Entry] = []
        var seen: [UInt64: Int] = [:]
        for (i, item) in items.enumerated() {
            let at = "`\(path)`: records[\(i)]"
            guard case .number(let n)? = item.member("seq"), let seq = UInt64(n) else { throw AuditError(.proof, "\(at): `seq` is not a whole number") }
            if let earlier = seen[seq] {
                throw AuditError(.proof, "\(at) repeats record \(seq) (already records[\(earlier)]): a proof names each record once")
            }
            seen[seq] = i
            let isEvent: Bool
            let r: String
            switch (item.member("record"), item.member("event")) {
            case (.string(let s)?, nil): (r, isEvent) = (s, false)
            case (nil, .string(let s)?): (r, isEvent) = (s, true)
            case (_?, _?): throw AuditError(.proof, "\(at) has both `record` and `event`: an entry is one leaf")
            default: throw AuditError(.proof, "\(at): `record` (a decision record) or `event` (an event) is not a string")
            }
            guard case .array(let ps)? = item.member("path") else { throw AuditError(.proof, "\(at): `path` is not a list") }
            var hashes: [Hash] = []
            for p in ps {
                guard case .string(let h) = p, let b = [UInt8](hex: h), b.count == 32 else { throw AuditError(.proof, "\(at): a `path` entry is not a SHA-256 in hex") }
                hashes.append(b)
            }
            entries.append(Entry(seq: seq, record: Array(r.utf8), path: hashes, isEvent: isEvent))
        }
        return entries
    }

    /// Checks the checkpoint's signature with the operator's key and every leaf's path to its root
    /// (events included); returns the decision records among them.
    public func verify(key: Curve25519.Signing.PublicKey) throws(AuditError) -> [RecordView] {
        try verifyLeaves(key: key).compactMap { if case .record(let v) = $0 { v } else { nil } }
    }

    /// Checks the checkpoint's signature with the operator's key and every leaf's path to its root —
    /// a decision record's from `SHA-256(0x00 ‖ bytes)`, an event's from `SHA-256(0x02 ‖ bytes)` —
    /// and returns each leaf read from its bytes, in the proof's order.
    public func verifyLeaves(key: Curve25519.Signing.PublicKey) throws(AuditError) -> [ProvenLeaf] {
        guard checkpoint.publicKey == Array(key.rawRepresentation) else {
            throw AuditError(.key, "the proof's checkpoint was signed by key \(checkpoint.keyFingerprint), not by the key given (\(AuditKeys.fingerprint(Array(key.rawRepresentation))))")
        }
        guard checkpoint.signatureValid(with: key) else {
            throw AuditError(.proof, "the proof's checkpoint signature does not verify: the checkpoint was altered")
        }
        var views: [ProvenLeaf] = []
        for e in entries {
            if e.isEvent {
                let stored = StoredVersionEvent(seq: e.seq, body: e.record, leaf: e.leafHash)
                let view = try stored.parsedEvent()
                guard Merkle.verifyInclusion(leaf: stored.leaf, index: e.seq, size: checkpoint.size, path: e.path, root: checkpoint.root) else {
                    throw AuditError(.proof, "\(stored.name) is not proven: its inclusion path does not lead to the checkpoint's root (the event or the path was altered)")
                }
                views.append(.event(view))
                continue
            }
            let view = try RecordView(bytes: e.record, seq: e.seq, column: nil)
            guard Merkle.verifyInclusion(leaf: Merkle.leafHash(e.record), index: e.seq, size: checkpoint.size, path: e.path, root: checkpoint.root) else {
                throw AuditError(.proof, "record \(e.seq) (case `\(TextEscaping.escaped(view.caseID))`) is not proven: its inclusion path does not lead to the checkpoint's root (the record or the path was altered)")
            }
            views.append(.record(view))
        }
        return views
    }
}
