import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 35, item 2: a proof of one record by sequence number reveals no other, and a completeness
/// proof shows a case has exactly its records — removing one from the file fails — on both backends;
/// a log whose checkpoints predate the case index still verifies.
@Suite("exact and complete proofs", .serialized)
struct ExactProofTests {
    typealias Behaviour = DecisionLogBehaviourTests

    /// A fresh log of `count` decisions of the shipped examples (ids `K-0`, `K-1`, …) and a key pair.
    static func fixture(_ backend: Backend, count: Int) throws -> Behaviour.Fixture {
        let folder = try temporaryFolder(backend.rawValue)
        let examples = try ["henan-tier3", "pig-hair"].map {
            try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/\($0).json", encoding: .utf8)
                .replacingOccurrences(of: "\n", with: " ")
        }
        let cases = (0..<count).map { i in
            examples[i % 2].replacingOccurrences(of: #"Q-2026-00\d\d"#, with: "K-\(i)", options: .regularExpression)
        }
        let f = Behaviour.Fixture(backend: backend, folder: folder, location: try backend.freshLocation(in: folder), cases: cases)
        let k = try verdict(["audit", "keygen", "--out", f.key])
        #expect(k.status == 0, "\(k.stderr)")
        let r = try f.decide(cases)
        #expect(r.status == 0 && r.stdout.split(separator: "\n").count == count, "\(r.stderr)")
        return f
    }

    /// The case ids of a fixture's cases, in order.
    static func caseIDs(_ f: Behaviour.Fixture) -> [String] { f.cases.map(Behaviour.caseID) }

    func proofJSON(_ file: String) throws -> JSONValue { try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file)))) }

    func write(_ v: JSONValue, _ file: String) throws {
        var bytes: [UInt8] = []
        CanonicalJSON.writeInOrder(v, to: &bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
    }

    /// `v` with its top-level `records` list replaced by `change(records)`.
    func editingRecords(_ v: JSONValue, _ change: ([JSONValue]) -> [JSONValue]) -> JSONValue {
        guard case .object(var top) = v, let i = top.firstIndex(where: { $0.key == "records" }), case .array(let recs) = top[i].value else { return v }
        top[i].value = .array(change(recs))
        return .object(top)
    }

    @Test func oneRecordByNumberAndACaseCompleteOnSQLite() throws { try oneRecordByNumberAndACaseComplete(.sqlite) }
    @Test(.needsPostgreSQL) func oneRecordByNumberAndACaseCompleteOnPostgreSQL() throws { try oneRecordByNumberAndACaseComplete(.postgres) }
    func oneRecordByNumberAndACaseComplete(_ backend: Backend) throws {
        let f = try Self.fixture(backend, count: 40)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // Leaves: the batch's activation (0), records 1...40, its retirement (41). The case of record 1
        // is decided again by a second batch (42, record 43, 44): two records share its id.
        #expect(try f.decide([f.cases[0]]).status == 0)
        #expect(try f.checkpoint().status == 0)
        let id = Behaviour.caseID(f.cases[0])
        let seqFile = f.folder.appendingPathComponent("seq.json").path
        let p = try f.audit(["proof", "--seq", "43", "--log", f.location, "--out", seqFile])
        #expect(p.status == 0, "\(p.stderr)")
        let text = try String(contentsOfFile: seqFile, encoding: .utf8)
        #expect(text.contains(#"\"seq\":43,"#) && !text.contains(#"\"seq\":1,"#), "a proof by number holds that record only")
        let ok = try f.audit(["verify-proof", seqFile, "--key", f.pub])
        #expect(ok.status == 0 && ok.stdout.contains("proof verified: 1 record") && ok.stdout.contains("record 43: case \(id)"), "\(ok.stderr)")
        let missing = try f.audit(["proof", "--seq", "4000", "--log", f.location])
        #expect(missing.status == 2 && missing.stderr.contains("no decision record 4000"))
        let both = try f.audit(["proof", id, "--seq", "1", "--log", f.location])
        #expect(both.status == 2 && both.stderr.contains("not both"))

        let complete = f.folder.appendingPathComponent("complete.json").path
        let c = try f.audit(["proof", id, "--complete", "--log", f.location, "--out", complete])
        #expect(c.status == 0, "\(c.stderr)")
        let proven = try f.audit(["verify-proof", complete, "--key", f.pub])
        #expect(proven.status == 0, "\(proven.stderr)")
        #expect(proven.stdout.contains("completeness proven: case \(id) has exactly 2 decision records"))
        #expect(proven.stdout.contains("record 1: case \(id)") && proven.stdout.contains("record 43: case \(id)"))

        // Withholding either record, or adding another case's, fails.
        let v = try proofJSON(complete)
        for (name, change) in [("last", { (r: [JSONValue]) in Array(r.dropLast()) }), ("first", { (r: [JSONValue]) in Array(r.dropFirst()) })] {
            let file = complete + ".\(name)"
            try write(editingRecords(v, change), file)
            let r = try f.audit(["verify-proof", file, "--key", f.pub])
            #expect(r.status == 1 && r.stderr.contains("does not list exactly the 1 record given"), "\(name): \(r.stdout)\(r.stderr)")
        }
        let seqProof = try proofJSON(seqFile)
        guard case .array(let extra)? = seqProof.member("records") else { Issue.record("no records"); return }
        let one = try f.audit(["proof", "--seq", "2", "--log", f.location])
        guard case .array(let record2)? = try JSONReader.parse(one.stdout).member("records") else { Issue.record("no records"); return }
        try write(editingRecords(v) { $0 + record2 }, complete + ".added")
        let added = try f.audit(["verify-proof", complete + ".added", "--key", f.pub])
        #expect(added.status == 1 && added.stderr.contains("not of case"), "\(added.stderr)")
        #expect(extra.count == 1)

        // A case with no record is proven to have none; the claim of none for a recorded case fails.
        let absent = f.folder.appendingPathComponent("absent.json").path
        #expect(try f.audit(["proof", "NO-SUCH-CASE", "--complete", "--log", f.location, "--out", absent]).status == 0)
        let none = try f.audit(["verify-proof", absent, "--key", f.pub])
        #expect(none.status == 0 && none.stdout.contains("has exactly 0 decision records"), "\(none.stderr)")
        let absentText = try String(contentsOfFile: absent, encoding: .utf8)
        try absentText.replacingOccurrences(of: #""case":"NO-SUCH-CASE""#, with: "\"case\":\"\(id)\"").write(toFile: absent + ".lie", atomically: true, encoding: .utf8)
        let lie = try f.audit(["verify-proof", absent + ".lie", "--key", f.pub])
        #expect(lie.status == 1, "\(lie.stdout)")

        // The whole log verifies, the case index included; the library agrees with the command.
        let verified = try f.verify()
        #expect(verified.status == 0, "\(verified.stderr)")
        let log = try f.open()
        defer { log.close() }
        let proof = try CompletenessProof.make(log: log, caseID: id)
        let key = try AuditKeys.publicKey(file: try String(contentsOfFile: f.pub, encoding: .utf8), path: f.pub)
        #expect(try proof.verify(key: key).map(\.seq) == [1, 43])
        #expect(proof.checkpoint.message.hasPrefix("verdict decision log checkpoint v2\n"))
        #expect(try proof.checkpoint.indexRoot == CaseIndex.of(log, size: 45).root)
    }

    /// The index itself: sorted by SHA-256 of the case id, each key once, records in sequence order,
    /// its root the RFC 9162 tree of the entries' leaves, and every entry's path leading to it.
    @Test func theCaseIndexIsSortedByKeyAndItsPathsLeadToItsRoot() throws {
        let leaf = { (n: UInt8) in [UInt8](repeating: n, count: 32) }
        let rows: [(caseID: String, seq: UInt64, leaf: Hash)] = [("b", 3, leaf(3)), ("a", 0, leaf(0)), ("b", 1, leaf(1)), ("c", 2, leaf(2)), ("a", 9, leaf(9))]
        let index = CaseIndex(records: rows, below: 4)
        #expect(index.entries.count == 3)
        #expect(zip(index.entries, index.entries.dropFirst()).allSatisfy { $0.key.lexicographicallyPrecedes($1.key) })
        let b = index.entries[index.position(of: CaseIndex.key(caseID: "b")).index]
        #expect(b.records.map(\.seq) == [1, 3])
        #expect(index.entries[index.position(of: CaseIndex.key(caseID: "a")).index].records.map(\.seq) == [0], "record 9 is beyond the size")
        #expect(Array(SHA256.hash(data: [3] + b.key + CaseIndex.recordsHash(b.records))) == b.leafHash)
        #expect(Array(SHA256.hash(data: [0, 0, 0, 0, 0, 0, 0, 1] + leaf(1) + [0, 0, 0, 0, 0, 0, 0, 3] + leaf(3))) == b.recordsHash)
        for i in index.entries.indices {
            #expect(Merkle.verifyInclusion(leaf: index.leaves[i], index: UInt64(i), size: 3, path: index.path(i), root: index.root))
        }
        #expect(CaseIndex(records: [], below: 10).root == Merkle.emptyRoot)
        #expect(!index.position(of: CaseIndex.key(caseID: "d")).found)
    }

    /// A log made before the case index (its checkpoints sign the five-line v1 message, its table has
    /// no `index_root`): it verifies read-only; a completeness proof says why there is none; the next
    /// checkpoint adds the column and signs an index, consistent with the old one.
    @Test func aLogWhoseCheckpointsPredateTheIndexStillVerifies() throws {
        let f = try Self.fixture(.sqlite, count: 20)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        try f.sql("ALTER TABLE verdict_checkpoints DROP COLUMN index_root")
        let log = try f.open()
        let state = try log.treeState()
        let logID = log.logID
        log.close()
        let priv = try AuditKeys.privateKey(file: try String(contentsOfFile: f.key, encoding: .utf8), path: f.key)
        let v1 = try Checkpoint.sign(logID: logID, size: state.size, root: state.root, time: try Timestamp(rfc3339: "2026-03-31T10:00:00Z"), key: priv)
        #expect(state.size == 22, "the batch's activation, 20 records, its retirement")
        #expect(v1.message == "verdict decision log checkpoint v1\n\(logID)\n22\n\(state.root.hex)\n\(v1.time)\n")
        try f.sql("INSERT INTO verdict_checkpoints (log_id, size, root, time, key, signature) VALUES ('\(logID)', 22, X'\(state.root.hex)', '\(v1.time)', X'\(v1.publicKey.hex)', X'\(v1.signature.hex)')")
        let path = String(f.location.dropFirst("sqlite:".count))
        #expect(chmod(path, 0o444) == 0)
        let old = try f.verify()
        #expect(old.status == 0 && old.stdout.contains("1 checkpoint, each signature valid"), "\(old.stderr)")
        let id = Behaviour.caseID(f.cases[0])
        #expect(try f.audit(["proof", id, "--log", f.location]).status == 0)
        let none = try f.audit(["proof", id, "--complete", "--log", f.location])
        #expect(none.status == 2 && none.stderr.contains("made before the case index"), "\(none.stderr)")
        #expect(chmod(path, 0o644) == 0)
        #expect(try f.decide([f.cases[1]]).status == 0)
        #expect(try f.checkpoint().stdout.contains("checkpoint #2: 25 records"))
        let both = try f.verify()
        #expect(both.status == 0 && both.stdout.contains("each consistent with the one before"), "\(both.stderr)")
        #expect(try f.audit(["proof", id, "--complete", "--log", f.location]).status == 0)
    }
}
