import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issue 27, the decision log: ids that break verification, false alarms on a live log, columns the
/// hash did not cover, reading commands that wrote, keys and proofs, full disks, recovery, and
/// incremental verification.
@Suite("decision log hardening (issue 27)", .serialized)
struct HardeningTests {
    typealias Fixture = DecisionLogBehaviourTests.Fixture

    static func fixture(_ backend: Backend, count: Int = 300) throws -> Fixture {
        try DecisionLogBehaviourTests.fixture(backend, count: count)
    }

    static let policy = Result { try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")) }

    // MARK: 7. Control characters in ids; every problem reported

    @Test func idsWithControlCharactersAreRefusedByBothDecoders() throws {
        let policy = try Self.policy.get()
        let example = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        #expect(try policy.decide(json: Array(example.utf8)).caseID.isEmpty == false)
        // NUL and ESC escaped, DEL raw (the fast decoder reads it), NEL (a C1 control) raw and escaped.
        for id in [#""a\u0000b""#, #""x\u001b[2J""#, "\"a\u{7F}b\"", "\"a\u{85}b\"", #""a\u0085b""#, #""tab\there""#] {
            let json = Array(example.replacing(#/"id"\s*:\s*"[^"]*"/#, with: "\"id\": \(id)").utf8)
            #expect(json != Array(example.utf8))
            do {
                _ = try policy.decide(json: json)
                Issue.record("the id \(id) was accepted")
            } catch {
                #expect(error.problems.contains { $0.field == "id" && $0.code == .invalidValue && $0.message.contains("control character") }, "\(error)")
            }
        }
        // A record is never made of one either (a library caller going around the decoders).
        let d = try policy.decide(json: Array(example.utf8))
        #expect(throws: AuditError.self) {
            try PendingRecord(caseID: "a\u{0}b", policy: policy.identity, now: nil, input: Array(example.utf8), decisionJSON: Array(d.json().utf8),
                              hasExplanation: false, unrecorded: [], recordedAt: Timestamp(millisecondsSinceEpoch: 0))
        }
    }

    @Test func aNULInAnIdIsRefusedOnTheCommandLineAndNothingIsLogged() throws {
        let folder = try temporaryFolder("nul")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("c.jsonl")
        let example = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        let bad = example.replacing(#/"id"\s*:\s*"[^"]*"/#, with: #""id": "a\u0000b""#)
        try write([example, bad, example], to: file)
        let log = "sqlite:" + folder.appendingPathComponent("log.db").path
        let r = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--batch", file.path, "--log", log])
        #expect(r.stdout.contains("control character"), "\(r.stdout)\(r.stderr)")
        let v = try verdict(["audit", "verify", "--log", log])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("2 records and 2 events verified"), "\(v.stdout)")
    }

    @Test func verifyReportsEveryProblemNotOnlyTheFirstOnSQLite() throws { try verifyReportsEveryProblemNotOnlyTheFirst(.sqlite) }
    @Test(.needsPostgreSQL) func verifyReportsEveryProblemNotOnlyTheFirstOnPostgreSQL() throws { try verifyReportsEveryProblemNotOnlyTheFirst(.postgres) }
    func verifyReportsEveryProblemNotOnlyTheFirst(_ backend: Backend) throws {
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        try f.sql("UPDATE verdict_records SET case_id = 'someone-else' WHERE seq = 4")
        try f.sql(try backend.editBody(f.location, seq: 200, from: #""outputs":{"#, to: #""outputs":{"x":1,"#))
        let v = try f.verify()
        #expect(v.status == 1)
        #expect(v.stderr.contains("2 problems"), "\(v.stderr)")
        #expect(v.stderr.contains("record 4: its index columns disagree"), "\(v.stderr)")
        #expect(v.stderr.contains("record 200 was altered"), "\(v.stderr)")

        // A record deleted in the middle is named once, where it is missing (not again at the end).
        try f.sql("DELETE FROM verdict_records WHERE seq = 150")
        let gap = try f.verify()
        #expect(gap.stderr.contains("3 problems") && gap.stderr.contains("record 150 was deleted (the log jumps from 149 to 151)"), "\(gap.stderr)")
        #expect(!gap.stderr.contains("record 299 was deleted") && !gap.stderr.contains("covers 300 records"), "\(gap.stderr)")

        // Past the cap, the rest is counted (records 250...300; 301 is the batch's retirement event).
        try f.sql("UPDATE verdict_records SET case_id = 'x' WHERE seq >= 250")
        let many = try f.verify()
        #expect(many.status == 1)
        #expect(many.stderr.contains("54 problems"), "\(many.stderr)")
        #expect(many.stderr.contains("… and 34 more"), "\(many.stderr)")
    }

    // MARK: 8. One snapshot

    /// Verification on one connection while another appends in small batches: never a false alarm.
    @Test func verifyWhileAWriterAppendsSeesOneSnapshotOnSQLite() throws { try verifyWhileAWriterAppendsSeesOneSnapshot(.sqlite) }
    @Test(.needsPostgreSQL) func verifyWhileAWriterAppendsSeesOneSnapshotOnPostgreSQL() throws { try verifyWhileAWriterAppendsSeesOneSnapshot(.postgres) }
    func verifyWhileAWriterAppendsSeesOneSnapshot(_ backend: Backend) throws {
        let folder = try temporaryFolder("live")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        PostgresDecisionLog.registerScheme()
        let policy = try Self.policy.get()
        let cases = try generatedCases(1500)
        let writer = DecisionLogWriter(log: try DecisionLogs.open(location, create: true), maxBatch: 3)
        try writer.register(policy, folder: shippedPolicyPath("quality-complaints"))
        for c in cases.prefix(200) { writer.submit(decision: try policy.decide(json: Array(c.utf8)), input: Array(c.utf8)) }
        try writer.flush()
        let reader = try DecisionLogs.open(location, create: false, readOnly: true)
        defer { reader.close() }

        let done = Flag()
        let appender = Thread {
            for c in cases.dropFirst(200) {
                if let d = try? policy.decide(json: Array(c.utf8)) { writer.submit(decision: d, input: Array(c.utf8)) }
            }
            try? writer.flush()
            done.set()
        }
        appender.start()
        var runs = 0, grew = false
        var last: UInt64 = 0
        while runs < 60 && !(done.isSet && runs > 3) {
            let r = try LogVerifier.verify(reader)
            if runs > 0 && r.records != last { grew = true }
            last = r.records
            runs += 1
        }
        while !done.isSet { Thread.sleep(forTimeInterval: 0.05) }
        try writer.close()
        #expect(grew, "the log grew while it was verified (\(runs) runs)")
        #expect(try LogVerifier.verify(reader).records == 1500)
    }

    // MARK: 9. Every column a command reads is checked

    @Test func anEditedRecordedAtIsFoundAndNeverHidesARecordOnSQLite() throws { try anEditedRecordedAtIsFoundAndNeverHidesARecord(.sqlite) }
    @Test(.needsPostgreSQL) func anEditedRecordedAtIsFoundAndNeverHidesARecordOnPostgreSQL() throws { try anEditedRecordedAtIsFoundAndNeverHidesARecord(.postgres) }
    func anEditedRecordedAtIsFoundAndNeverHidesARecord(_ backend: Backend) throws {
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // Move record 3 a year earlier: out of any window an auditor would ask for.
        try f.sql("UPDATE verdict_records SET recorded_at = recorded_at - 31536000000 WHERE seq = 3")
        let v = try f.verify()
        #expect(v.status == 1)
        #expect(v.stderr.contains("record 3: its index columns disagree with its content: its `recorded_at` column"), "\(v.stderr)")
        let since = try f.audit(["export", "--log", f.location, "--since", "2020-01-01"])
        #expect(since.status == 1 && since.stderr.contains("record 3"), "\(since.stderr)")
        let replay = try f.audit(["replay", "--log", f.location, "--policies", shippedPolicyPath("quality-complaints"), "--since", "2020-01-01"])
        #expect(replay.status == 1 && replay.stderr.contains("record 3"), "\(replay.stderr)")
    }

    @Test func anEditedPolicyVersionIsFoundOnSQLite() throws { try anEditedPolicyVersionIsFound(.sqlite) }
    @Test(.needsPostgreSQL) func anEditedPolicyVersionIsFoundOnPostgreSQL() throws { try anEditedPolicyVersionIsFound(.postgres) }
    func anEditedPolicyVersionIsFound(_ backend: Backend) throws {
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        try f.sql("UPDATE verdict_policies SET version = '9.9.9'")
        let v = try f.verify()
        #expect(v.status == 1)
        #expect(v.stderr.contains("says `quality-complaints` 9.9.9, but its files say `quality-complaints` 1.0.0"), "\(v.stderr)")
        #expect(!v.stdout.contains("9.9.9"))
    }

    // MARK: 10. Reading commands do not write

    @Test func aForeignFileIsRefusedUntouched() throws {
        let folder = try temporaryFolder("foreign")
        defer { try? FileManager.default.removeItem(at: folder) }
        let foreign = folder.appendingPathComponent("foreign.db")
        _ = try runProcess("/usr/bin/sqlite3", [foreign.path, "CREATE TABLE t (a); INSERT INTO t VALUES (1);"])
        let before = try Data(contentsOf: foreign)
        for args in [["audit", "verify"], ["audit", "export"], ["audit", "show", "X"], ["audit", "checkpoint", "--key", "/nonexistent"]] {
            let r = try verdict(args + ["--log", "sqlite:" + foreign.path])
            #expect(r.status != 0)
        }
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case",
                             shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", "--log", "sqlite:" + foreign.path])
        #expect(d.status == 3 && d.stderr.contains("not a Verdict decision log"))
        #expect(try Data(contentsOf: foreign) == before, "the foreign file was changed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["foreign.db"])
    }

    @Test func aReadOnlyCopyCanBeAudited() throws {
        let f = try Self.fixture(.sqlite)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let copy = f.folder.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let path = copy.appendingPathComponent("log.db").path
        try FileManager.default.copyItem(atPath: String(f.location.dropFirst("sqlite:".count)), toPath: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let id = DecisionLogBehaviourTests.caseID(f.cases[0])
        // As root a mode does not bind: run the commands as `nobody` then, so 0444 is what they meet.
        let asOther = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
        if asOther {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: f.folder.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: copy.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: f.pub)
        } else if getuid() == 0 {
            print("skipped in part: running as root without setpriv, mode 0444 does not bind; checking only that the file is unchanged")
        }
        func run(_ args: [String]) throws -> Run {
            asOther ? try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", verdictBinary] + args, cwd: copy)
                : try verdict(args, cwd: copy)
        }
        let v = try run(["audit", "verify", "--log", "sqlite:" + path, "--key", f.pub])
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("300 records and 2 events verified"))
        let s = try run(["audit", "show", id, "--log", "sqlite:" + path])
        #expect(s.status == 0, "\(s.stderr)")
        let e = try run(["audit", "export", "--log", "sqlite:" + path])
        #expect(e.status == 0, "\(e.stderr)")
        #expect(e.stdout.split(separator: "\n").count == 300)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // Opened read-only, a log refuses to be written.
        let log = try DecisionLogs.open("sqlite:" + path, create: false, readOnly: true)
        defer { log.close() }
        #expect(throws: AuditError.self) { try log.probeWrite() }
    }

    // MARK: 11. Keys and proofs

    @Test func aPrivateKeyWhereAPublicOneIsExpectedAndDuplicatedProofRecordsAreRefused() throws {
        let f = try Self.fixture(.sqlite)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let v = try f.audit(["verify", "--log", f.location, "--key", f.key])
        #expect(v.status == 1 && v.stderr.contains("is a private key") && v.stderr.contains(".pub"), "\(v.stderr)")
        #expect(!v.stdout.contains("✓"))

        let id = DecisionLogBehaviourTests.caseID(f.cases[0])
        let proofFile = f.folder.appendingPathComponent("proof.json")
        #expect(try f.audit(["proof", id, "--log", f.location, "--out", proofFile.path]).status == 0)
        let p = try f.audit(["verify-proof", proofFile.path, "--key", f.key])
        #expect(p.status == 1 && p.stderr.contains("is a private key"), "\(p.stderr)")

        // The same record twice.
        guard case .object(var members) = try JSONReader.parse(Array(try Data(contentsOf: proofFile))),
              let i = members.firstIndex(where: { $0.key == "records" }), case .array(let records) = members[i].value else {
            Issue.record("not a proof"); return
        }
        members[i].value = .array(records + records)
        var bytes: [UInt8] = []
        CanonicalJSON.writeInOrder(.object(members), to: &bytes)
        let doubled = f.folder.appendingPathComponent("doubled.json")
        try Data(bytes).write(to: doubled)
        let d = try f.audit(["verify-proof", doubled.path, "--key", f.pub])
        #expect(d.status == 1 && d.stderr.contains("repeats record"), "\(d.stderr)")
        #expect(!d.stdout.contains("2 records"))
    }

    // MARK: 12. Write errors

    /// Runs `verdict` with its standard output on a full disk (/dev/full).
    static func verdictToFullDisk(_ args: [String]) throws -> Run {
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("err-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: err) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: verdictBinary)
        p.arguments = args
        p.currentDirectoryURL = repositoryRoot
        p.standardOutput = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: "", stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    @Test func everyAuditCommandFailsOnAFullDisk() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else {
            print("skipped: no /dev/full on this system")
            return
        }
        let f = try Self.fixture(.sqlite)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let id = DecisionLogBehaviourTests.caseID(f.cases[0])
        let proofFile = f.folder.appendingPathComponent("proof.json").path
        #expect(try f.audit(["proof", id, "--log", f.location, "--out", proofFile]).status == 0)
        let commands: [[String]] = [
            ["audit", "export", "--log", f.location],
            ["audit", "show", id, "--log", f.location],
            ["audit", "proof", id, "--log", f.location],
            ["audit", "verify", "--log", f.location],
            ["audit", "verify-proof", proofFile, "--key", f.pub],
            ["audit", "replay", "--log", f.location, "--policies", shippedPolicyPath("quality-complaints")],
            ["audit", "checkpoint", "--log", f.location, "--key", f.key],
            ["audit", "keygen", "--out", f.folder.appendingPathComponent("new.key").path],
            ["init", f.folder.appendingPathComponent("new-set").path],
            ["--generate-completion-script", "bash"],
            ["audit", "--help"],
        ]
        for args in commands {
            let r = try Self.verdictToFullDisk(args)
            #expect(r.status != 0 && r.status < 128, "\(args): exit \(r.status)")
            #expect(r.stderr.contains("cannot write"), "\(args): \(r.stderr)")
        }
        let out = try f.audit(["proof", id, "--log", f.location, "--out", "/dev/full"])
        #expect(out.status != 0 && out.stderr.contains("cannot write `/dev/full`"), "\(out.stderr)")
    }

    // MARK: 13. A writer that recovers

    @Test func aRecoveringWriterFailsOnlyWhileTheLogCannotBeWritten() throws {
        let folder = try temporaryFolder("recover")
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = FlakyLog(try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true))
        let writer = DecisionLogWriter(log: log)
        let changes = Changes()
        writer.recoverFromFailures { changes.add($0) }
        let policy = try Self.policy.get()
        try writer.register(policy, folder: shippedPolicyPath("quality-complaints"))
        let cases = try generatedCases(3)
        func append(_ c: String) -> Result<UInt64, Error> {
            let result = Box<Result<UInt64, Error>>()
            let d = try! policy.decide(json: Array(c.utf8))
            writer.submit(decision: d, input: Array(c.utf8), ack: .callback { result.set($0) })
            return result.wait()
        }
        #expect((try? append(cases[0]).get()) != nil)
        log.failing = true
        let failed = append(cases[1])
        #expect(throws: AuditError.self) { try failed.get() }
        #expect(writer.outageReason != nil)
        #expect((writer.outageReason as? AuditError)?.publicMessage == "the disk holding the decision log is full")
        // Space is freed: the writer's probe finds it within a second or two, with no decision waiting.
        log.failing = false
        let deadline = Date().addingTimeInterval(5)
        while writer.outageReason != nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(writer.outageReason == nil)
        #expect(changes.count == 2, "an outage began and ended")
        #expect((try? append(cases[2]).get()) != nil)
        try writer.close()
    }

    @Test(.needsPostgreSQL) func aPostgresLogReconnectsAfterTheServerDropsItsConnection() throws {
        let folder = try temporaryFolder("reconnect")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try Backend.postgres.freshLocation(in: folder)
        PostgresDecisionLog.registerScheme()
        let log = try DecisionLogs.open(location, create: true)
        let writer = DecisionLogWriter(log: log)
        writer.recoverFromFailures()
        let policy = try Self.policy.get()
        try writer.register(policy, folder: shippedPolicyPath("quality-complaints"))
        let cases = try generatedCases(40)
        func append(_ c: String) -> Result<UInt64, Error> {
            let result = Box<Result<UInt64, Error>>()
            writer.submit(decision: try! policy.decide(json: Array(c.utf8)), input: Array(c.utf8), ack: .callback { result.set($0) })
            return result.wait()
        }
        #expect((try? append(cases[0]).get()) != nil)
        // The server ends the log's session, as a restart would.
        try psql(location, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        Thread.sleep(forTimeInterval: 0.3)
        var recorded = 0
        for c in cases.dropFirst() where recorded < 3 {
            if (try? append(c).get()) != nil { recorded += 1 } else { Thread.sleep(forTimeInterval: 0.2) }
        }
        #expect(recorded == 3, "the writer did not recover after its connection was dropped")
        try writer.close()
        let reader = try DecisionLogs.open(location, create: false)
        defer { reader.close() }
        #expect(try LogVerifier.verify(reader).records == 4)
    }

    // MARK: 14. Incremental verification

    @Test func incrementalVerificationReadsOnlyWhatWasAppendedOnSQLite() throws { try incrementalVerificationReadsOnlyWhatWasAppended(.sqlite) }
    @Test(.needsPostgreSQL) func incrementalVerificationReadsOnlyWhatWasAppendedOnPostgreSQL() throws { try incrementalVerificationReadsOnlyWhatWasAppended(.postgres) }
    func incrementalVerificationReadsOnlyWhatWasAppended(_ backend: Backend) throws {
        let f = try Self.fixture(backend)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let log = try f.open()
        defer { log.close() }
        let verifier = IncrementalVerifier(log: log)
        // Leaves: the batch's activation, its 300 records, its retirement.
        let first = try verifier.verify()
        #expect(first.records == 302 && first.checkedNow == 302 && first.events == 2)
        let again = try verifier.verify()
        #expect(again.records == 302 && again.checkedNow == 0 && again.root == first.root)
        #expect(try f.decide(Array(f.cases.prefix(10))).status == 0)
        #expect(try f.checkpoint().status == 0)
        let grown = try verifier.verify()
        #expect(grown.records == 314 && grown.checkedNow == 12 && grown.checkpoints == 2)
        #expect(grown.root == (try LogVerifier.verify(log)).root)
        // A node under the records verified before is edited: the next incremental run finds it.
        let zero = String(repeating: "00", count: 32)
        try f.sql(backend == .sqlite ? "UPDATE verdict_nodes SET hash = X'\(zero)'" : "UPDATE verdict_nodes SET hash = '\\x\(zero)'::bytea")
        #expect(throws: AuditError.self) { try verifier.verify() }
        do { _ = try verifier.verify() } catch let e as AuditError {
            #expect(e.message.contains("verified before, no longer give the tree root"), "\(e.message)")
        }
    }

    // MARK: 15. Escapes

    @Test func terminalEscapesFromIdsNeverReachTheOperatorRaw() throws {
        let f = try Self.fixture(.sqlite)
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // An id with an escape, put in by hand (Verdict refuses to record one).
        let evil = "x\u{1B}]0;owned\u{07}\u{1B}[2J"
        try f.sql("UPDATE verdict_records SET case_id = 'x' || char(27) || ']0;owned' || char(7) || char(27) || '[2J' WHERE seq = 1")
        let s = try f.audit(["show", evil, "--log", f.location])
        #expect(s.status != 0)
        #expect(!s.stderr.contains("\u{1B}") && !s.stdout.contains("\u{1B}"), "\(s.stderr)")
        #expect(s.stderr.contains("\\u{1B}"), "\(s.stderr)")
        let v = try f.verify()
        #expect(!v.stderr.contains("\u{1B}") && v.stderr.contains("\\u{1B}"), "\(v.stderr)")

        // A proof whose record names such a case.
        try f.sql("UPDATE verdict_records SET case_id = 'y' WHERE seq = 1")
        let proofFile = f.folder.appendingPathComponent("p.json")
        let id = DecisionLogBehaviourTests.caseID(f.cases[1])
        #expect(try f.audit(["proof", id, "--log", f.location, "--out", proofFile.path]).status == 0)
        let text = try String(contentsOf: proofFile, encoding: .utf8)
        let forged = f.folder.appendingPathComponent("forged.json")
        try text.replacingOccurrences(of: #"\"case\":\"\#(id)\""#, with: #"\"case\":\"\#(id)\\u001b[2J\""#)
            .write(to: forged, atomically: true, encoding: .utf8)
        let p = try f.audit(["verify-proof", forged.path, "--key", f.pub])
        #expect(p.status == 1)
        #expect(!p.stderr.contains("\u{1B}") && !p.stdout.contains("\u{1B}"), "\(p.stderr)")
    }
}

/// A log whose writes fail while `failing` is set, as on a full disk.
final class FlakyLog: DecisionLog, @unchecked Sendable {
    let base: any DecisionLog
    private let lock = NSLock()
    private var _failing = false
    var failing: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _failing }
        set { lock.lock(); _failing = newValue; lock.unlock() }
    }
    init(_ base: any DecisionLog) { self.base = base }

    var location: String { base.location }
    var logID: String { base.logID }
    func full() throws {
        if failing { throw AuditError(.storage, "the disk holding `/secret/path/log.db` is full", shown: "the disk holding the decision log is full") }
    }
    func append(_ records: [PendingRecord], policies: [ArchivedPolicy]) throws -> Range<UInt64> {
        try full()
        return try base.append(records, policies: policies)
    }
    func checkpoint(key: Curve25519.Signing.PrivateKey, time: Timestamp) throws -> Checkpoint { try base.checkpoint(key: key, time: time) }
    func probeWrite() throws {
        try full()
        try base.probeWrite()
    }
    func readSnapshot<T>(_ body: () throws -> T) throws -> T { try base.readSnapshot(body) }
    func treeState() throws -> MerkleFrontier { try base.treeState() }
    func scan(from seq: UInt64, until end: UInt64?, _ body: ([StoredRecord]) throws -> Bool) throws { try base.scan(from: seq, until: end, body) }
    func records(caseID: String) throws -> [StoredRecord] { try base.records(caseID: caseID) }
    func record(seq: UInt64) throws -> StoredRecord? { try base.record(seq: seq) }
    func leafHashes(_ range: Range<UInt64>) throws -> [(seq: UInt64, hash: Hash)] { try base.leafHashes(range) }
    func node(level: UInt8, index: UInt64) throws -> Hash? { try base.node(level: level, index: index) }
    func nodes() throws -> [(level: UInt8, index: UInt64, hash: Hash)] { try base.nodes() }
    func checkpoints() throws -> [Checkpoint] { try base.checkpoints() }
    func policy(digest: String) throws -> ArchivedPolicy? { try base.policy(digest: digest) }
    func close() { base.close() }
}

/// A flag set on one thread and read on another.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

/// The outage changes a writer reported.
final class Changes: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Bool] = []
    func add(_ e: Error?) { lock.lock(); seen.append(e != nil); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return seen.count }
}

/// One value handed from another thread.
final class Box<T>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: T?
    func set(_ v: T) { condition.lock(); value = v; condition.broadcast(); condition.unlock() }
    func wait() -> T {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}
