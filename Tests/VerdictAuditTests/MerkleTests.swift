import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// RFC 9162's tree, proofs and verification, checked against the recursive definition (MTH).
@Suite("Merkle tree (RFC 9162)")
struct MerkleTests {
    static func leaves(_ n: Int) -> [Hash] { (0..<n).map { Merkle.leafHash(Array("leaf \($0)".utf8)) } }

    /// MTH(D[lo:hi]) straight from the RFC's definition.
    static func mth(_ l: [Hash], _ lo: Int, _ hi: Int) -> Hash {
        let n = hi - lo
        if n == 0 { return Merkle.emptyRoot }
        if n == 1 { return l[lo] }
        var k = 1
        while k << 1 < n { k <<= 1 }
        return Merkle.nodeHash(mth(l, lo, lo + k), mth(l, lo + k, hi))
    }

    @Test func hashingIsDomainSeparated() {
        // SHA-256 of the single byte 0x00: the leaf hash of the empty record.
        #expect(Merkle.leafHash([]).hexText == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(Merkle.emptyRoot.hexText == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let a = Merkle.leafHash([1]), b = Merkle.leafHash([2])
        var bytes: [UInt8] = [1]; bytes += a; bytes += b
        #expect(Merkle.nodeHash(a, b) == Array(SHA256.hash(data: bytes)))
    }

    @Test func frontierRootMatchesDefinitionAndStoresAlignedNodes() {
        let l = Self.leaves(300)
        var f = MerkleFrontier()
        #expect(f.root == Merkle.emptyRoot)
        for (i, leaf) in l.enumerated() {
            f.append(leaf) { level, index, hash in
                let lo = Int(index) << Int(level), hi = lo + (1 << Int(level))
                #expect(hi == i + 1)
                #expect(hash == Self.mth(l, lo, hi))
            }
            #expect(f.root == Self.mth(l, 0, i + 1), "size \(i + 1)")
            #expect(MerkleFrontier(bytes: f.bytes) == f)
        }
        #expect(MerkleFrontier(bytes: [1, 2, 3]) == nil)
        var bad = f.bytes
        bad[7] ^= 1   // the size no longer matches the levels
        #expect(MerkleFrontier(bytes: bad) == nil)
    }

    @Test func inclusionProofsForEveryLeafOfEverySize() {
        let l = Self.leaves(70)
        for n in 1...70 {
            let root = Self.mth(l, 0, n)
            for m in 0..<n {
                let path = Merkle.inclusionPath(leaf: UInt64(m), size: UInt64(n)) { Self.mth(l, Int($0), Int($1)) }
                #expect(Merkle.verifyInclusion(leaf: l[m], index: UInt64(m), size: UInt64(n), path: path, root: root), "leaf \(m) of \(n)")
                // A different leaf, index, size or a tampered path must fail.
                #expect(!Merkle.verifyInclusion(leaf: l[(m + 1) % 70], index: UInt64(m), size: UInt64(n), path: path, root: root))
                if n > 1 {
                    #expect(!Merkle.verifyInclusion(leaf: l[m], index: UInt64((m + 1) % n), size: UInt64(n), path: path, root: root))
                    var bad = path
                    bad[bad.count / 2][0] ^= 0x80
                    #expect(!Merkle.verifyInclusion(leaf: l[m], index: UInt64(m), size: UInt64(n), path: bad, root: root))
                    #expect(!Merkle.verifyInclusion(leaf: l[m], index: UInt64(m), size: UInt64(n), path: path + [l[0]], root: root))
                }
            }
        }
    }

    @Test func consistencyProofsBetweenEveryPairOfSizes() {
        let l = Self.leaves(40)
        for n in 1...40 {
            let second = Self.mth(l, 0, n)
            for m in 1...n {
                let first = Self.mth(l, 0, m)
                let proof = Merkle.consistencyProof(from: UInt64(m), to: UInt64(n)) { Self.mth(l, Int($0), Int($1)) }
                #expect(Merkle.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: first, secondRoot: second, proof: proof), "\(m) → \(n)")
                if m < n {
                    // A forked history (another leaf at m-1) is not consistent.
                    var forked = l
                    forked[m - 1] = Merkle.leafHash(Array("fork".utf8))
                    #expect(!Merkle.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: first, secondRoot: Self.mth(forked, 0, n), proof: proof))
                    if !proof.isEmpty {
                        var bad = proof
                        bad[0][5] ^= 1
                        #expect(!Merkle.verifyConsistency(first: UInt64(m), second: UInt64(n), firstRoot: first, secondRoot: second, proof: bad))
                    }
                }
            }
        }
    }

    @Test func canonicalJSONSortsKeepsNumbersAndIsIdempotent() throws {
        let input = Array(#"{ "b": 1, "a": {"z": [1, 2.50, -3e2], "y": "é\n\"" }, "cost": 300.10, "name": "X" }"#.utf8)
        let c = try CanonicalJSON.canonical(input)
        #expect(String(decoding: c, as: UTF8.self) == #"{"a":{"y":"é\n\"","z":[1,2.50,-3e2]},"b":1,"cost":300.10,"name":"X"}"#)
        #expect(try CanonicalJSON.canonical(c) == c)
        let dropped = try CanonicalJSON.canonical(input, dropping: ["name", "b"])
        #expect(String(decoding: dropped, as: UTF8.self) == #"{"a":{"y":"é\n\"","z":[1,2.50,-3e2]},"cost":300.10}"#)
        #expect(throws: JSONSyntaxError.self) { try CanonicalJSON.canonical(Array("{\"a\":".utf8)) }
    }

    @Test func fastCanonicalFormEqualsTheGeneralOne() throws {
        func general(_ s: String, _ drop: Set<String> = []) throws -> [UInt8] {
            var out: [UInt8] = []
            CanonicalJSON.write(try JSONReader.parse(Array(s.utf8)), to: &out, dropping: drop)
            return out
        }
        var inputs = try generatedCases(300)
        inputs += [#"{}"#, #" { "b" : [1, {"y": "\"q\"", "x": 2}], "a" : -0.50e+2 , "c": null, "d": true } "#,
                   #"{"é": "ü", "e": "z", "z": {"k": [ ]}}"#, #"{"a": "x\ny"}"#, #"{"list": ["b", "a"], "id": "1"}"#]
        for s in inputs {
            let g = try general(s)
            #expect(try CanonicalJSON.canonical(Array(s.utf8)) == g, "\(s)")
            #expect(try CanonicalJSON.canonical(Array(s.utf8), dropping: ["id", "d"]) == (try general(s, ["id", "d"])))
        }
        // Not objects, or broken: the general path decides (and reports the error).
        #expect(try CanonicalJSON.canonical(Array("[1, 2]".utf8)) == Array("[1,2]".utf8))
        #expect(throws: JSONSyntaxError.self) { try CanonicalJSON.canonical(Array(#"{"a": 1,}"#.utf8)) }
        #expect(throws: JSONSyntaxError.self) { try CanonicalJSON.canonical(Array(#"{"a": [1}"#.utf8)) }
    }

    @Test func keysRoundTripAndRefuseTheWrongKind() throws {
        let k = AuditKeys.generate()
        let priv = try AuditKeys.privateKey(file: k.privateFile, path: "k")
        let pub = try AuditKeys.publicKey(file: k.publicFile, path: "k.pub")
        #expect(pub.rawRepresentation == priv.publicKey.rawRepresentation)
        #expect(throws: AuditError.self) { try AuditKeys.privateKey(file: k.publicFile, path: "k.pub") }
        #expect(throws: AuditError.self) { try AuditKeys.publicKey(file: "hello", path: "x") }
        #expect(throws: AuditError.self) { try AuditKeys.privateKey(file: "verdict-ed25519-private-key AAAA", path: "x") }
        let c = try Checkpoint.sign(logID: "L", size: 3, root: Merkle.emptyRoot, time: Timestamp(millisecondsSinceEpoch: 0), key: priv)
        #expect(c.signatureValid(with: pub))
        var altered = c
        altered.size = 4
        #expect(!altered.signatureValid(with: pub))
        #expect(!c.signatureValid(with: AuditKeys.generate().privateKey.publicKey))
    }
}

@Suite("policy archive")
struct ArchiveTests {
    @Test func archivedFilesIncludingCalendarsReproduceTheDigestAndTheExplanation() throws {
        let folder = shippedPolicyPath("customer-complaints")
        let policy = try CompiledPolicy.load(directory: folder)
        let a = try ArchivedPolicy(policy: policy, folder: folder)
        #expect(a.files.contains { $0.included && $0.path == "../calendars/cn-office.yaml" })
        #expect(a.files.filter(\.included).count == 1)
        let again = try a.compile()
        #expect(again.identity == policy.identity)
        #expect(again.sources.map(\.path) == policy.sources.map(\.path))
        // Stored and read back as JSON, it is the same.
        let files = try ArchivedPolicy.files(json: a.filesJSON, digest: a.digest)
        #expect(files == a.files)
    }

    @Test func anEditedArchiveEntryIsRefused() throws {
        let folder = shippedPolicyPath("quality-complaints")
        var a = try ArchivedPolicy(policy: try CompiledPolicy.load(directory: folder), folder: folder)
        a.files[0].text += "\n# edited\n"
        #expect { try a.compile() } throws: { ($0 as? AuditError)?.kind == .archive && "\($0)".contains("was altered") }
        #expect(throws: AuditError.self) { try ArchivedPolicy.files(json: "[{\"path\": 1}]", digest: "d") }
        #expect(throws: AuditError.self) { try ArchivedPolicy.files(json: "not json", digest: "d") }
    }

    @Test func unreadPersonalFieldsAreNotRecorded() throws {
        let policy = try CompiledPolicy.load(directory: shippedPolicyPath("after-sales-template"))
        #expect(DecisionLogWriter.unrecordedFields(of: policy) == ["customer_name", "customer_phone", "customer_address"])
        let q = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(DecisionLogWriter.unrecordedFields(of: q).isEmpty)
        #expect(q.fieldSchema.allSatisfy { $0.read || $0.name == "id" || !$0.personal })
    }
}
