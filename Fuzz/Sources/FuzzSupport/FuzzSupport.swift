// What every fuzz target shares: the repository's shipped policies, and how a property failure is
// reported (a trap, which libFuzzer records as a crash with the input that caused it).
import Foundation
@testable import Verdict

/// libFuzzer's entry point for a program that has its own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ one: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

public enum Fuzz {
    /// Runs libFuzzer on `one`. SwiftPM links an executable target's `main` to `TARGET_main`, so each
    /// target defines that symbol and starts libFuzzer's driver from it (its own `main` is then unused).
    public static func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                            _ one: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, one)
    }

    /// The repository root: `VERDICT_REPO`, or three folders above this file (`Fuzz/Sources/FuzzSupport`).
    public static let repo: String = {
        if let r = ProcessInfo.processInfo.environment["VERDICT_REPO"] { return r }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// A shipped policy set, compiled once.
    public static func shipped(_ set: String) -> CompiledPolicy {
        do { return try CompiledPolicy.load(directory: repo + "/policies/" + set) } catch {
            fatalError("the shipped policy set `\(set)` does not load: \(error)")
        }
    }

    /// A property the input broke: the message, then a trap.
    public static func fail(_ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) -> Never {
        FileHandle.standardError.write(Data(("property failed: " + message() + "\n").utf8))
        fatalError("property failed", file: file, line: line)
    }

    public static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                               file: StaticString = #file, line: UInt = #line) {
        if !condition() { fail(message(), file: file, line: line) }
    }

    /// A seed that depends only on the input (FNV-1a), so a crash replays: `hashValue` is seeded per process.
    public static func seed(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }

    /// The input as bytes.
    public static func bytes(_ start: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let start, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: start, count: count))
    }

    /// Whether text holds a control character text output must escape (see `TextEscaping`): line
    /// feeds separate its lines, and tabs are kept in quoted source lines, so those two are allowed.
    public static func controlCharacter(in text: String) -> Unicode.Scalar? {
        text.unicodeScalars.first { s in s != "\n" && s != "\t" && TextEscaping.needsEscape(s) }
    }

    /// Properties of a check's diagnostics, whatever the input: every error is located (except the
    /// set-level `missing-manifest`), inside the files it names; the text rendering escapes control
    /// characters and quotes no long line whole.
    public static func checkDiagnostics(_ result: PolicyLoader.Result, inputLength: Int) {
        let files = Dictionary(result.sources.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for d in result.diagnostics {
            if d.severity == .error, d.code != DiagnosticCode.missingManifest.rawValue {
                guard let loc = d.location else { fail("error without a location: \(d)") }
                guard let file = files[loc.path] else { fail("error in a file that was not loaded: \(d)") }
                require(loc.line >= 1 && loc.line <= file.lines.count + 1, "line out of range: \(d)")
                require(loc.column >= 1, "column below 1: \(d)")
            }
        }
        if result.policy == nil {
            require(result.diagnostics.contains { $0.severity == .error }, "refused without an error")
        }
        let text = DiagnosticRenderer(files: result.sources).text(result.diagnostics)
        if let c = controlCharacter(in: text) {
            fail("rendered diagnostics hold the control character U+\(String(c.value, radix: 16, uppercase: true))")
        }
        for line in text.split(separator: "\n") where line.hasPrefix(" ") && line.contains(" | ") {
            require(line.unicodeScalars.count <= DiagnosticRenderer.snippetWidth * 10 + 40,
                    "a snippet line of \(line.unicodeScalars.count) scalars")
        }
    }

    /// Decides a case with and without an explanation (and at an instant): the outcomes must agree.
    public static func decideBothWays(_ policy: CompiledPolicy, _ prepared: PreparedCase) {
        let now = Timestamp(millisecondsSinceEpoch: 1_767_225_600_000)
        for at in [nil, now] {
            let plain: Result<Decision, CaseError>, explained: Result<Decision, CaseError>
            do { plain = .success(try policy.decide(prepared, explain: false, now: at)) } catch { plain = .failure(error) }
            do { explained = .success(try policy.decide(prepared, explain: true, now: at)) } catch { explained = .failure(error) }
            switch (plain, explained) {
            case let (.success(a), .success(b)):
                require(a.json() == b.withoutExplanation.json(), "decided differently with an explanation:\n\(a.json())\n\(b.withoutExplanation.json())")
                guard let explanation = b.explanation else { fail("explain: true gave no explanation") }
                for language in [Language.en, .zh] {
                    let text = explanation.text(language)
                    if let c = controlCharacter(in: text) {
                        fail("explanation text holds the control character U+\(String(c.value, radix: 16, uppercase: true))")
                    }
                }
            case let (.failure(a), .failure(b)):
                require(a == b, "failed differently with an explanation: \(a) / \(b)")
            default:
                fail("decided one way and failed the other: \(plain) / \(explained)")
            }
        }
    }
}
