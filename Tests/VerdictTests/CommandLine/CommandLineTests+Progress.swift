import Foundation
import Testing
@testable import Verdict

/// Progress of a long batch on standard error (issue 26): shown on a terminal — cases, rate, share
/// read, time left — redrawn in place and cleared; never when standard error is a file or a pipe.
extension CommandLineTests {
    /// A batch long enough to take more than half a second in a debug build.
    static func longBatch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-progress-\(UUID().uuidString).jsonl")
        let policy = try CompiledPolicy.load(directory: repositoryRoot.appendingPathComponent(policy).path)
        var generator = CaseGenerator(policy: policy, seed: 11)
        let lines = (0..<8000).map { _ in generator.nextJSON() }
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aBatchShowsNoProgressWhenStandardErrorIsNotATerminal() throws {
        let batch = try Self.longBatch()
        defer { try? FileManager.default.removeItem(at: batch) }
        let r = try run(["decide", "--policies", Self.policy, "--batch", batch.path, "--jobs", "2", "--now", "2026-03-05T09:00:00+08:00"])
        #expect(r.status == 0)
        #expect(r.stderr.isEmpty, "\(r.stderr.prefix(200))")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux's script(1) to give the command a terminal"))
    func aBatchShowsItsProgressOnATerminal() throws {
        let batch = try Self.longBatch()
        defer { try? FileManager.default.removeItem(at: batch) }
        // script(1) runs the command on a pseudo-terminal; its standard output is discarded, so what
        // the terminal shows is standard error.
        let command = "'\(Self.binary.path)' decide --policies \(Self.policy) --batch '\(batch.path)' --jobs 2 --now 2026-03-05T09:00:00+08:00 > /dev/null"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", command, "/dev/null"]
        p.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let shown = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(shown.suffix(300))")
        // Redrawn in place: each showing starts with a carriage return and clears the rest of the line;
        // the last clears the line.
        #expect(shown.contains(" cases · "), "\(shown.suffix(300))")
        #expect(shown.contains("/s · ") && shown.contains("% · ") && shown.contains(" left\u{1B}[K"), "\(shown.suffix(300))")
        #expect(shown.hasSuffix("\r\u{1B}[K") || shown.hasSuffix("\r\u{1B}[K\r\n"), "\(shown.suffix(80).debugDescription)")
    }
}
