import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// The same behaviour on both backends: record, verify, show, prove, replay, export, and every kind
/// of tampering named by sequence number.
@Suite("decision log behaviour", .serialized)
struct DecisionLogBehaviourTests {
    static let now = "2026-03-05T10:00:00+08:00"

    /// A fresh log with `count` decisions of generated cases and a key pair; throws when the backend is unavailable.
    struct Fixture {
        var backend: Backend
        var folder: URL
        var location: String
        var key: String { folder.appendingPathComponent("op.key").path }
        var pub: String { key + ".pub" }
        var cases: [String]

        func decide(_ cases: [String], policies: String = shippedPolicyPath("quality-complaints"), now: String = DecisionLogBehaviourTests.now) throws -> Run {
            let file = folder.appendingPathComponent("batch-\(UUID().uuidString.prefix(6)).jsonl")
            try write(cases, to: file)
            return try verdict(["decide", "--policies", policies, "--batch", file.path, "--log", location, "--now", now])
        }

        func audit(_ args: [String]) throws -> Run { try verdict(["audit"] + args) }
        func verify() throws -> Run { try audit(["verify", "--log", location, "--key", pub]) }
        func checkpoint() throws -> Run { try audit(["checkpoint", "--log", location, "--key", key]) }
        func sql(_ s: String) throws { try backend.execute(location, s) }
        func open() throws -> any DecisionLog {
            PostgresDecisionLog.registerScheme()
            return try DecisionLogs.open(location, create: false)
        }
    }

    static func fixture(_ backend: Backend, count: Int = 300, checkpoint: Bool = true) throws -> Fixture {
        let folder = try temporaryFolder(backend.rawValue)
        let location = try backend.freshLocation(in: folder)
        let f = Fixture(backend: backend, folder: folder, location: location, cases: try generatedCases(count))
        let k = try verdict(["audit", "keygen", "--out", f.key])
        #expect(k.status == 0, "\(k.stderr)")
        let r = try f.decide(f.cases)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == count)
        if checkpoint {
            let c = try f.checkpoint()
            #expect(c.status == 0, "\(c.stderr)")
        }
        return f
    }

    static func caseID(_ line: String) -> String {
        guard case .string(let s)? = try? JSONReader.parse(line).member("id") else { return "" }
        return s
    }

    @Test func recordsVerifiesShowsAndProvesWithoutTheLogOnSQLite() throws { try recordsVerifiesShowsAndProvesWithoutTheLog(.sqlite) }
    @Test(.needsPostgreSQL) func recordsVerifiesShowsAndProvesWithoutTheLogOnPostgreSQL() throws { try recordsVerifiesShowsAndProvesWithoutTheLog(.postgres) }
    func recordsVerifiesShowsAndProvesWithoutTheLog(_ backend: Backend) throws {
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // More decisions, a second checkpoint: both signatures and their consistency are checked. Each
        // batch's version is activated before its decisions and retired after them (events 0 and 301,
        // 302 and 353): the first batch's records are 1...300, the second's 303...352.
        #expect(try f.decide(Array(f.cases.prefix(50))).status == 0)
        #expect(try f.checkpoint().stdout.contains("checkpoint #2: 354 records"))
        let v = try f.verify()
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("350 records and 4 events verified"))
        #expect(v.stdout.contains("2 checkpoints, each signature valid"))
        #expect(v.stdout.contains("each consistent with the one before"))
        #expect(v.stdout.contains("quality-complaints 1.0.0"))

        let id = Self.caseID(f.cases[0])
        let show = try f.audit(["show", id, "--log", f.location])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Case \(id): 2 decisions recorded"))
        #expect(show.stdout.contains("Record #1,") && show.stdout.contains("Record #303,"))
        #expect(show.stdout.components(separatedBy: "reproduced the recorded decision exactly").count == 3)
        #expect(show.stdout.contains("Decision 1:"))
        let zh = try f.audit(["show", id, "--log", f.location, "--lang", "zh"])
        #expect(zh.status == 0 && zh.stdout.contains("决策 1"))

        // The proof is checked by someone who has only the proof and the public key.
        let elsewhere = try temporaryFolder("regulator")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let proofFile = elsewhere.appendingPathComponent("proof.json").path
        let p = try f.audit(["proof", id, "--log", f.location, "--out", proofFile])
        #expect(p.status == 0, "\(p.stderr)")
        try FileManager.default.copyItem(atPath: f.pub, toPath: elsewhere.appendingPathComponent("op.pub").path)
        if backend == .sqlite { try FileManager.default.removeItem(at: f.folder.appendingPathComponent("log.db")) }
        let ok = try verdict(["audit", "verify-proof", "proof.json", "--key", "op.pub"], cwd: elsewhere)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("proof verified: 2 records"))
        #expect(ok.stdout.contains("record 1: case \(id)") && ok.stdout.contains("record 303: case \(id)"))
        let proofText = try String(contentsOfFile: proofFile, encoding: .utf8)
        #expect(!proofText.contains(Self.caseID(f.cases[1]) + "\\\""), "the proof reveals no other case")

        // A wrong key, an altered record, an altered path: each fails loudly.
        let other = elsewhere.appendingPathComponent("other.key").path
        _ = try verdict(["audit", "keygen", "--out", other])
        let wrong = try verdict(["audit", "verify-proof", proofFile, "--key", other + ".pub"])
        #expect(wrong.status == 1 && wrong.stderr.contains("not by the key given"))
        let altered = proofText.replacingOccurrences(of: #"\"tier\":"#, with: #"\"tier\":1"#)
        try altered.write(toFile: proofFile + ".a", atomically: true, encoding: .utf8)
        let a = try verdict(["audit", "verify-proof", proofFile + ".a", "--key", "\(elsewhere.path)/op.pub"])
        #expect(a.status != 0 && a.stderr.contains("error:"))
        var doc = try JSONReader.parse(proofText)
        if case .object(var top) = doc, let i = top.firstIndex(where: { $0.key == "records" }), case .array(var recs) = top[i].value,
           case .object(var r0) = recs[0], let pi = r0.firstIndex(where: { $0.key == "path" }), case .array(var path) = r0[pi].value, !path.isEmpty {
            path[0] = .string(String(repeating: "0", count: 64))
            r0[pi].value = .array(path); recs[0] = .object(r0); top[i].value = .array(recs); doc = .object(top)
        }
        var bytes: [UInt8] = []
        CanonicalJSON.writeInOrder(doc, to: &bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: proofFile + ".b"))
        let b = try verdict(["audit", "verify-proof", proofFile + ".b", "--key", "\(elsewhere.path)/op.pub"])
        #expect(b.status == 1 && b.stderr.contains("inclusion path does not lead to the checkpoint's root"))
    }

    /// Each way of tampering, on a fresh log, named by `verify` with a non-zero exit.
    @Test func tamperingIsNamedBySequenceNumberOnSQLite() throws { try tamperingIsNamedBySequenceNumber(.sqlite) }
    @Test(.needsPostgreSQL) func tamperingIsNamedBySequenceNumberOnPostgreSQL() throws { try tamperingIsNamedBySequenceNumber(.postgres) }
    func tamperingIsNamedBySequenceNumber(_ backend: Backend) throws {
        func expectVerifyFails(_ edit: (Fixture) throws -> Void, _ message: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
            let f = try Self.fixture(backend)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            #expect(try f.verify().status == 0, sourceLocation: sourceLocation)
            try edit(f)
            let v = try f.verify()
            #expect(v.status == 1, "\(v.stdout)", sourceLocation: sourceLocation)
            #expect(v.stderr.contains(message), "\(v.stderr)", sourceLocation: sourceLocation)
            #expect(!v.stdout.contains("✓"), sourceLocation: sourceLocation)
        }
        func rehash(_ f: Fixture, _ seq: Int) throws {
            let log = try f.open()
            defer { log.close() }
            let body = try #require(try log.record(seq: UInt64(seq))).body
            try f.sql(backend.setLeaf(seq: seq, hex: Merkle.leafHash(body).hexText))
        }
        try expectVerifyFails({ try $0.sql(try backend.editBody($0.location, seq: 5, from: #""outputs":{"#, to: #""outputs":{"x":1,"#)) },
                              "record 5 was altered: its content no longer matches its leaf hash")
        try expectVerifyFails({ f in
            try f.sql(try backend.editBody(f.location, seq: 5, from: #""outputs":{"#, to: #""outputs":{"x":1,"#))
            try rehash(f, 5)
        }, "the tree node over records 0...255 does not match them")
        try expectVerifyFails({ f in
            try f.sql(try backend.editBody(f.location, seq: 290, from: #""outputs":{"#, to: #""outputs":{"x":1,"#))
            try rehash(f, 290)
        }, "the records no longer match checkpoint #1")
        try expectVerifyFails({ try $0.sql("DELETE FROM verdict_records WHERE seq = 7") }, "record 7 was deleted (the log jumps from 6 to 8)")
        // The batch's records are 1...300, its retirement event 301.
        try expectVerifyFails({ try $0.sql("DELETE FROM verdict_records WHERE seq >= 297") }, "records 297...300 were deleted (the log jumps from 296 to 301)")
        try expectVerifyFails({ try $0.sql("UPDATE verdict_records SET seq = -1 WHERE seq = 3; UPDATE verdict_records SET seq = 3 WHERE seq = 4; UPDATE verdict_records SET seq = 4 WHERE seq = -1") },
                              "record 3 holds the content of record 4: records were reordered")
        try expectVerifyFails({ try $0.sql("INSERT INTO verdict_records (seq, recorded_at, case_id, digest, body, leaf) SELECT 302, recorded_at, case_id, digest, body, leaf FROM verdict_records WHERE seq = 10") },
                              "record 302 holds the content of record 10")
        try expectVerifyFails({ try $0.sql("UPDATE verdict_records SET case_id = 'someone-else' WHERE seq = 9") }, "record 9: its index columns")
        try expectVerifyFails({ try $0.sql("DELETE FROM verdict_policies") }, "which is missing from the archive")
        try expectVerifyFails({ try $0.sql("UPDATE verdict_policies SET files = replace(files, 'tier', 'tear')") }, "was altered: its files hash to")
        try expectVerifyFails({ try $0.sql("UPDATE verdict_checkpoints SET size = 299") }, "its signature does not verify")
        try expectVerifyFails({ try $0.sql("UPDATE verdict_state SET size = 301") }, "the tree state (`verdict_state`) is missing or corrupted")
        try expectVerifyFails({ try $0.sql("DELETE FROM verdict_nodes") }, "the tree node over records 0...255 is missing")
        try expectVerifyFails({ f in
            let other = f.folder.appendingPathComponent("other.key").path
            _ = try verdict(["audit", "keygen", "--out", other])
            #expect(try f.audit(["checkpoint", "--log", f.location, "--key", other]).status == 0)
        }, "was not signed by the key given")

        // `show` and `proof` refuse an altered record too.
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        try f.sql(try backend.editBody(f.location, seq: 1, from: #""outputs":{"#, to: #""outputs":{"x":1,"#))
        let id = Self.caseID(f.cases[0])
        let s = try f.audit(["show", id, "--log", f.location])
        #expect(s.status == 1 && s.stderr.contains("record 1 was altered"))
        let p = try f.audit(["proof", id, "--log", f.location])
        #expect(p.status == 1 && p.stderr.contains("record 1 was altered"))
    }

    /// The auditors' story: decided in March under 1.0.0; the folder then changes; the March
    /// explanation comes back under 1.0.0 from the archive; replay counts what 1.1.0 would change.
    @Test func showUsesTheArchivedVersionAndReplayCountsChangesOnSQLite() throws { try showUsesTheArchivedVersionAndReplayCountsChanges(.sqlite) }
    @Test(.needsPostgreSQL) func showUsesTheArchivedVersionAndReplayCountsChangesOnPostgreSQL() throws { try showUsesTheArchivedVersionAndReplayCountsChanges(.postgres) }
    func showUsesTheArchivedVersionAndReplayCountsChanges(_ backend: Backend) throws {
        let folder = try temporaryFolder("story")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        let policyDir = folder.appendingPathComponent("quality-complaints")
        try FileManager.default.copyItem(atPath: shippedPolicyPath("quality-complaints"), toPath: policyDir.path)
        let cases = try generatedCases(200, seed: 11)
        let file = folder.appendingPathComponent("march.jsonl")
        try write(cases, to: file)
        let d = try verdict(["decide", "--policies", policyDir.path, "--batch", file.path, "--log", location, "--now", "2026-03-05T10:00:00+08:00"])
        #expect(d.status == 0, "\(d.stderr)")
        let march = try CompiledPolicy.load(directory: policyDir.path)

        // The policy changes: version 1.1.0, the 300 yuan band becomes 500.
        for name in ["policy.yaml", "a5-approval.yaml"] {
            let u = policyDir.appendingPathComponent(name)
            var text = try String(contentsOf: u, encoding: .utf8)
            text = text.replacingOccurrences(of: #"version: "1.0.0""#, with: #"version: "1.1.0""#)
                .replacingOccurrences(of: "cost <= 300", with: "cost <= 500").replacingOccurrences(of: "cost in (300..1000]", with: "cost in (500..1000]")
            try text.write(to: u, atomically: true, encoding: .utf8)
        }
        let november = try CompiledPolicy.load(directory: policyDir.path)
        #expect(november.identity.version == "1.1.0" && november.identity.digest != march.identity.digest)

        let id = Self.caseID(cases[3])
        let show = try verdict(["audit", "show", id, "--log", location])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("under quality-complaints 1.0.0 (\(march.identity.digest), from the archive)"))
        let expected = try march.decide(json: Array(cases[3].utf8), explain: true, now: try Timestamp(rfc3339: "2026-03-05T10:00:00+08:00"))
        #expect(show.stdout.contains(expected.explanation!.text(.en)))
        #expect(show.stdout.contains("reproduced the recorded decision exactly"))

        // Replay: the counts agree with deciding each case under both versions here.
        var expectedChanges: [String: Int] = [:]
        for c in cases {
            let a = try march.decide(json: Array(c.utf8)), b = try november.decide(json: Array(c.utf8))
            if let x = a["approver"], let y = b["approver"], x != y { expectedChanges["approver: \(x) → \(y)", default: 0] += 1 }
        }
        #expect(!expectedChanges.isEmpty)
        let r = try verdict(["audit", "replay", "--log", location, "--policies", policyDir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("Replayed 200 recorded decisions under quality-complaints 1.1.0"))
        for (change, n) in expectedChanges {
            #expect(r.stdout.range(of: "  \(change) +\(n)  e.g. ", options: .regularExpression) != nil, "\(change) \(n)\n\(r.stdout)")
        }
        // Grouped by cause: the rule transitions, each old route decided again from the archived 1.0.0.
        #expect(r.stdout.contains("By rule (old → new):\n  approval: band-300-to-1000 → band-up-to-300 "), "\(r.stdout)")
        let j = try verdict(["audit", "replay", "--log", location, "--policies", policyDir.path, "--format", "json"])
        let doc = try JSONReader.parse(j.stdout)
        guard case .array(let changes)? = doc.member("outputs") else { Issue.record("no outputs in \(j.stdout)"); return }
        var listed = 0
        for ch in changes {
            guard case .string(let out)? = ch.member("output"), out == "approver", case .string(let from)? = ch.member("from"),
                  case .string(let to)? = ch.member("to"), case .number(let n)? = ch.member("count"), case .array(let ids)? = ch.member("cases") else { continue }
            #expect(expectedChanges["approver: \(from) → \(to)"] == Int(n))
            #expect(ids.count == Int(n)!)
            listed += 1
        }
        #expect(listed == expectedChanges.count)
        guard case .array(let transitions)? = doc.member("transitions"), case .object? = transitions.first?.member("from") else {
            Issue.record("no transitions with a known old route in \(j.stdout)"); return
        }
        // The same policy changes nothing; a range before every record holds none.
        let same = try verdict(["audit", "replay", "--log", location, "--policies", shippedPolicyPath("quality-complaints")])
        #expect(same.status == 0 && same.stdout.contains("0 would change, 200 unchanged"))
        let none = try verdict(["audit", "replay", "--log", location, "--policies", policyDir.path, "--until", "2020-01-01"])
        #expect(none.status == 0 && none.stdout.contains("Replayed 0 recorded decisions"))

        // Bounded (the console's draft check): only the log's latest 51 leaves are read — the last 50
        // records and the batch's retirement event (leaves 0 and 201 are its version events).
        let log = try DecisionLogs.open(location, create: false)
        defer { log.close() }
        let latest = try AuditTrail.replay(log: log, under: november, in: .init(), latest: 51)
        #expect(latest.decisions == 50 && latest.notRead == 151)
        var expectedLatest = 0
        for c in cases[150...] {
            let a = try march.decide(json: Array(c.utf8)), b = try november.decide(json: Array(c.utf8))
            if a["approver"] != b["approver"] { expectedLatest += 1 }
        }
        let changedLatest = latest.impact.changedOutputs.first { $0.output == "approver" }?.cases ?? 0
        #expect(changedLatest == expectedLatest)
        let all = try AuditTrail.replay(log: log, under: november, in: .init(), latest: 500)
        #expect(all.decisions == 200 && all.notRead == 0)
    }

    @Test func exportsJSONLinesAndKeepsUnreadPersonalFieldsOutOnSQLite() throws { try exportsJSONLinesAndKeepsUnreadPersonalFieldsOut(.sqlite) }
    @Test(.needsPostgreSQL) func exportsJSONLinesAndKeepsUnreadPersonalFieldsOutOnPostgreSQL() throws { try exportsJSONLinesAndKeepsUnreadPersonalFieldsOut(.postgres) }
    func exportsJSONLinesAndKeepsUnreadPersonalFieldsOut(_ backend: Backend) throws {
        let folder = try temporaryFolder("export")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        let policy = shippedPolicyPath("after-sales-template")
        let cases = try generatedCases(20, seed: 3, policy: "after-sales-template").map {
            $0.replacingOccurrences(of: #","customer_[a-z]+":"[^"]*""#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #""id":"#, with: #""customer_name":"Zhang San","customer_phone":"13800000000","id":"#)
        }
        let file = folder.appendingPathComponent("c.jsonl")
        try write(cases, to: file)
        let d = try verdict(["decide", "--policies", policy, "--batch", file.path, "--log", location, "--now", "2026-03-05T10:00:00+08:00"])
        #expect(d.status == 0, "\(d.stderr)")
        let e = try verdict(["audit", "export", "--log", location])
        #expect(e.status == 0)
        let lines = e.stdout.split(separator: "\n")
        #expect(lines.count == 20)
        #expect(!e.stdout.contains("Zhang San") && !e.stdout.contains("13800000000") && !e.stdout.contains("customer_"))
        for (i, l) in lines.enumerated() {
            // Leaf 0 is the batch's activation event: the records are 1...20.
            #expect(l.hasPrefix("{\"seq\":\(i + 1),"))
            let v = try RecordView(bytes: Array(l.utf8), seq: UInt64(i + 1), column: nil)
            #expect(v.policyName == "after-sales-template" && v.now != nil)
        }
        let show = try verdict(["audit", "show", Self.caseID(cases[0]), "--log", location])
        #expect(show.status == 0 && show.stdout.contains("reproduced the recorded decision exactly"), "\(show.stderr)")
        // The recorded input is printed, without the personal fields the log left out (issue 35).
        #expect(show.stdout.contains("   recorded input (personal fields withheld):\n"))
        #expect(!show.stdout.contains("Zhang San") && !show.stdout.contains("13800000000"))
        let later = try verdict(["audit", "export", "--log", location, "--since", "2999-01-01"])
        #expect(later.status == 0 && later.stdout.isEmpty)
        let bad = try verdict(["audit", "export", "--log", location, "--since", "March"])
        #expect(bad.status != 0 && bad.stderr.contains("--since"))
    }

    /// `--explain` prints explanations; the log records the decision without one (it is re-derived).
    @Test func explainedDecisionsAreRecordedWithoutTheirExplanationOnSQLite() throws { try explainedDecisionsAreRecordedWithoutTheirExplanation(.sqlite) }
    @Test(.needsPostgreSQL) func explainedDecisionsAreRecordedWithoutTheirExplanationOnPostgreSQL() throws { try explainedDecisionsAreRecordedWithoutTheirExplanation(.postgres) }
    func explainedDecisionsAreRecordedWithoutTheirExplanation(_ backend: Backend) throws {
        let folder = try temporaryFolder("explain")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        let example = shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json"
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case", example, "--explain", "--log", location,
                             "--now", "2026-03-05T09:00:00+08:00"])
        #expect(d.status == 0 && d.stdout.contains("\"explanation\""))
        let cases = try generatedCases(50)
        let file = folder.appendingPathComponent("c.jsonl")
        try write(cases, to: file)
        let b = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch", file.path, "--explain", "--log", location])
        #expect(b.status == 0 && b.stdout.split(separator: "\n").count == 50)
        let e = try verdict(["audit", "export", "--log", location])
        #expect(e.stdout.split(separator: "\n").count == 51)
        #expect(!e.stdout.contains("explanation"))
        let show = try verdict(["audit", "show", "Q-2026-0042", "--log", location, "--lang", "zh"])
        // Every line in Chinese, the conclusion too (issue 35).
        #expect(show.status == 0 && show.stdout.contains("与记录的决定完全一致。"), "\(show.stderr)")
        #expect(show.stdout.contains("例外规则 henan-finance") || show.stdout.contains("henan-finance"))
    }

    /// What `verdict serve` does: many tasks append at once; group commit numbers each once.
    @Test func concurrentTasksAppendEachDecisionOnceOnSQLite() async throws { try await concurrentTasksAppendEachDecisionOnce(.sqlite) }
    @Test(.needsPostgreSQL) func concurrentTasksAppendEachDecisionOnceOnPostgreSQL() async throws { try await concurrentTasksAppendEachDecisionOnce(.postgres) }
    func concurrentTasksAppendEachDecisionOnce(_ backend: Backend) async throws {
        let folder = try temporaryFolder("tasks")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        PostgresDecisionLog.registerScheme()
        let writer = DecisionLogWriter(log: try DecisionLogs.open(location, create: true), maxBatch: 64)
        let folderPath = shippedPolicyPath("quality-complaints")
        let policy = try CompiledPolicy.load(directory: folderPath)
        try writer.register(policy, folder: folderPath)
        let cases = renamed(try generatedCases(500, seed: 5), prefix: "t-")
        let seqs = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for c in cases {
                group.addTask {
                    let bytes = Array(c.utf8)
                    return try await writer.append(decision: try policy.decide(json: bytes, explain: false, now: nil), input: bytes)
                }
            }
            var out: [UInt64] = []
            for try await s in group { out.append(s) }
            return out
        }
        #expect(Set(seqs) == Set(0..<500))
        try writer.close()
        let log = try DecisionLogs.open(location, create: false)
        defer { log.close() }
        let report = try LogVerifier.verify(log)
        #expect(report.records == 500)
        var ids: [String] = []
        try log.scan(from: 0, until: nil) { chunk in ids += chunk.map(\.caseID); return true }
        #expect(Set(ids) == Set(cases.map(Self.caseID)) && ids.count == 500)
        // A policy never registered cannot be logged (its files could not be archived).
        let other = try CompiledPolicy.load(directory: shippedPolicyPath("service-standards"))
        let w2 = DecisionLogWriter(log: try DecisionLogs.open(location, create: false))
        let c = try generatedCases(1, policy: "service-standards")[0]
        await #expect(throws: AuditError.self) { try await w2.append(decision: try other.decide(json: Array(c.utf8)), input: Array(c.utf8)) }
        try? w2.close()
    }
}
