import Foundation
import Testing
@testable import Verdict

/// End-to-end runs of the built `verdict` binary: the command line is a contract used outside the project.
@Suite("verdict command line")
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: URL {
        // `swift test` builds the executable beside the test bundle.
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        for candidate in [bundleDir.appendingPathComponent("verdict"), repositoryRoot.appendingPathComponent(".build/debug/verdict")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return repositoryRoot.appendingPathComponent(".build/debug/verdict")
    }

    func run(_ args: [String], stdin: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = repositoryRoot
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    static let policy = "policies/quality-complaints"

    @Test func checkCleanPolicy() throws {
        let r = try run(["check", Self.policy])
        #expect(r.status == 0)
        #expect(r.stdout.contains("quality-complaints 1.0.0: ok"))
    }

    @Test func checkBrokenPolicyReportsLocationsAndExits1() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-broken-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(Self.policy), to: dir)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a5-approval.yaml")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "when: cost <= 300", with: "when: cots <= 300")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = try run(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("a5-approval.yaml:21:15: error: unknown field or output `cots`"))
        #expect(r.stderr.contains("help: did you mean `cost`?"))
        let j = try run(["check", dir.path, "--format", "json"])
        #expect(j.status == 1)
        let json = try JSONReader.parse(j.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["errors"] == .number("1"))
    }

    @Test func decideOneCase() throws {
        let r = try run(["decide", "--policies", Self.policy, "--case", "policies/quality-complaints/examples/henan-tier3.json"])
        #expect(r.status == 0)
        let json = try JSONReader.parse(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(json["case"] == .string("Q-2026-0042"))
        #expect(json["outputs"]?["tier"] == .number("3"))
        #expect(json["outputs"]?["approver"] == .string("head_office"))
        #expect(json["explanation"] == nil)
    }

    @Test func decideFromStdinWithExplanation() throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("policies/quality-complaints/examples/pig-hair.json"), encoding: .utf8)
        let r = try run(["decide", "--policies", Self.policy, "--case", "-", "--explain"], stdin: text)
        #expect(r.status == 0)
        #expect(r.stdout.contains(#""explanation":{"#))
    }

    @Test func batchKeepsOrderAndSurvivesBadLines() throws {
        let good = try String(contentsOf: repositoryRoot.appendingPathComponent("policies/quality-complaints/examples/pig-hair.json"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let bad = good.replacingOccurrences(of: "Q-2026-0001", with: "Q-BAD").replacingOccurrences(of: "\"pig_hair\"", with: "\"fyl\"")
        let second = good.replacingOccurrences(of: "Q-2026-0001", with: "Q-2")
        let r = try run(["decide", "--policies", Self.policy, "--batch", "-"], stdin: [good, bad, "{not json", second].joined(separator: "\n") + "\n")
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix(#"{"case":"Q-2026-0001","policy""#))
        #expect(lines[1].hasPrefix(#"{"case":"Q-BAD","line":2,"error":{"#))
        #expect(lines[1].contains("did you mean `fly`?"))
        #expect(lines[2].hasPrefix(#"{"case":null,"line":3,"error":{"#))
        #expect(lines[3].hasPrefix(#"{"case":"Q-2","policy""#))
    }

    @Test func policyThatDoesNotLoadExits2() throws {
        let r = try run(["decide", "--policies", "/nonexistent", "--case", "-"], stdin: "{}")
        #expect(r.status == 2)
        #expect(r.stderr.contains("is not a folder"))
    }

    @Test func explainInChinese() throws {
        let r = try run(["explain", "--policies", Self.policy, "--case", "policies/quality-complaints/examples/henan-tier3.json", "--lang", "zh"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("例外规则 henan-finance: 河南区域财务签字"))
        #expect(r.stdout.contains("→ tier (问题类别) = 3 (规则 tier3-hospitalised)"))
    }

    @Test func parallelBatchKeepsInputOrderAndMatchesOneThread() throws {
        var generator = CaseGenerator(policy: qualityComplaints, seed: 5)
        var lines = (0..<5000).map { _ in generator.nextJSON() }
        for k in stride(from: 7, to: lines.count, by: 997) { lines[k] = #"{"id": "bad-\#(k)", "cost": "x"}"# }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-batch-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let args = ["decide", "--policies", Self.policy, "--batch", file.path, "--now", "2026-06-01T12:00:00+08:00"]
        let one = try run(args + ["--jobs", "1"])
        let two = try run(args + ["--jobs", "2"])
        let four = try run(args + ["--jobs", "4", "--explain"])
        #expect(one.status == 1 && two.status == 1 && four.status == 1)
        let refused = lines.filter { (try? qualityComplaints.decide(json: Array($0.utf8), now: t("2026-06-01T12:00:00+08:00"))) == nil }.count
        #expect(refused >= 5)
        #expect(one.stderr.contains("\(refused) cases could not be decided"))
        #expect(two.stderr == one.stderr)
        #expect(two.stdout == one.stdout)
        let out = one.stdout.split(separator: "\n")
        #expect(out.count == 5000)
        #expect(out[7].contains(#""case":"bad-7","line":8"#))
        let explained = four.stdout.split(separator: "\n")
        #expect(explained.count == 5000)
        // In order: the n-th output line is the n-th case.
        for k in [0, 1, 511, 512, 2047, 2048, 4999] {
            let id = try #require(lines[k].firstMatch(of: /"id":"([^"]+)"/)?.1 ?? lines[k].firstMatch(of: /"id": "([^"]+)"/)?.1)
            #expect(out[k].hasPrefix(#"{"case":"\#(id)""#))
            #expect(explained[k].hasPrefix(#"{"case":"\#(id)""#))
        }
    }

    @Test func aFailedWriteIsAnErrorExit() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { Issue.record("/dev/full is missing"); return }
        for args in [["decide", "--policies", Self.policy, "--case", "policies/quality-complaints/examples/henan-tier3.json"],
                     ["decide", "--policies", Self.policy, "--batch", "-", "--jobs", "1"],
                     ["decide", "--policies", Self.policy, "--batch", "-", "--jobs", "2"]] {
            let p = Process()
            p.executableURL = Self.binary
            p.arguments = args
            p.currentDirectoryURL = repositoryRoot
            p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            let input = Pipe(), err = Pipe()
            p.standardInput = input
            p.standardError = err
            try p.run()
            input.fileHandleForWriting.write(Data((try String(contentsOfFile: repositoryRoot.appendingPathComponent("policies/quality-complaints/examples/henan-tier3.json").path, encoding: .utf8)
                .replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
            try input.fileHandleForWriting.close()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 1, "\(args)")
            #expect(e.contains("cannot write the output: No space left on device"), "\(args): \(e)")
        }
    }
}
