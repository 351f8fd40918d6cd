import ArgumentParser
import Foundation
import Verdict

/// Why a command ends without success: what it prints on standard error and its exit code, decided
/// here and nowhere else. Commands throw one; `Main` prints it and exits.
///
/// | exit | meaning |
/// | --- | --- |
/// | 1 | a finding: policy errors (`check`), failed tests, differences, missed measures, changed replays, a case that could not be decided, output that could not be written |
/// | 2 | something the command could not use: a policy set that did not load, tests that do not read, a decision log or key that cannot be read |
/// | 3 | a decision log that could not be opened or written |
/// | 64 | bad command-line usage (ArgumentParser's own) |
/// | 66 | an input file that cannot be read |
enum CommandFailure: Error {
    /// Findings the command has already reported (a check with errors, failed tests, differences):
    /// nothing more to print.
    case findings
    /// Findings said in one message: cases that could not be decided, changes that could not be compared.
    case refused(String)
    /// A failure said as `error: …` (exit 1).
    case failed(String)
    /// Standard output could not be written (a full disk, a closed pipe).
    case outputFailed(errno: Int32)
    /// A batch that holds no case: `verb` says what would have been done (`decided`, `replayed`).
    case noCases(path: String, verb: String)
    /// Diagnostics of a policy set or test file that did not load, as rendered.
    case didNotLoad(String)
    /// Something the command could not use, said as `error: …` (exit 2): a file that is not a
    /// decision log, a key that cannot be read, a grouping field the policy does not have.
    case unusable(String)
    /// The decision log could not be opened or written, said as `error: …` (exit 3).
    case decisionLog(String)
    /// An input file that cannot be read, said as `error: …` (exit 66, EX_NOINPUT).
    case unreadable(String)

    /// The exit code.
    var code: Int32 {
        switch self {
        case .findings, .refused, .failed, .outputFailed, .noCases: 1
        case .didNotLoad, .unusable: 2
        case .decisionLog: 3
        case .unreadable: 66
        }
    }

    /// What is printed on standard error, each line ended; empty for ``findings``.
    var text: String {
        switch self {
        case .findings: ""
        case .refused(let message): message + "\n"
        case .failed(let message), .unusable(let message), .decisionLog(let message), .unreadable(let message): "error: \(message)\n"
        case .outputFailed(let e): "error: cannot write the output: \(String(cString: strerror(e)))\n"
        case .noCases(let path, let verb): "error: `\(TextEscaping.escaped(path))` holds no cases: 0 cases \(verb)\n"
        case .didNotLoad(let diagnostics): diagnostics
        }
    }

    /// Prints the text and exits with the code.
    func exit() -> Never {
        if !text.isEmpty { FileHandle.standardError.write(Data(text.utf8)) }
        Foundation.exit(code)
    }
}
