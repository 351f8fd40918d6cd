import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 32, "every step is recorded", on both backends: each step of a governed policy change is a
/// leaf of the same tree as the decisions and version events; `audit verify` covers it (an edited,
/// deleted or reordered step is named), `audit changes` lists the steps (text, JSON, zh, one set),
/// and `audit proof --seq` proves one, checked by `verify-proof`.
@Suite("change events in the decision log", .serialized)
struct ChangeEventTests {
    typealias Behaviour = DecisionLogBehaviourTests

    static let base = "sha256:81f915d935d1f607ade043fbb20af180b66c95af98bfc36db5a33e1267baabcf"
    static let candidate = "sha256:eae3136a35d893925ee1ad706fd70f2e0978e9b0421e6e446f32a195e999db1c"

    /// The fixture's batch: its version activated (0), decisions 1–3, retired (4); change events 5
    /// (proposed) and 6 (approved); version events 7 and 8; change events 9 (activated, by the service),
    /// 10 (another set's proposal) and 11 (a rollback's proposal); a second batch: 12, decision 13, 14;
    /// a checkpoint over the 15 leaves.
    static func history(_ backend: Backend) throws -> Behaviour.Fixture {
        let f = try ExactProofTests.fixture(backend, count: 3)
        let log = try f.open()
        defer { log.close() }
        func at(_ s: String) throws -> Timestamp { try Timestamp(rfc3339: "2026-06-01T\(s)Z") }
        #expect(try log.appendChangeEvents([
            PendingChangeEvent(step: .proposed, proposal: "P1", set: "quality-complaints", by: "alice", reason: "raise the 300-yuan band to 500",
                               baseDigest: base, candidateDigest: candidate, recordedAt: try at("08:00:00")),
            PendingChangeEvent(step: .approved, proposal: "P1", set: "quality-complaints", by: "bob", reason: "impact checked: 12 of 3,000 decisions change",
                               baseDigest: base, candidateDigest: candidate, recordedAt: try at("09:00:00")),
        ]) == 5..<7)
        // The candidate, the shipped set as 1.1.0, is archived with its activation (`verify` checks an event's version against the archive).
        let dir = f.folder.appendingPathComponent("quality-complaints")
        try FileManager.default.copyItem(atPath: shippedPolicyPath("quality-complaints"), toPath: dir.path)
        let manifest = dir.appendingPathComponent("policy.yaml")
        try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: #"version: "1.0.0""#, with: #"version: "1.1.0""#)
            .write(to: manifest, atomically: true, encoding: .utf8)
        let v110 = try CompiledPolicy.load(directory: dir.path)
        #expect(v110.identity.digest == candidate)
        #expect(try log.appendVersionEvents([
            PendingVersionEvent(kind: .retired, set: "quality-complaints", version: "1.0.0", digest: base, trigger: "watch", recordedAt: try at("09:00:01")),
            PendingVersionEvent(kind: .activated, set: "quality-complaints", version: "1.1.0", digest: candidate, trigger: "watch", recordedAt: try at("09:00:01")),
        ], policies: [try ArchivedPolicy(policy: v110, folder: dir.path)]) == 7..<9)
        #expect(try log.appendChangeEvents([
            PendingChangeEvent(step: .activated, proposal: "P1", set: "quality-complaints", by: "service", reason: "",
                               baseDigest: base, candidateDigest: candidate, recordedAt: try at("09:00:01")),
            PendingChangeEvent(step: .proposed, proposal: "P2", set: "customer-complaints", by: "carol", reason: "new <b>clock</b>\nfor refunds",
                               baseDigest: "sha256:aa", candidateDigest: "sha256:bb", recordedAt: try at("10:00:00")),
            PendingChangeEvent(step: .proposed, proposal: "P3", set: "quality-complaints", by: "alice", reason: "back to 1.0.0",
                               baseDigest: candidate, candidateDigest: base, rollbackOf: base, recordedAt: try at("11:00:00")),
        ]) == 9..<12)
        #expect(try f.decide([f.cases[1]]).status == 0)
        let c = try f.checkpoint()
        #expect(c.stdout.contains("checkpoint #1: 15 records"), "\(c.stdout)\(c.stderr)")
        return f
    }

    @Test func stepsAreLeavesBetweenDecisionsAndVersionEventsOnSQLite() throws { try stepsAreLeaves(.sqlite) }
    @Test(.needsPostgreSQL) func stepsAreLeavesBetweenDecisionsAndVersionEventsOnPostgreSQL() throws { try stepsAreLeaves(.postgres) }
    func stepsAreLeaves(_ backend: Backend) throws {
        let f = try Self.history(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let v = try f.verify()
        #expect(v.status == 0 && v.stdout.contains("4 records and 11 events verified"), "\(v.stdout)\(v.stderr)")

        let log = try f.open()
        defer { log.close() }
        let stored = try log.versionEvents()
        #expect(stored.map(\.seq) == [0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14])
        #expect(String(decoding: stored[2].body, as: UTF8.self)
                == #"{"seq":5,"event":"change","step":"proposed","recorded_at":"2026-06-01T08:00:00Z","proposal":"P1","set":"quality-complaints","by":"alice","reason":"raise the 300-yuan band to 500","base":"\#(Self.base)","candidate":"\#(Self.candidate)"}"#)
        #expect(String(decoding: stored[8].body, as: UTF8.self).hasSuffix(#","rollback_of":"\#(Self.base)"}"#))
        // A change event is not a version event: `parsed()` says so, and the version history skips it.
        #expect(throws: AuditError.self) { try stored[2].parsed() }
        #expect(try stored[4].parsed().kind == .retired)
        // The batches' spells of 1.0.0 (0–4, 12–14) and the reload's 1.1.0 (from 8).
        let spells = try VersionHistory.of(log).spells
        #expect(spells.map(\.version) == ["1.0.0", "1.1.0", "1.0.0"] && spells[1].fromSeq == 8 && spells[2].untilSeq == 14)
        let all = try ChangeHistory.of(log)
        #expect(all.steps.map(\.seq) == [5, 6, 9, 10, 11])
        #expect(all.steps.map(\.step) == [.proposed, .approved, .activated, .proposed, .proposed])
        #expect(all.steps[4].rollbackOf == Self.base && all.steps[0].rollbackOf == nil)
        #expect(try ChangeHistory.of(log, set: "customer-complaints").steps.map(\.proposal) == ["P2"])
        // The decisions after the events still prove, and `audit versions` reads through the change events.
        let versions = try f.audit(["versions", "--log", f.location])
        #expect(versions.status == 0 && versions.stdout.contains("1.1.0 (\(Self.candidate))") && versions.stdout.contains("(watch, event 8)"),
                "\(versions.stdout)\(versions.stderr)")
    }

    @Test func auditChangesListsTheStepsOnSQLite() throws { try auditChangesLists(.sqlite) }
    @Test(.needsPostgreSQL) func auditChangesListsTheStepsOnPostgreSQL() throws { try auditChangesLists(.postgres) }
    func auditChangesLists(_ backend: Backend) throws {
        let f = try Self.history(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let text = try f.audit(["changes", "--log", f.location])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout == """
            5 change steps recorded in \(f.location)
            #5  2026-06-01T08:00:00Z  proposed  P1  quality-complaints  by alice
                reason: raise the 300-yuan band to 500
                81f915d935d1 → eae3136a35d8
            #6  2026-06-01T09:00:00Z  approved  P1  quality-complaints  by bob
                comment: impact checked: 12 of 3,000 decisions change
                81f915d935d1 → eae3136a35d8
            #9  2026-06-01T09:00:01Z  activated  P1  quality-complaints  by the service
                81f915d935d1 → eae3136a35d8
            #10  2026-06-01T10:00:00Z  proposed  P2  customer-complaints  by carol
                reason: new <b>clock</b>\\nfor refunds
                aa → bb
            #11  2026-06-01T11:00:00Z  proposed  P3  quality-complaints  by alice
                reason: back to 1.0.0
                eae3136a35d8 → 81f915d935d1 (rolls back to 81f915d935d1)

            """, "\(text.stdout)")

        let one = try f.audit(["changes", "--log", f.location, "--set", "customer-complaints"])
        #expect(one.status == 0 && one.stdout.hasPrefix("1 change step recorded in \(f.location) for set customer-complaints\n#10 "), "\(one.stdout)")
        #expect(!one.stdout.contains("P1"))
        let none = try f.audit(["changes", "--log", f.location, "--set", "no-such-set"])
        #expect(none.status == 0 && none.stdout == "0 change steps recorded in \(f.location) for set no-such-set\n")

        let json = try f.audit(["changes", "--log", f.location, "--json", "--set", "quality-complaints"])
        #expect(json.status == 0, "\(json.stderr)")
        let parsed = try JSONReader.parse(Array(json.stdout.utf8))
        guard case .array(let steps)? = parsed.member("steps") else { Issue.record("no steps: \(json.stdout)"); return }
        #expect(steps.count == 4)
        #expect(steps[0].member("base") == .string(Self.base) && steps[0].member("candidate") == .string(Self.candidate))
        #expect(steps[0].member("seq") == .number("5") && steps[0].member("by") == .string("alice") && steps[0].member("step") == .string("proposed"))
        #expect(steps[3].member("rollback_of") == .string(Self.base) && steps[0].member("rollback_of") == nil)

        let zh = try f.audit(["changes", "--log", f.location, "--lang", "zh"])
        #expect(zh.status == 0, "\(zh.stderr)")
        for words in ["中记录了 5 个变更步骤", "提出  P1  quality-complaints  由 alice", "批准  P1", "意见:impact checked", "启用  P1  quality-complaints  由服务", "(回滚至 81f915d935d1)"] {
            #expect(zh.stdout.contains(words), "\(words) missing from \(zh.stdout)")
        }
    }

    @Test func aChangeEventIsProvenOnSQLite() throws { try aChangeEventIsProven(.sqlite) }
    @Test(.needsPostgreSQL) func aChangeEventIsProvenOnPostgreSQL() throws { try aChangeEventIsProven(.postgres) }
    func aChangeEventIsProven(_ backend: Backend) throws {
        let f = try Self.history(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let file = f.folder.appendingPathComponent("event-6.json").path
        let p = try f.audit(["proof", "--seq", "6", "--log", f.location, "--out", file])
        #expect(p.status == 0, "\(p.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains(#""event":"{\"seq\":6,\"event\":\"change\",\"step\":\"approved\""#) && !text.contains(#""record":"#), "\(text)")
        let ok = try f.audit(["verify-proof", file, "--key", f.pub])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("✓ proof verified: 1 event in log") && ok.stdout.contains("event 6: change approved, proposal P1, set quality-complaints, by bob, recorded 2026-06-01T09:00:00Z")
                && ok.stdout.contains("base \(Self.base) → candidate \(Self.candidate)"), "\(ok.stdout)")
        let zh = try f.audit(["verify-proof", file, "--key", f.pub, "--lang", "zh"])
        #expect(zh.status == 0 && zh.stdout.contains("1 个事件") && zh.stdout.contains("事件 #6:变更步骤「批准」,提案 P1"), "\(zh.stdout)\(zh.stderr)")

        // A version event proves too, and a decision record after the events still does.
        let version = f.folder.appendingPathComponent("event-8.json").path
        #expect(try f.audit(["proof", "--seq", "8", "--log", f.location, "--out", version]).status == 0)
        let v = try f.audit(["verify-proof", version, "--key", f.pub])
        #expect(v.status == 0 && v.stdout.contains("event 8: quality-complaints 1.1.0 (\(Self.candidate)) activated (watch)"), "\(v.stdout)\(v.stderr)")
        let record = f.folder.appendingPathComponent("record-13.json").path
        #expect(try f.audit(["proof", "--seq", "13", "--log", f.location, "--out", record]).status == 0)
        let r = try f.audit(["verify-proof", record, "--key", f.pub])
        #expect(r.status == 0 && r.stdout.contains("proof verified: 1 record") && r.stdout.contains("record 13: case"), "\(r.stdout)\(r.stderr)")

        // The event's bytes edited in the proof file: its path no longer leads to the signed root.
        try text.replacingOccurrences(of: #"\"by\":\"bob\""#, with: #"\"by\":\"eve\""#).write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try f.audit(["verify-proof", file, "--key", f.pub])
        #expect(bad.status == 1 && bad.stderr.contains("change event 6 is not proven: its inclusion path does not lead to the checkpoint's root"), "\(bad.stderr)")
        // Passed off as a decision record (domain 0x00): refused.
        try text.replacingOccurrences(of: #""event":"{"#, with: #""record":"{"#).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try f.audit(["verify-proof", file, "--key", f.pub]).status == 1)
        // Past the log's end: no such leaf.
        let missing = try f.audit(["proof", "--seq", "15", "--log", f.location])
        #expect(missing.status == 2 && missing.stderr.contains("no decision record 15 in \(f.location), nor an event (it holds 15 leaves)"), "\(missing.stderr)")
    }

    /// Whether `python3` with the `cryptography` package is here to run verifier/verify.py.
    static let pythonVerifier: Bool = (try? runProcess("/usr/bin/env", ["python3", "-c", "import cryptography"]).status == 0) ?? false

    @Test(.enabled(if: pythonVerifier, "needs python3 with the cryptography package (PyPI) to run verifier/verify.py"))
    func theIndependentVerifierProvesAChangeEvent() throws {
        let f = try Self.history(.sqlite)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let verifier = repositoryRoot.appendingPathComponent("verifier/verify.py").path
        func python(_ file: String) throws -> Run { try runProcess("/usr/bin/env", ["python3", verifier, file, "--key", f.pub]) }
        let file = f.folder.appendingPathComponent("event-10.json").path
        #expect(try f.audit(["proof", "--seq", "10", "--log", f.location, "--out", file]).status == 0)
        let ok = try python(file)
        #expect(ok.status == 0 && ok.stdout == "inclusion proven: events [10] are in the tree of 15 leaves the operator's key signed\n", "\(ok.stdout)\(ok.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Its reason edited; passed off as a decision record: neither verifier proves it.
        let copy = f.folder.appendingPathComponent("copy.json").path
        for (label, altered) in [("reason edited", text.replacingOccurrences(of: "new <b>clock</b>", with: "old <b>clock</b>")),
                                 ("as a record", text.replacingOccurrences(of: #""event":"{"#, with: #""record":"{"#))] {
            #expect(altered != text, Comment(rawValue: label))
            try altered.write(toFile: copy, atomically: true, encoding: .utf8)
            let py = try python(copy)
            #expect(py.status == 1 && py.stderr.contains("NOT PROVEN"), "\(label): \(py.stdout)\(py.stderr)")
            #expect(try f.audit(["verify-proof", copy, "--key", f.pub]).status == 1, Comment(rawValue: label))
        }
        // An event slipped into a case's completeness proof: refused by both.
        let id = ExactProofTests.caseIDs(f)[0]
        let complete = f.folder.appendingPathComponent("complete.json").path
        #expect(try f.audit(["proof", id, "--complete", "--log", f.location, "--out", complete]).status == 0)
        #expect(try python(complete).status == 0)
        var proof = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: complete))))
        let event = try JSONReader.parse(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        guard case .object(var top) = proof, let i = top.firstIndex(where: { $0.key == "records" }), case .array(let recs) = top[i].value,
              case .array(let eventEntries)? = event.member("records") else { Issue.record("unexpected proof shape"); return }
        top[i].value = .array(recs + eventEntries)
        proof = .object(top)
        var bytes: [UInt8] = []
        CanonicalJSON.writeInOrder(proof, to: &bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: copy))
        let py = try python(copy)
        #expect(py.status == 1 && py.stderr.contains("leaf 10 is an event"), "\(py.stdout)\(py.stderr)")
        let sw = try f.audit(["verify-proof", copy, "--key", f.pub])
        #expect(sw.status == 1 && sw.stderr.contains("is an event: a completeness proof holds a case's decision records only"), "\(sw.stderr)")
    }

    /// SQL that replaces text in an event's body.
    static func editEvent(_ backend: Backend, seq: Int, from: String, to: String) -> String {
        backend == .sqlite
            ? "UPDATE verdict_events SET body = CAST(replace(CAST(body AS TEXT), '\(from)', '\(to)') AS BLOB) WHERE seq = \(seq)"
            : "UPDATE verdict_events SET body = convert_to(replace(convert_from(body, 'UTF8'), '\(from)', '\(to)'), 'UTF8') WHERE seq = \(seq)"
    }

    @Test func anEditedDeletedOrReorderedStepFailsVerifyOnSQLite() throws { try tamperedStepsFail(.sqlite) }
    @Test(.needsPostgreSQL) func anEditedDeletedOrReorderedStepFailsVerifyOnPostgreSQL() throws { try tamperedStepsFail(.postgres) }
    func tamperedStepsFail(_ backend: Backend) throws {
        // Edited: who approved it.
        do {
            let f = try Self.history(backend)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            try f.sql(Self.editEvent(backend, seq: 6, from: "\"by\":\"bob\"", to: "\"by\":\"eve\""))
            let bad = try f.verify()
            #expect(bad.status == 1 && bad.stderr.contains("change event 6 was altered: its content no longer matches its leaf hash"), "\(bad.stderr)")
            let listed = try f.audit(["changes", "--log", f.location])
            #expect(listed.status == 1 && listed.stderr.contains("change event 6 was altered"), "\(listed.stdout)\(listed.stderr)")
            #expect(try f.audit(["proof", "--seq", "6", "--log", f.location]).status == 1)
        }
        // Deleted: the refused activation's record gone.
        do {
            let f = try Self.history(backend)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            try f.sql("DELETE FROM verdict_events WHERE seq = 9")
            let bad = try f.verify()
            #expect(bad.status == 1 && bad.stderr.contains("record 9 was deleted (the log jumps from 8 to 10)"), "\(bad.stderr)")
        }
        // Reordered: approval before proposal (bytes and leaf hashes moved together).
        do {
            let f = try Self.history(backend)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            try f.sql("UPDATE verdict_events SET seq = -1 WHERE seq = 5")
            try f.sql("UPDATE verdict_events SET seq = 5 WHERE seq = 6")
            try f.sql("UPDATE verdict_events SET seq = 6 WHERE seq = -1")
            let bad = try f.verify()
            #expect(bad.status == 1 && bad.stderr.contains("change event 5 does not say it is leaf 5: events were reordered, inserted or deleted")
                    && bad.stderr.contains("change event 6 does not say it is leaf 6"), "\(bad.stderr)")
        }
        // A step renamed to one that does not exist, its leaf hash recomputed by a forger: the tree no longer matches the checkpoint.
        do {
            let f = try Self.history(backend)
            defer { try? FileManager.default.removeItem(at: f.folder) }
            let log = try f.open()
            let stored = try #require(try log.versionEvents().first { $0.seq == 5 })
            log.close()
            let forged = Array(String(decoding: stored.body, as: UTF8.self).replacingOccurrences(of: "\"proposed\"", with: "\"approved\"").utf8)
            let hex = PendingVersionEvent.leafHash(forged).map { String(format: "%02x", $0) }.joined()
            try f.sql(Self.editEvent(backend, seq: 5, from: "\"proposed\"", to: "\"approved\""))
            try f.sql(backend == .sqlite ? "UPDATE verdict_events SET leaf = X'\(hex)' WHERE seq = 5" : "UPDATE verdict_events SET leaf = '\\x\(hex)'::bytea WHERE seq = 5")
            let bad = try f.verify()
            #expect(bad.status == 1 && bad.stderr.contains("the records no longer match checkpoint #1"), "\(bad.stderr)")
        }
    }

    @Test func aStepIsReadOnlyFromItsOwnBytes() throws {
        let e = PendingChangeEvent(step: .rolledBack, proposal: "P9", set: "s", by: "service", reason: "", baseDigest: "sha256:b", candidateDigest: "sha256:c",
                                   rollbackOf: "sha256:a", recordedAt: try Timestamp(rfc3339: "2026-06-01T08:00:00Z"))
        let body = e.bytes(seq: 12)
        #expect(String(decoding: body, as: UTF8.self)
                == #"{"seq":12,"event":"change","step":"rolled-back","recorded_at":"2026-06-01T08:00:00Z","proposal":"P9","set":"s","by":"service","reason":"","base":"sha256:b","candidate":"sha256:c","rollback_of":"sha256:a"}"#)
        let stored = StoredVersionEvent(seq: 12, body: body, leaf: PendingVersionEvent.leafHash(body))
        guard case .change(let view) = try stored.parsedEvent() else { Issue.record("not read as a change event"); return }
        #expect(view.step == .rolledBack && view.rollbackOf == "sha256:a" && view.by == "service" && view.seq == 12)
        // Read at another place, with an unknown step, or without a member: refused, saying why.
        #expect(throws: AuditError.self) { try ChangeEventView(bytes: body, seq: 13) }
        let unknown = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "rolled-back", with: "undone").utf8)
        do {
            _ = try ChangeEventView(bytes: unknown, seq: 12)
            Issue.record("an unknown step was read")
        } catch {
            #expect(error.message.contains("`step` `undone` is none of proposed, approved, rejected, activated, refused, withdrawn, rolled-back"))
        }
        let noReason = Array(String(decoding: body, as: UTF8.self).replacingOccurrences(of: #""reason":"","#, with: "").utf8)
        do {
            _ = try ChangeEventView(bytes: noReason, seq: 12)
            Issue.record("an event without its reason was read")
        } catch {
            #expect(error.message == "change event 12 has no `reason` string: not an event Verdict wrote")
        }
        // A change event's bytes under a decision record's domain are not its leaf.
        #expect(Merkle.leafHash(body) != PendingVersionEvent.leafHash(body))
    }
}
