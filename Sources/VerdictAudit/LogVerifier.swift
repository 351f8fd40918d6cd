import Crypto
import Foundation
import Verdict

/// What `verify` found when the log is intact.
public struct VerifyReport: Sendable {
    public var records: UInt64
    public var root: Hash
    public var checkpoints: Int
    /// Key fingerprints the checkpoints were checked against.
    public var keys: [String]
    /// Whether the operator's key was given (else the keys the log names were used).
    public var operatorKey: Bool
    public var policies: [(digest: String, name: String, version: String)]
    /// Records appended since the latest checkpoint (no signature covers them yet).
    public var uncheckpointed: UInt64
}

/// Recomputes the whole tree from the records and checks it against everything the log committed
/// to: each record's position and leaf hash, the stored tree nodes, the tree state, each checkpoint's
/// signature and root, each checkpoint's consistency with the one before, and the policy archive.
/// Throws at the first problem, naming the record by sequence number where it can.
public enum LogVerifier {
    public static func verify(_ log: any DecisionLog, key: Curve25519.Signing.PublicKey? = nil) throws -> VerifyReport {
        let state = try log.treeState()
        var storedNodes: [UInt64: Hash] = [:]   // key: level << 56 | index
        for n in try log.nodes() { storedNodes[UInt64(n.level) << 56 | n.index] = n.hash }
        let checkpoints = try log.checkpoints()
        var keys: [String] = []
        for (i, c) in checkpoints.enumerated() {
            let name = "checkpoint #\(i + 1) (\(c.size) records, signed \(c.time))"
            guard c.logID == log.logID else {
                throw AuditError(.tampered, "\(name) belongs to another log (\(c.logID), this is \(log.logID))")
            }
            if let key {
                guard c.signatureValid(with: key) else {
                    throw AuditError(.key, c.publicKey == Array(key.rawRepresentation)
                        ? "\(name): its signature does not verify: the checkpoint was altered"
                        : "\(name) was not signed by the key given (it names key \(c.keyFingerprint), the key given is \(AuditKeys.fingerprint(Array(key.rawRepresentation))))")
                }
            } else {
                guard c.signatureValid() else { throw AuditError(.tampered, "\(name): its signature does not verify: the checkpoint was altered") }
            }
            if !keys.contains(c.keyFingerprint) { keys.append(c.keyFingerprint) }
            if i > 0, c.size < checkpoints[i - 1].size {
                throw AuditError(.tampered, "\(name) does not extend checkpoint #\(i) (\(checkpoints[i - 1].size) records): the log shrank between them")
            }
        }
        var bySize: [UInt64: [Int]] = [:]
        for (i, c) in checkpoints.enumerated() { bySize[c.size, default: []].append(i) }
        var lastGood: UInt64 = 0
        func checkRoot(_ f: MerkleFrontier) throws {
            guard let idx = bySize[f.size] else { return }
            let root = f.root
            for i in idx where checkpoints[i].root != root {
                let c = checkpoints[i]
                throw AuditError(.tampered, "the records no longer match checkpoint #\(i + 1) (signed \(c.time) over \(c.size) records): a record in \(lastGood)...\(c.size - 1) was altered, inserted, deleted or reordered and its hashes rewritten")
            }
            lastGood = f.size
        }

        var f = MerkleFrontier()
        if bySize[0] != nil { try checkRoot(f) }
        var digests: [String: UInt64] = [:]
        var lastDigest = ""
        try log.scan(from: 0, until: nil) { chunk in
            for r in chunk {
                let expected = f.size
                if r.seq != expected {
                    throw AuditError(.tampered, expected == 0 ? "record 0 was deleted (the log starts at record \(r.seq))"
                        : r.seq - expected == 1 ? "record \(expected) was deleted (the log jumps from \(expected - 1) to \(r.seq))"
                        : "records \(expected)...\(r.seq - 1) were deleted (the log jumps from \(expected - 1) to \(r.seq))")
                }
                guard let embedded = r.embeddedSeq else {
                    throw AuditError(.tampered, "record \(r.seq) was altered: its content is no longer a record Verdict wrote")
                }
                if embedded != r.seq {
                    throw AuditError(.tampered, "record \(r.seq) holds the content of record \(embedded): records were reordered or inserted at \(min(embedded, r.seq))")
                }
                let leaf = Merkle.leafHash(r.body)
                if leaf != r.leaf {
                    throw AuditError(.tampered, "record \(r.seq) was altered: its content no longer matches its leaf hash")
                }
                if !Self.contains(r.body, Array("\"digest\":".utf8) + Array(JSONWriter.quoted(r.digest).utf8))
                    || !Self.contains(r.body, Array(",\"case\":".utf8) + Array(JSONWriter.quoted(r.caseID).utf8) + [44]) {
                    throw AuditError(.tampered, "record \(r.seq): its index columns (case `\(r.caseID)`, \(r.digest)) disagree with its content: edited by hand")
                }
                if r.digest != lastDigest, digests[r.digest] == nil { digests[r.digest] = r.seq }
                lastDigest = r.digest
                var nodeProblem: AuditError?
                f.append(leaf) { level, index, hash in
                    guard level >= storedNodeLevel, nodeProblem == nil else { return }
                    let first = index << UInt64(level), last = first + (1 << UInt64(level)) - 1
                    guard let stored = storedNodes[UInt64(level) << 56 | index] else {
                        nodeProblem = AuditError(.tampered, "the tree node over records \(first)...\(last) is missing: deleted by hand")
                        return
                    }
                    if stored != hash {
                        nodeProblem = AuditError(.tampered, "the tree node over records \(first)...\(last) does not match them: a record in that range was altered and its leaf hash rewritten")
                    }
                }
                if let nodeProblem { throw nodeProblem }
                try checkRoot(f)
            }
            return true
        }
        if f.size < state.size {
            throw AuditError(.tampered, f.size + 1 == state.size ? "record \(f.size) was deleted (the log's tree counts \(state.size) records)"
                : "records \(f.size)...\(state.size - 1) were deleted (the log's tree counts \(state.size) records, \(f.size) remain)")
        }
        if f.size > state.size {
            throw AuditError(.tampered, "record \(state.size) was inserted outside Verdict (the log's tree counts \(state.size) records, \(f.size) are stored)")
        }
        if f != state {
            throw AuditError(.tampered, "the log's tree state does not match its records: `verdict_state` was edited by hand")
        }
        if let beyond = checkpoints.enumerated().first(where: { $0.element.size > f.size }) {
            throw AuditError(.tampered, "checkpoint #\(beyond.offset + 1) covers \(beyond.element.size) records but the log holds \(f.size): records \(f.size)...\(beyond.element.size - 1) were deleted")
        }
        let expectedNodes = storedNodes.count
        var counted = 0
        // Every stored node must be one the records complete (an extra node is an insertion by hand).
        for (k, _) in storedNodes {
            let level = UInt8(k >> 56), index = k & ((1 << 56) - 1)
            if (index + 1) << UInt64(level) <= f.size && level >= storedNodeLevel { counted += 1 }
        }
        if counted != expectedNodes { throw AuditError(.tampered, "the log holds tree nodes that no records complete: inserted by hand") }

        // Consistency: each checkpoint extends the one before (RFC 9162 2.1.4), proven from the tree just checked.
        for i in checkpoints.indices.dropFirst() {
            let a = checkpoints[i - 1], b = checkpoints[i]
            guard a.size > 0 else { continue }
            let proof = try Merkle.consistencyProof(from: a.size, to: b.size) { lo, hi in try log.subtreeHash(lo, hi) }
            guard Merkle.verifyConsistency(first: a.size, second: b.size, firstRoot: a.root, secondRoot: b.root, proof: proof) else {
                throw AuditError(.tampered, "checkpoint #\(i + 1) (\(b.size) records) does not extend checkpoint #\(i) (\(a.size) records)")
            }
        }

        var policies: [(String, String, String)] = []
        for (digest, seq) in digests.sorted(by: { $0.value < $1.value }) {
            guard let archived = try log.policy(digest: digest) else {
                throw AuditError(.archive, "record \(seq) was decided by policy \(digest), which is missing from the archive")
            }
            _ = try archived.compile()
            policies.append((digest, archived.name, archived.version))
        }
        let latest = checkpoints.last?.size ?? 0
        return VerifyReport(records: f.size, root: f.root, checkpoints: checkpoints.count, keys: keys, operatorKey: key != nil,
                            policies: policies, uncheckpointed: f.size - latest)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var j = 1
                        while j < n.count && h[i + j] == n[j] { j += 1 }
                        if j == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }
}

extension JSONWriter {
    static func quoted(_ s: String) -> String {
        var w = JSONWriter()
        w.string(s)
        return w.output
    }
}
