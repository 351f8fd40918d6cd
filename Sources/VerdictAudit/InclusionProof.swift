import Crypto
import Foundation
import Verdict

/// A self-contained proof that some records are in the log: the records' exact bytes, each one's
/// inclusion path (RFC 9162 2.1.3) and the signed checkpoint they lead to. It reveals nothing of
/// other records but their hashes, and checks without the log.
public struct InclusionProof: Sendable {
    public struct Entry: Sendable {
        public var seq: UInt64
        public var record: [UInt8]
        public var path: [Hash]
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

    /// The proof of the one record numbered `seq` against the latest checkpoint: its bytes and its
    /// audit path, nothing of any other record but hashes.
    public static func make(log: any DecisionLog, seq: UInt64) throws -> InclusionProof {
        try log.readSnapshot {
            guard let r = try log.record(seq: seq) else {
                throw AuditError(.notFound, "no decision record \(seq) in \(log.location) (it holds \(try log.treeState().size) leaves)")
            }
            let c = try latest(log)
            return InclusionProof(checkpoint: c, entries: [try entry(r, log: log, checkpoint: c)])
        }
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
                    w.field("record", String(decoding: e.record, as: UTF8.self))
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
            guard case .string(let r)? = item.member("record") else { throw AuditError(.proof, "\(at): `record` is not a string") }
            guard case .array(let ps)? = item.member("path") else { throw AuditError(.proof, "\(at): `path` is not a list") }
            var hashes: [Hash] = []
            for p in ps {
                guard case .string(let h) = p, let b = [UInt8](hex: h), b.count == 32 else { throw AuditError(.proof, "\(at): a `path` entry is not a SHA-256 in hex") }
                hashes.append(b)
            }
            entries.append(Entry(seq: seq, record: Array(r.utf8), path: hashes))
        }
        return entries
    }

    /// Checks the checkpoint's signature with the operator's key and every record's path to its root.
    public func verify(key: Curve25519.Signing.PublicKey) throws(AuditError) -> [RecordView] {
        guard checkpoint.publicKey == Array(key.rawRepresentation) else {
            throw AuditError(.key, "the proof's checkpoint was signed by key \(checkpoint.keyFingerprint), not by the key given (\(AuditKeys.fingerprint(Array(key.rawRepresentation))))")
        }
        guard checkpoint.signatureValid(with: key) else {
            throw AuditError(.proof, "the proof's checkpoint signature does not verify: the checkpoint was altered")
        }
        var views: [RecordView] = []
        for e in entries {
            let view = try RecordView(bytes: e.record, seq: e.seq, column: nil)
            guard Merkle.verifyInclusion(leaf: Merkle.leafHash(e.record), index: e.seq, size: checkpoint.size, path: e.path, root: checkpoint.root) else {
                throw AuditError(.proof, "record \(e.seq) (case `\(TextEscaping.escaped(view.caseID))`) is not proven: its inclusion path does not lead to the checkpoint's root (the record or the path was altered)")
            }
            views.append(view)
        }
        return views
    }
}
