import Foundation
import Testing
@testable import Verdict

/// Policy versions by effective date at the command line: check, decide, explain, test, diff, the log,
/// on the illustrative example set `policies/examples/quality-complaints-amended` (section A as 1.0.0,
/// and an invented amendment 2.0.0 of 2027-01-01).
extension CommandLineTests {
    /// The example set with versions (not the document: see its manifest).
    static let amended = "policies/examples/quality-complaints-amended"

    /// The Henan example received at `received`, for 400 yuan, on one line.
    static func versionedCase(_ received: String, id: String) throws -> String {
        let text = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        return text.replacingOccurrences(of: #""received_at": "2026-03-02T09:15:00+08:00""#, with: #""received_at": "\#(received)""#)
            .replacingOccurrences(of: "  \"resolved_at\": \"2026-03-04T17:00:00+08:00\",\n  \"last_contact_at\": \"2026-03-03T10:00:00+08:00\",\n", with: "")  // its events, dated 2026-03, would precede a later receipt
            .replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "400.00""#)
            .replacingOccurrences(of: #""id": "Q-2026-0042""#, with: #""id": "\#(id)""#)
            .replacingOccurrences(of: "\n", with: " ")
    }

    static func lines(_ stdout: String) -> [[String: Any]] {
        stdout.split(separator: "\n").map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
    }

    @Test func checkListsEachVersionWithItsDate() throws {
        let r = try run(["check", Self.amended])
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout.split(separator: "\n")
        #expect(out.count == 3)
        #expect(out[0].hasPrefix("quality-complaints-amended 1.0.0: ok, 6 decisions, sha256:") && out[0].hasSuffix(", in force from 2011-06-12 (policies/examples/quality-complaints-amended)"))
        #expect(out[1].hasPrefix("quality-complaints-amended 2.0.0: ok, 6 decisions, sha256:") && out[1].hasSuffix(", in force from 2027-01-01 (policies/examples/quality-complaints-amended/versions/2.0.0)"))
        #expect(out[2] == "each case is decided by the version in force on its `received_at`")
        // A set of one version prints one line, as before.
        let single = try run(["check", "policies/service-standards"])
        #expect(single.stdout.split(separator: "\n").count == 1 && !single.stdout.contains("in force"))
    }

    @Test func theShippedQualityComplaintsIsOneVersionThatDecides2027ByTheDocument() throws {
        let r = try run(["check", Self.policy])
        #expect(r.status == 0, "\(r.stderr)")
        // One version (dated by `effective_by`, so a case before 2011-06-12 is refused), no other.
        let out = r.stdout.split(separator: "\n")
        #expect(out.count == 2 && !r.stdout.contains("2.0.0") && !r.stdout.contains("versions/"), "\(r.stdout)")
        #expect(out.first?.hasPrefix("quality-complaints 1.0.0: ok, 6 decisions, sha256:") == true && out.first?.hasSuffix(", in force from 2011-06-12 (policies/quality-complaints)") == true)
        #expect(!FileManager.default.fileExists(atPath: shippedPolicyPath("quality-complaints") + "/versions"))
        let d = try run(["decide", "--policies", Self.policy, "--case", "-"], stdin: try Self.versionedCase("2027-01-01T00:00:00+08:00", id: "JAN"))
        #expect(d.status == 0, "\(d.stderr)")
        let decision = Self.lines(d.stdout).first ?? [:]
        #expect((decision["policy"] as? [String: Any])?["version"] as? String == "1.0.0")
        #expect((decision["outputs"] as? [String: Any])?["approver"] as? String == "division_manager")
    }

    @Test func checkRefusesTwoVersionsOnOneDateAtTheirLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(Self.amended), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("versions/2.0.0/policy.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "effective: 2027-01-01", with: "effective: 2011-06-12").write(to: manifest, atomically: true, encoding: .utf8)
        let r = try run(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("versions/2.0.0/policy.yaml:7:14: error: version 2.0.0 and version 1.0.0 both take effect on 2011-06-12: a case of that date would have two versions in force [duplicate-effective-date]")
                || r.stderr.contains("versions/2.0.0/policy.yaml:7:14: error: version 2.0.0 and version 1.0.0 both take effect on 2011-06-12"), "\(r.stderr)")
        #expect(r.stderr.contains("policy.yaml:6:14: note: version 1.0.0 takes effect here") || r.stderr.contains("version 1.0.0 takes effect here"), "\(r.stderr)")
        // And in JSON, for editors and CI.
        let j = try run(["check", dir.path, "--format", "json"])
        #expect(j.stdout.contains(#""code":"duplicate-effective-date""#) || j.stdout.contains(#""code": "duplicate-effective-date""#), "\(j.stdout)")
    }

    @Test func checkRefusesAVersionThatNamesNoEffectiveBy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(Self.amended), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let manifest = dir.appendingPathComponent("versions/2.0.0/policy.yaml")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "  effective_by: received_at\n", with: "").write(to: manifest, atomically: true, encoding: .utf8)
        let r = try run(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("versions/2.0.0/policy.yaml:5:3: error: version 1.0.0 picks its cases by `effective_by: received_at`, but version 2.0.0 names no `effective_by`"), "\(r.stderr)")
    }

    @Test func decideNamesTheVersionOfEachCaseInABatchOnOneOrTwoThreads() throws {
        let batch = [try Self.versionedCase("2026-12-31T23:59:59+08:00", id: "DEC"), try Self.versionedCase("2027-01-01T00:00:00+08:00", id: "JAN"),
                     try Self.versionedCase("2010-01-01T00:00:00+08:00", id: "OLD")].joined(separator: "\n") + "\n"
        for jobs in ["1", "2"] {
            let r = try run(["decide", "--policies", Self.amended, "--batch", "-", "--jobs", jobs, "--now", "2027-02-01T00:00:00+08:00"], stdin: batch)
            #expect(r.status == 1)
            let out = Self.lines(r.stdout)
            #expect(out.count == 3)
            #expect(out.prefix(2).map { ($0["policy"] as? [String: Any])?["version"] as? String } == ["1.0.0", "2.0.0"])
            #expect(out.prefix(2).map { ($0["outputs"] as? [String: Any])?["approver"] as? String } == ["division_manager", "branch_manager"])
            let problem = ((out[2]["error"] as? [String: Any])?["problems"] as? [[String: Any]])?.first
            #expect(problem?["code"] as? String == "before-first-version")
            #expect((problem?["message"] as? String)?.contains("before 2011-06-12, when the earliest version of `quality-complaints-amended` (1.0.0) took effect") == true)
        }
    }

    @Test func explainUsesTheVersionOfTheCase() throws {
        let r = try run(["explain", "--policies", Self.amended, "--case", "-"], stdin: try Self.versionedCase("2027-01-04T10:00:00+08:00", id: "JAN"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2.0.0"))
        #expect(r.stdout.contains("band-up-to-500"))
        let old = try run(["explain", "--policies", Self.amended, "--case", "-"], stdin: try Self.versionedCase("2026-12-04T10:00:00+08:00", id: "DEC"))
        #expect(old.stdout.contains("1.0.0") && old.stdout.contains("band-300-to-1000"))
    }

    @Test func whyNotAnswersComeFromTheVersionOfTheCase() throws {
        func ask(_ file: String) throws -> Run {
            try run(["explain", "--policies", Self.amended, "--case", Self.amended + "/examples/\(file).json",
                     "--now", "2027-01-05T09:00:00+08:00", "--why-not", "approver=branch_manager", "--why-not", "approver=division_manager"])
        }
        let december = try ask("amount-400-2026-12-31")
        #expect(december.status == 0, "\(december.stderr)")
        #expect(december.stdout.hasPrefix("Case Q-2026-1231 — policy quality-complaints-amended 1.0.0 (effective 2011-06-12)\n"), "\(december.stdout)")
        #expect(december.stdout.contains("It would be branch_manager (branch manager) if\n    handling cost incl. compensation (yuan) [cost] ≤ 300.00 (it is 400.00)"), "\(december.stdout)")
        let january = try ask("amount-400-2027-01-01")
        #expect(january.status == 0, "\(january.stderr)")
        #expect(january.stdout.hasPrefix("Case Q-2027-0101 — policy quality-complaints-amended 2.0.0 (effective 2027-01-01)\n"), "\(january.stdout)")
        #expect(january.stdout.contains("It would be division_manager (division manager) if\n    handling cost incl. compensation (yuan) [cost] > 500.00 and ≤ 1,000.00 (it is 400.00)"), "\(january.stdout)")
    }

    @Test func testRunsEveryVersionsOwnTests() throws {
        let r = try run(["test", Self.amended])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("quality-complaints-amended 1.0.0 (in force from 2011-06-12, policies/examples/quality-complaints-amended):\n  26 passed, 0 failed"), "\(r.stdout)")
        #expect(r.stdout.contains("quality-complaints-amended 2.0.0 (in force from 2027-01-01, policies/examples/quality-complaints-amended/versions/2.0.0):\n  28 passed, 0 failed"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("all versions: 54 passed, 0 failed\n"))
        let j = try run(["test", Self.amended, "--format", "json"])
        let reports = Self.lines(j.stdout)
        #expect(reports.map { $0["version"] as? String } == ["1.0.0", "2.0.0"])
        #expect(reports.map { ($0["report"] as? [String: Any])?["passed"] as? Int } == [26, 28])
    }

    @Test func testFailsWhenOneVersionsTestFails() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(Self.amended), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tests = dir.appendingPathComponent("versions/2.0.0/quality-complaints.test.yaml")
        let text = try String(contentsOf: tests, encoding: .utf8)
        try text.replacingOccurrences(of: "- name: 500.00 is the top of the amended first band\n    case: {cost: \"500.00\"}", with: "- name: 500.00 is the top of the amended first band\n    case: {cost: \"500.01\"}")
            .write(to: tests, atomically: true, encoding: .utf8)
        let r = try run(["test", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("  26 passed, 0 failed"))
        #expect(r.stdout.contains("versions/2.0.0/quality-complaints.test.yaml:"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("all versions: 53 passed, 1 failed\n"), "\(r.stdout)")
    }

    @Test func diffBetweenTwoVersionsOfTheSet() throws {
        let cases = [try Self.versionedCase("2026-12-31T23:59:59+08:00", id: "DEC"), try Self.versionedCase("2027-01-01T00:00:00+08:00", id: "JAN")].joined(separator: "\n") + "\n"
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-\(UUID().uuidString).jsonl")
        try cases.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let r = try run(["diff", Self.amended, Self.amended + "/versions/2.0.0", "--cases", path.path])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("quality-complaints-amended 1.0.0 ("), "\(r.stdout)")
        #expect(r.stdout.contains("-> quality-complaints-amended 2.0.0 ("))
        #expect(r.stdout.contains("band-up-to-500"), "\(r.stdout)")
        #expect(r.stdout.contains("DEC") && r.stdout.contains("JAN"), "\(r.stdout)")
    }

    @Test func theDecisionLogArchivesEveryVersionAndRecordsTheOneThatDecided() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = "sqlite:" + dir.appendingPathComponent("decisions.db").path
        let batch = [try Self.versionedCase("2026-12-31T23:59:59+08:00", id: "DEC"), try Self.versionedCase("2027-01-01T00:00:00+08:00", id: "JAN")].joined(separator: "\n") + "\n"
        let r = try run(["decide", "--policies", Self.amended, "--batch", "-", "--log", log], stdin: batch)
        #expect(r.status == 0, "\(r.stderr)")
        let jan = try run(["audit", "show", "JAN", "--log", log])
        #expect(jan.status == 0, "\(jan.stderr)")
        #expect(jan.stdout.contains("quality-complaints-amended 2.0.0"), "\(jan.stdout)")
        #expect(jan.stdout.contains("band-up-to-500"), "\(jan.stdout)")
        let dec = try run(["audit", "show", "DEC", "--log", log])
        #expect(dec.stdout.contains("quality-complaints-amended 1.0.0"), "\(dec.stdout)")
    }
}
