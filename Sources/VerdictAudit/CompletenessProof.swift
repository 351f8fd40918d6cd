import Crypto
import Foundation
import Verdict

/// A proof that a case id has exactly these decision records in the tree a checkpoint signs — none
/// left out — or none at all: the records with their inclusion paths, and the case's entry in the
/// checkpoint's case index (``CaseIndex``) with its two neighbours, whose keys bracket the case's key
/// so no other entry for it can sit in the sorted index. Checks without the log (docs/auditing.md,
/// "Completeness proofs").
public struct CompletenessProof: Sendable {
    public static let format = "verdict-completeness-proof-v1"

    /// An index entry shown only by its key and records hash (a neighbour: another case's records stay hidden).
    public struct Neighbour: Sendable, Equatable {
        public var position: UInt64
        public var key: Hash
        public var recordsHash: Hash
        public var path: [Hash]
    }

    public var caseID: String
    public var checkpoint: Checkpoint
    public var records: [InclusionProof.Entry]
    /// How many entries the index holds.
    public var indexSize: UInt64
    /// The case's entry's position when it has records; where its key would go when it has none.
    public var position: UInt64
    /// The case's entry's path in the index tree (empty when it has no records).
    public var entryPath: [Hash]
    public var before: Neighbour?
    public var after: Neighbour?

    /// The proof for `caseID` against the latest checkpoint, which must sign a case index (version 2).
    public static func make(log: any DecisionLog, caseID: String) throws -> CompletenessProof {
        try make(log: log, caseIDs: [caseID])[0]
    }

    /// The proofs for `caseIDs`, in their order, against the latest checkpoint: one snapshot of the log,
    /// and the case index built once for all of them (not once per case, as calling
    /// ``make(log:caseID:)`` for each would). Each proof is byte for byte the one ``make(log:caseID:)``
    /// gives for its case.
    public static func make(log: any DecisionLog, caseIDs: [String]) throws -> [CompletenessProof] {
        try log.readSnapshot {
            let prover = try Prover(log: log)
            return try caseIDs.map { try prover.proof(caseID: $0) }
        }
    }

    /// Makes completeness proofs for any number of case ids against one checkpoint, from one build of
    /// its case index: the index is read from the log once, and the index tree's complete subtrees are
    /// hashed once, so each proof costs its own records and O(log² n) hashes of the index.
    ///
    /// Use it inside one ``DecisionLog/readSnapshot(_:)`` with the log it was made from, so the records
    /// it reads for each proof are those the index was built from (``make(log:caseIDs:)`` does).
    public struct Prover {
        public let log: any DecisionLog
        /// The latest checkpoint when the prover was made: every proof is against it.
        public let checkpoint: Checkpoint
        public let index: CaseIndex
        /// `levels[k][j]`: the root of the complete subtree of 2^k index entries starting at entry j·2^k.
        private let levels: [[Hash]]

        /// Reads the latest checkpoint (which must sign a case index) and builds its case index once,
        /// checked against the root the checkpoint signs.
        public init(log: any DecisionLog) throws {
            let c = try InclusionProof.latest(log)
            guard let indexRoot = c.indexRoot else {
                throw AuditError(.notFound, "the latest checkpoint of \(log.location) (\(c.size) records, signed \(c.time)) was made before the case index and signs none: sign a new one with `verdict audit checkpoint`")
            }
            let index = try CaseIndex.of(log, size: c.size)
            guard index.root == indexRoot else {
                throw AuditError(.tampered, "the records no longer give the case index the latest checkpoint signs: run `verdict audit verify`")
            }
            var levels = [index.leaves]
            while let last = levels.last, last.count > 1 {
                levels.append(stride(from: 0, to: last.count - 1, by: 2).map { Merkle.nodeHash(last[$0], last[$0 + 1]) })
            }
            self.log = log
            checkpoint = c
            self.index = index
            self.levels = levels
        }

        /// The root of index entries `lo..<hi`, as RFC 9162 splits a tree (each left part a complete,
        /// aligned subtree, read from ``levels``).
        private func subtree(_ lo: UInt64, _ hi: UInt64) -> Hash {
            let n = hi - lo
            if n & (n - 1) == 0 {
                let k = n.trailingZeroBitCount
                return levels[k][Int(lo >> UInt64(k))]
            }
            let k = Merkle.split(n)
            return Merkle.nodeHash(subtree(lo, lo + k), subtree(lo + k, hi))
        }

        private func path(_ i: Int) -> [Hash] {
            Merkle.inclusionPath(leaf: UInt64(i), size: UInt64(index.entries.count)) { subtree($0, $1) }
        }

        /// The proof for `caseID` against ``checkpoint``.
        public func proof(caseID: String) throws -> CompletenessProof {
            let c = checkpoint
            let key = CaseIndex.key(caseID: caseID)
            let (p, found) = index.position(of: key)
            var records: [InclusionProof.Entry] = []
            if found {
                for r in index.entries[p].records {
                    guard let stored = try log.record(seq: r.seq) else { throw AuditError(.tampered, "record \(r.seq) is missing") }
                    records.append(try InclusionProof.entry(stored, log: log, checkpoint: c))
                }
            }
            func neighbour(_ i: Int) -> Neighbour? {
                guard i >= 0, i < index.entries.count else { return nil }
                let e = index.entries[i]
                return Neighbour(position: UInt64(i), key: e.key, recordsHash: e.recordsHash, path: path(i))
            }
            return CompletenessProof(caseID: caseID, checkpoint: c, records: records, indexSize: UInt64(index.entries.count),
                                     position: UInt64(p), entryPath: found ? path(p) : [],
                                     before: neighbour(p - 1), after: neighbour(found ? p + 1 : p))
        }
    }

    public init(caseID: String, checkpoint: Checkpoint, records: [InclusionProof.Entry], indexSize: UInt64, position: UInt64,
                entryPath: [Hash], before: Neighbour?, after: Neighbour?) {
        self.caseID = caseID
        self.checkpoint = checkpoint
        self.records = records
        self.indexSize = indexSize
        self.position = position
        self.entryPath = entryPath
        self.before = before
        self.after = after
    }

    public var json: String {
        var w = JSONWriter()
        w.object { w in
            w.field("format", Self.format)
            w.field("case", caseID)
            w.key("checkpoint")
            checkpoint.write(to: &w)
            w.key("records")
            InclusionProof.write(records, to: &w)
            w.key("index")
            w.object { w in
                w.field("size", Int(indexSize))
                w.field("position", Int(position))
                w.key("path")
                w.array { w in for p in entryPath { w.string(p.hex) } }
                for (name, n) in [("before", before), ("after", after)] {
                    w.key(name)
                    if let n {
                        w.object { w in
                            w.field("position", Int(n.position))
                            w.field("key", n.key.hex)
                            w.field("records_hash", n.recordsHash.hex)
                            w.key("path")
                            w.array { w in for p in n.path { w.string(p.hex) } }
                        }
                    } else {
                        w.null()
                    }
                }
            }
        }
        return w.output
    }

    /// Reads a completeness proof file; `path` is only for messages.
    public init(file: [UInt8], path: String) throws(AuditError) {
        let v: JSONValue
        do { v = try JSONReader.parse(file) } catch { throw AuditError(.proof, "`\(path)` is not a Verdict proof: not JSON (\(error))") }
        try self.init(json: v, path: path)
    }

    init(json v: JSONValue, path: String) throws(AuditError) {
        guard case .string(Self.format)? = v.member("format") else {
            throw AuditError(.proof, "`\(path)` is not a Verdict completeness proof (its `format` is not `\(Self.format)`)")
        }
        guard case .string(let id)? = v.member("case") else { throw AuditError(.proof, "`\(path)`: `case` is missing or not a string") }
        caseID = id
        guard let c = v.member("checkpoint") else { throw AuditError(.proof, "`\(path)`: no `checkpoint`") }
        checkpoint = try Checkpoint(json: c, where: "`\(path)`: checkpoint")
        guard case .array(let items)? = v.member("records") else { throw AuditError(.proof, "`\(path)`: `records` is missing or not a list") }
        records = try InclusionProof.entries(items, path: path)
        if let i = records.firstIndex(where: \.isEvent) {
            throw AuditError(.proof, "`\(path)`: records[\(i)] is an event: a completeness proof holds a case's decision records only")
        }
        guard let index = v.member("index") else { throw AuditError(.proof, "`\(path)`: no `index`") }
        func whole(_ o: JSONValue, _ k: String, _ at: String) throws(AuditError) -> UInt64 {
            guard case .number(let n)? = o.member(k), let u = UInt64(n) else { throw AuditError(.proof, "\(at): `\(k)` is not a whole number") }
            return u
        }
        func hashes(_ o: JSONValue, _ at: String) throws(AuditError) -> [Hash] {
            guard case .array(let ps)? = o.member("path") else { throw AuditError(.proof, "\(at): `path` is not a list") }
            var out: [Hash] = []
            for p in ps {
                guard case .string(let h) = p, let b = [UInt8](hex: h), b.count == 32 else { throw AuditError(.proof, "\(at): a `path` entry is not a SHA-256 in hex") }
                out.append(b)
            }
            return out
        }
        func hash(_ o: JSONValue, _ k: String, _ at: String) throws(AuditError) -> Hash {
            guard case .string(let h)? = o.member(k), let b = [UInt8](hex: h), b.count == 32 else { throw AuditError(.proof, "\(at): `\(k)` is not a SHA-256 in hex") }
            return b
        }
        let at = "`\(path)`: index"
        indexSize = try whole(index, "size", at)
        position = try whole(index, "position", at)
        entryPath = try hashes(index, at)
        func neighbour(_ name: String) throws(AuditError) -> Neighbour? {
            guard let n = index.member(name) else { throw AuditError(.proof, "\(at): `\(name)` is missing (null when there is none)") }
            if case .null = n { return nil }
            let where_ = "\(at).\(name)"
            return Neighbour(position: try whole(n, "position", where_), key: try hash(n, "key", where_),
                             recordsHash: try hash(n, "records_hash", where_), path: try hashes(n, where_))
        }
        before = try neighbour("before")
        after = try neighbour("after")
    }

    /// Checks everything with the operator's key: the checkpoint's signature, each record's path to its
    /// root and that it is of this case, the case's index entry listing exactly these records, and the
    /// neighbours bracketing the case's key. Returns the records, in sequence order.
    public func verify(key: Curve25519.Signing.PublicKey) throws(AuditError) -> [RecordView] {
        let views = try InclusionProof(checkpoint: checkpoint, entries: records).verify(key: key)
        guard let indexRoot = checkpoint.indexRoot else {
            throw AuditError(.proof, "the proof's checkpoint signs no case index (a version 1 checkpoint): it cannot show that a case's records are complete")
        }
        let id = TextEscaping.escaped(caseID)
        for v in views where Array(v.caseID.utf8) != Array(caseID.utf8) {
            throw AuditError(.proof, "record \(v.seq) is of case `\(TextEscaping.escaped(v.caseID))`, not of case `\(id)`")
        }
        for (a, b) in zip(records, records.dropFirst()) where a.seq >= b.seq {
            throw AuditError(.proof, "the records are not in ascending sequence order (\(a.seq) before \(b.seq))")
        }
        let key = CaseIndex.key(caseID: caseID)
        let size = indexSize
        if records.isEmpty {
            guard entryPath.isEmpty else { throw AuditError(.proof, "the proof lists no record of case `\(id)` but gives an index entry path") }
            guard position <= size else { throw AuditError(.proof, "the index position \(position) is beyond the index's \(size) entries") }
        } else {
            let listed = records.map { CaseIndex.IndexedRecord(seq: $0.seq, leaf: Merkle.leafHash($0.record)) }
            let leaf = CaseIndex.entryLeafHash(key: key, recordsHash: CaseIndex.recordsHash(listed))
            guard Merkle.verifyInclusion(leaf: leaf, index: position, size: size, path: entryPath, root: indexRoot) else {
                throw AuditError(.proof, "the case index the checkpoint signs does not list exactly the \(records.count) record\(records.count == 1 ? "" : "s") given for case `\(id)` (at position \(position)): a record was left out, added or altered")
            }
        }
        let found = !records.isEmpty
        // The entries next to the case's place: before it at position − 1, after it at position + 1
        // (found) or at position (not found); missing only at the index's ends.
        let beforeAt: UInt64? = position == 0 ? nil : position - 1
        let afterAt: UInt64? = (found ? position + 1 : position) < size ? (found ? position + 1 : position) : nil
        for (name, n, expected, below) in [("before", before, beforeAt, true), ("after", after, afterAt, false)] {
            guard let expected else {
                if n != nil { throw AuditError(.proof, "the index has no entry \(name) position \(position), yet the proof gives one") }
                continue
            }
            guard let n else { throw AuditError(.proof, "the index entry \(name) the case's (position \(expected)) is missing: without it another entry for case `\(id)` could be hidden") }
            guard n.position == expected else { throw AuditError(.proof, "the index entry \(name) the case's is at position \(n.position), not next to it (\(expected))") }
            let ordered = below ? n.key.lexicographicallyPrecedes(key) : key.lexicographicallyPrecedes(n.key)
            guard ordered else { throw AuditError(.proof, "the index entry at position \(n.position) does not sort \(name) case `\(id)`'s key: it could be another entry for the case") }
            let leaf = CaseIndex.entryLeafHash(key: n.key, recordsHash: n.recordsHash)
            guard Merkle.verifyInclusion(leaf: leaf, index: n.position, size: size, path: n.path, root: indexRoot) else {
                throw AuditError(.proof, "the index entry at position \(n.position) is not in the case index the checkpoint signs")
            }
        }
        if size == 0, found { throw AuditError(.proof, "an empty index lists no case") }
        return views
    }
}
