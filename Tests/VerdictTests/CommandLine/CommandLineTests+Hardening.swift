import Foundation
import Testing
@testable import Verdict

/// Issue 15 at the command line: no silent loss, no silent success, bounded lines.
extension CommandLineTests {
    /// A scratch folder with a small policy over `n: integer` whose clock overflows for a huge `du`.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-harden-\(UUID().uuidString)")
        let policy = dir.appendingPathComponent("p")
        try FileManager.default.createDirectory(at: policy, withIntermediateDirectories: true)
        try manifestYAML.write(to: policy.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        try "fields:\n  id: string\n  n: integer\n  t: timestamp\n  du: duration\n".write(to: policy.appendingPathComponent("schema.yaml"), atomically: true, encoding: .utf8)
        try """
        clocks:
          k:
            start: t + du
            target: 1h
            outputs: {due: k_due}
        decisions:
          d:
            outputs: {big: bool}
            rules:
              - when: n > 10
                then: {big: true}
              - when: n <= 10
                then: {big: false}
        measures:
          share_big:
            kind: share
            of: big
            target: ">= 0%"

        """.write(to: policy.appendingPathComponent("d.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    static func line(_ id: String, n: Int = 1, du: String = "1h") -> String {
        #"{"id": "\#(id)", "n": \#(n), "t": "2026-01-01T00:00:00Z", "du": "\#(du)"}"#
    }

    /// Runs with standard output on /dev/full, where every write fails with ENOSPC.
    func runToFullDisk(_ args: [String]) throws -> Run {
        let p = Process()
        p.executableURL = Self.binary
        p.arguments = args
        p.currentDirectoryURL = repositoryRoot
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let err = Pipe()
        p.standardOutput = full
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: "", stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func aCaseThatOverflowsCostsOnlyItself() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        var lines = (0..<10).map { Self.line("c\($0)") }
        lines.insert(Self.line("bad", du: "106751991167d"), at: 5)
        let batch = dir.appendingPathComponent("batch.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: batch, atomically: true, encoding: .utf8)
        for jobs in ["1", "2"] {
            let r = try run(["decide", "--policies", dir.appendingPathComponent("p").path, "--batch", batch.path, "--jobs", jobs])
            #expect(r.status == 1, "\(r.stderr)")
            let out = r.stdout.split(separator: "\n")
            #expect(out.count == 11)
            #expect(out.filter { $0.contains(#""outputs""#) }.count == 10)
            #expect(out[5].contains(#""line":6"#) && out[5].contains("arithmetic-overflow"), "\(out[5])")
        }
    }

    @Test(arguments: [["check", "policies/quality-complaints"],
                      ["check", "policies/quality-complaints", "--format", "json"],
                      ["decide", "--policies", "policies/quality-complaints", "--case", "policies/quality-complaints/examples/henan-tier3.json"],
                      ["explain", "--policies", "policies/quality-complaints", "--case", "policies/quality-complaints/examples/henan-tier3.json"],
                      ["generate", "--policies", "policies/quality-complaints", "--count", "10"],
                      ["schema", "language"],
                      ["test", "policies/quality-complaints"]])
    func aFailedWriteIsAnErrorExit(_ args: [String]) throws {
        let r = try runToFullDisk(args)
        #expect(r.status == 1, "\(args): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("cannot write the output"), "\(args): \(r.stderr)")
    }

    @Test func aFolderOrAnUnreadableFileAsInputIsAnError() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p").path
        for args in [["decide", "--policies", policy, "--batch", dir.path], ["decide", "--policies", policy, "--batch", dir.path, "--jobs", "1"],
                     ["decide", "--policies", policy, "--case", dir.path], ["measure", "--policies", policy, "--batch", dir.path],
                     ["decide", "--policies", policy, "--case", dir.appendingPathComponent("missing.json").path],
                     ["explain", "--policies", policy, "--case", dir.appendingPathComponent("missing.json").path]] {
            let r = try run(args)
            #expect(r.status == 66, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("is a folder") || r.stderr.contains("cannot read"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("did not load"))
        }
    }

    @Test func anEmptyBatchIsSaidNotImplied() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p").path
        let empty = dir.appendingPathComponent("empty.jsonl")
        try "\n  \n".write(to: empty, atomically: true, encoding: .utf8)
        for jobs in ["1", "2"] {
            let r = try run(["decide", "--policies", policy, "--batch", empty.path, "--jobs", jobs])
            #expect(r.status == 1)
            #expect(r.stderr.contains("0 cases decided"), "\(r.stderr)")
        }
        let m = try run(["measure", "--policies", policy, "--batch", empty.path])
        #expect(m.status == 1)
        #expect(m.stderr.contains("no case of"), "\(m.stderr)")
        #expect(!m.stdout.contains("declares no measures") && !m.stdout.contains("no measures:"), "\(m.stdout)")
        let refused = dir.appendingPathComponent("refused.jsonl")
        try "{}\n{\"id\": 3}\n".write(to: refused, atomically: true, encoding: .utf8)
        let all = try run(["measure", "--policies", policy, "--batch", refused.path])
        #expect(all.status == 1)
        #expect(all.stdout.contains("0 cases decided, 2 refused"), "\(all.stdout)")
        let d = try run(["diff", policy, policy, "--cases", empty.path])
        #expect(d.status == 1)
        #expect(d.stderr.contains("0 cases replayed"))
    }

    @Test func aDiffThatCouldNotCompareIsNotASuccess() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let old = dir.appendingPathComponent("p")
        let new = dir.appendingPathComponent("q")
        try FileManager.default.copyItem(at: old, to: new)
        let rules = new.appendingPathComponent("d.yaml")
        // A rule over arithmetic: the regions cannot be compared, only cases can.
        let text = try String(contentsOf: rules, encoding: .utf8).replacingOccurrences(of: "when: n > 10", with: "when: n + 1 > 12")
            .replacingOccurrences(of: "when: n <= 10", with: "when: n + 1 <= 12")
        try text.write(to: rules, atomically: true, encoding: .utf8)
        let r = try run(["diff", old.path, new.path])
        #expect(r.stdout.contains("not compared"), "\(r.stdout)")
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stderr.contains("--cases"))
    }

    @Test func aLineOverTheLimitIsRefusedWithItsNumberAndTheBatchGoesOn() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("p").path
        let padded = #"{"id": "long", "pad": ""# + String(repeating: " ", count: 5000) + #""}"#
        let batch = dir.appendingPathComponent("batch.jsonl")
        try ([Self.line("a"), padded, Self.line("b")].joined(separator: "\n") + "\n").write(to: batch, atomically: true, encoding: .utf8)
        for jobs in ["1", "2"] {
            let r = try run(["decide", "--policies", policy, "--batch", batch.path, "--max-line-bytes", "1000", "--jobs", jobs])
            #expect(r.status == 1)
            let out = r.stdout.split(separator: "\n")
            #expect(out.count == 3)
            #expect(out[1].contains(#""line":2"#) && out[1].contains("case-too-large") && out[1].contains("5025 bytes"), "\(out[1])")
            #expect(out[2].contains(#""case":"b""#))
        }
        let m = try run(["measure", "--policies", policy, "--batch", batch.path, "--max-line-bytes", "1000"])
        #expect(m.stdout.contains("2 cases decided, 1 refused"), "\(m.stdout)")
        let one = dir.appendingPathComponent("one.json")
        try padded.write(to: one, atomically: true, encoding: .utf8)
        let c = try run(["decide", "--policies", policy, "--case", one.path, "--max-line-bytes", "1000"])
        #expect(c.status == 1)
        #expect(c.stdout.contains("case-too-large"))
        let fromStdin = try run(["decide", "--policies", policy, "--batch", "-", "--max-line-bytes", "1000"], stdin: padded + "\n" + Self.line("c") + "\n")
        #expect(fromStdin.stdout.split(separator: "\n").count == 2)
    }

    @Test func checkRefusesAFolderWithoutAManifestBeforeReadingBelowIt() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Below the folder: a policy set, and a file that is not YAML. Neither is read.
        try "a: [\n".write(to: dir.appendingPathComponent("p/broken.yaml"), atomically: true, encoding: .utf8)
        let empty = try run(["check", dir.path])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("holds no policy files (*.yaml) at its top level"), "\(empty.stderr)")
        #expect(!empty.stderr.contains("broken.yaml"), "\(empty.stderr)")
        // A YAML file at the top that is not a manifest: still not a policy set.
        try "notes: [a, b]\n".write(to: dir.appendingPathComponent("notes.yaml"), atomically: true, encoding: .utf8)
        let r = try run(["check", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("is not a policy set"), "\(r.stderr)")
        #expect(!r.stderr.contains("broken.yaml"), "\(r.stderr)")
    }

    @Test func benchRefusesZeroIterations() throws {
        let r = try run(["bench", "--policies", Self.policy, "--iterations", "0"])
        #expect(r.status == 64)
        #expect(!r.stdout.contains("inf"))
    }
}
