import Foundation
import Synchronization
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Real processes: two writers appending to one log at once, and a writer killed with SIGKILL.
@Suite("decision log writers", .serialized)
struct WriterProcessTests {
    static func start(_ args: [String], stdout: URL) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: verdictBinary)
        p.arguments = args
        p.currentDirectoryURL = repositoryRoot
        FileManager.default.createFile(atPath: stdout.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: stdout)
        FileManager.default.createFile(atPath: stdout.path + ".err", contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stdout.path + ".err"))
        try p.run()
        return p
    }

    static func caseIDs(in log: any DecisionLog) throws -> [String] {
        var ids: [String] = []
        try log.scan(from: 0, until: nil) { chunk in ids += chunk.map(\.caseID); return true }
        return ids
    }

    static func open(_ location: String, create: Bool = false) throws -> any DecisionLog {
        PostgresDecisionLog.registerScheme()
        return try DecisionLogs.open(location, create: create)
    }

    @Test func twoWriterProcessesAtOnceRecordEveryDecisionOnceOnSQLite() throws { try twoWriterProcessesAtOnceRecordEveryDecisionOnce(.sqlite) }
    @Test(.needsPostgreSQL) func twoWriterProcessesAtOnceRecordEveryDecisionOnceOnPostgreSQL() throws { try twoWriterProcessesAtOnceRecordEveryDecisionOnce(.postgres) }
    func twoWriterProcessesAtOnceRecordEveryDecisionOnce(_ backend: Backend) throws {
        let folder = try temporaryFolder("two")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        // Create the log first, so both writers find it (two writers creating one log at once are the
        // next test's).
        try Self.open(location, create: true).close()
        let a = renamed(try generatedCases(6000, seed: 1), prefix: "a-"), b = renamed(try generatedCases(6000, seed: 2), prefix: "b-")
        try write(a, to: folder.appendingPathComponent("a.jsonl"))
        try write(b, to: folder.appendingPathComponent("b.jsonl"))
        let policy = shippedPolicyPath("quality-complaints")
        let pa = try Self.start(["decide", "--policies", policy, "--batch", folder.appendingPathComponent("a.jsonl").path, "--log", location],
                                stdout: folder.appendingPathComponent("a.out"))
        let pb = try Self.start(["decide", "--policies", policy, "--batch", folder.appendingPathComponent("b.jsonl").path, "--log", location],
                                stdout: folder.appendingPathComponent("b.out"))
        pa.waitUntilExit()
        pb.waitUntilExit()
        let errors = ["a", "b"].map { (try? String(contentsOf: folder.appendingPathComponent("\($0).out.err"), encoding: .utf8)) ?? "" }
        #expect(pa.terminationStatus == 0 && pb.terminationStatus == 0, "\(errors)")
        let log = try Self.open(location)
        defer { log.close() }
        let ids = try Self.caseIDs(in: log)
        #expect(ids.count == 12000)
        #expect(Set(ids).count == 12000, "every decision recorded once")
        #expect(Set(ids) == Set((a + b).map(DecisionLogBehaviourTests.caseID)))
        // Each writer's records keep its order, and both interleave (they really ran at once) or not — either is valid.
        let aOrder = ids.filter { $0.hasPrefix("a-") }
        #expect(aOrder == a.map(DecisionLogBehaviourTests.caseID))
        let report = try LogVerifier.verify(log)
        // Each batch's version activated and retired: four events beside the decisions.
        #expect(report.decisionRecords == 12000 && report.events == 4, "\(report.records) leaves, \(report.events) events")
    }

    /// Two writers opening a log that does not exist yet, at the same moment, 150 times: both open it (one
    /// creates it, the other finds it), and it is one log. Both switch the new file to WAL; SQLite refuses
    /// one of two such switches at once, without its busy timeout, and the open tries it again.
    @Test func twoWritersCreatingOneLogAtOnceBothOpenIt() throws {
        let folder = try temporaryFolder("create")
        defer { try? FileManager.default.removeItem(at: folder) }
        for round in 0..<150 {
            let path = folder.appendingPathComponent("log\(round).db").path
            let results = Mutex<[Result<String, Error>]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                let opened = Result { () throws -> String in
                    let log = try SQLiteDecisionLog(path: path, create: true)
                    defer { log.close() }
                    return log.logID
                }
                results.withLock { $0.append(opened) }
            }
            let ids = try results.withLock { r in try r.map { try $0.get() } }
            #expect(ids.count == 2 && ids[0] == ids[1], "round \(round): \(ids)")
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    /// kill -9 at random moments, 20 times: no decision the writer printed (acknowledged) is missing,
    /// and the log verifies after every kill.
    @Test func killedWriterLosesNoAcknowledgedDecisionOnSQLite() throws { try killedWriterLosesNoAcknowledgedDecision(.sqlite) }
    @Test(.needsPostgreSQL) func killedWriterLosesNoAcknowledgedDecisionOnPostgreSQL() throws { try killedWriterLosesNoAcknowledgedDecision(.postgres) }
    func killedWriterLosesNoAcknowledgedDecision(_ backend: Backend) throws {
        let folder = try temporaryFolder("kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let location = try backend.freshLocation(in: folder)
        let policy = shippedPolicyPath("quality-complaints")
        var rng = SystemRandomNumberGenerator()
        let deadline = Date().addingTimeInterval(240)
        var kills = 0
        // The log exists before the first kill (a writer killed while creating it leaves no log, which is fine, but nothing to check).
        let first = try verdict(["decide", "--policies", policy, "--case", policy + "/examples/henan-tier3.json", "--log", location])
        #expect(first.status == 0, "\(first.stderr)")
        let generated = try generatedCases(30000, seed: 100)
        for round in 0..<20 where Date() < deadline {
            let cases = renamed(generated, prefix: "r\(round)-")
            let input = folder.appendingPathComponent("r.jsonl")
            try write(cases, to: input)
            let out = folder.appendingPathComponent("r\(round).out")
            let before = try { () throws -> UInt64 in
                let log = try Self.open(location)
                defer { log.close() }
                return try log.treeState().size
            }()
            let p = try Self.start(["decide", "--policies", policy, "--batch", input.path, "--log", location], stdout: out)
            usleep(UInt32.random(in: 50_000...900_000, using: &rng))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            }
            p.waitUntilExit()
            // Acknowledged: every complete line the writer printed.
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            var printed = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            if !text.hasSuffix("\n"), !printed.isEmpty { printed.removeLast() }
            let log = try Self.open(location)
            defer { log.close() }
            let state = try log.treeState()
            #expect(state.size >= before + UInt64(printed.count), "round \(round): \(printed.count) acknowledged, \(state.size - before) recorded")
            var recorded: [String] = []
            try log.scan(from: before, until: nil) { chunk in recorded += chunk.map(\.caseID); return true }
            let acknowledged = printed.map { line -> String in
                guard case .string(let s)? = try? JSONReader.parse(line).member("case") else { return "?" }
                return s
            }
            #expect(Array(recorded.prefix(acknowledged.count)) == acknowledged, "round \(round)")
            let report = try LogVerifier.verify(log)
            #expect(report.records == state.size)
        }
        #expect(kills >= 10, "the writer was killed while running in at least half the rounds (\(kills))")
    }
}
