#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Verdict
import VerdictAudit
import VerdictChanges
@testable import VerdictServer

/// A kill -9 during an approved proposal's activation (issue 32) leaves either the old or the new set
/// serving, never a mix: the built `verdict serve` is killed at the two worst moments — before the
/// activation's plan is committed, and after the first of its two files is moved into place (the files
/// on disk are then a mix that would fail the set's tests) — and started again.
@Suite("kill -9 during activation", .serialized)
struct ActivationCrashTests {
    struct Run {
        let process: Process
        let port: Int
        let log: EndToEndTests.TextBuffer
    }

    /// `verdict serve` with `extra` environment, waited for until it listens.
    static func serve(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = EndToEndTests.binary
        process.arguments = ["serve", "--port", "0", "--host", "127.0.0.1", "--watch-interval", "0"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let log = EndToEndTests.TextBuffer()
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; return }
            log.append(String(decoding: data, as: UTF8.self))
        }
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline, process.isRunning {
            if let r = log.text.range(of: #"listening on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression),
               let port = Int(log.text[r].split(separator: ":").last ?? "") {
                return Run(process: process, port: port, log: log)
            }
            usleep(20_000)
        }
        process.terminate()
        throw EndToEndTests.ServerError(message: "the server did not start: \(log.text)")
    }

    static func wait(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return !process.isRunning
    }

    @Test(arguments: ["before-commit", "after-first-rename"])
    func aKillDuringActivationLeavesTheOldOrTheNewSet(_ point: String) throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let root = copy.root.path
        let editor = "editor-token-0123456789abcdef", approver = "approver-token-0123456789abcdef"
        try """
        users:
          - name: li.wei
            role: editor
            token_sha256: \(UserDirectory.hash(token: editor))
          - name: wang.fang
            role: approver
            token_sha256: \(UserDirectory.hash(token: approver))
        """.write(toFile: root + "/users.yaml", atomically: true, encoding: .utf8)
        let arguments = ["--policies", copy.path, "--users-file", root + "/users.yaml", "--log", "sqlite:" + root + "/log.db", "--proposals", root + "/proposals"]
        let oldRules = try copy.read("a2-handling.yaml"), oldTests = try copy.read("quality-complaints.test.yaml")

        let first = try Self.serve(arguments, environment: ["VERDICT_FAILPOINT_ACTIVATION": point])
        defer { if first.process.isRunning { first.process.terminate() } }
        let before = try HTTP.request(port: first.port, "GET", "/v1/policies/quality-complaints", headers: ["Authorization": "Bearer \(editor)"]).json["digest"] as? String
        let proposed = try HTTP.request(port: first.port, "POST", "/v1/proposals", headers: ["Authorization": "Bearer \(editor)"], body: try ChangeRoutesTests.bandChange(copy))
        #expect(proposed.status == 201, "\(proposed.body.prefix(300))")
        let candidate = try #require(proposed.json["candidate_digest"] as? String)
        // The approval kills the server midway: no answer comes.
        _ = try? HTTP.request(port: first.port, "POST", "/v1/proposals/P1/approve", headers: ["Authorization": "Bearer \(approver)"], body: #"{"revision":1}"#)
        #expect(Self.wait(first.process, seconds: 30))
        #expect(first.process.terminationReason == .uncaughtSignal && first.process.terminationStatus == SIGKILL)
        let staging = try FileManager.default.contentsOfDirectory(atPath: copy.path).filter { $0.hasPrefix(SetWriter.stagingPrefix) }
        #expect(staging.count == 1, "the killed activation left its staging folder")
        if point == "after-first-rename" {
            // On disk, a mix: the new rules beside the old tests (which the new rules fail).
            #expect(try copy.read("a2-handling.yaml") != oldRules && copy.read("quality-complaints.test.yaml") == oldTests)
        }

        let second = try Self.serve(arguments)
        defer { second.process.terminate(); _ = Self.wait(second.process, seconds: 10) }
        let serving = try HTTP.request(port: second.port, "GET", "/v1/policies/quality-complaints", headers: ["Authorization": "Bearer \(editor)"]).json["digest"] as? String
        let proposal = try HTTP.request(port: second.port, "GET", "/v1/proposals/P1", headers: ["Authorization": "Bearer \(editor)"]).json
        let rules = try copy.read("a2-handling.yaml"), tests = try copy.read("quality-complaints.test.yaml")
        #expect(try FileManager.default.contentsOfDirectory(atPath: copy.path).filter { $0.hasPrefix(SetWriter.stagingPrefix) }.isEmpty)
        if point == "before-commit" {
            // Not committed: the old set, untouched, and the proposal refused.
            #expect(serving == before && rules == oldRules && tests == oldTests)
            #expect(proposal["state"] as? String == "refused")
            #expect(second.log.text.contains("discarded the uncommitted activation"))
        } else {
            // Committed: finished at start-up, the new set whole, and the proposal activated.
            #expect(serving == candidate && rules != oldRules && tests != oldTests)
            #expect(proposal["state"] as? String == "activated")
            #expect(second.log.text.contains("finished the interrupted activation"))
        }
        second.process.terminate()
        #expect(Self.wait(second.process, seconds: 20))
        let log = try DecisionLogs.open("sqlite:" + root + "/log.db", create: false, readOnly: true)
        defer { log.close() }
        _ = try LogVerifier.verify(log)
        let steps = try ChangeHistory.of(log, set: "quality-complaints").steps.map(\.step)
        #expect(steps == [.proposed, .approved, point == "before-commit" ? .refused : .activated])
    }

    @Test func anActivationThatCannotBeFinishedStopsTheStart() throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let staging = copy.path + "/" + SetWriter.stagingPrefix + "P9"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try #"{"writes":[{"path":"../outside.yaml","staged":"0"}],"removes":[]}"#.write(toFile: staging + "/plan.json", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = EndToEndTests.binary
        process.arguments = ["serve", "--port", "0", "--host", "127.0.0.1", "--watch-interval", "0", "--policies", copy.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains("not a plan Verdict wrote"), "\(output.suffix(500))")
        #expect(!output.contains("listening on"))
    }
}
