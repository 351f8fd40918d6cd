import ArgumentParser
import Foundation
import Verdict

/// The root command; `Main` runs it.
struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Check policy sets and decide cases with explanations.",
        discussion: """
        Exit codes: 0 success; 1 a finding (policy errors, failed tests, differences, missed measures, \
        a case that could not be decided, output that could not be written); 2 something the command \
        could not use (a policy set that did not load, a file that is not a decision log); 3 a decision \
        log that could not be opened or written; 64 bad command-line usage; 66 an input that cannot be read.
        """,
        version: VerdictVersion.current,  // `verdict --version`: the library's one version, recorded with every logged decision
        subcommands: [Check.self, Decide.self, Explain.self, Test.self, Diff.self, Measure.self, Generate.self, Bench.self, Init.self, Schema.self, Codegen.self, Serve.self, Users.self, Audit.self, Table.self]
    )
}

/// Where the policy set is, shared by the commands that decide.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "The policy set folder.")
    var policies: String

    @Option(help: "Where `include:` may read shared files besides the policy folder (default: the folder's parent).")
    var includeRoot: String?

    /// Loads every version of the policy set (see ``PolicyVersions``), or fails with its diagnostics (exit 2). A case is decided by the version in force on its date.
    func loadVersions() throws -> PolicyVersions {
        do {
            return try PolicyVersions.load(directory: policies, includeRoot: includeRoot)
        } catch {
            throw CommandFailure.didNotLoad(error.description)
        }
    }

    /// Loads the version in the folder's own files (a version under `versions/` is a folder of its
    /// own), or fails with its diagnostics (exit 2).
    func load() throws -> CompiledPolicy {
        do {
            return try CompiledPolicy.load(ownVersionOf: policies, includeRoot: includeRoot)
        } catch {
            throw CommandFailure.didNotLoad(error.description)
        }
    }
}

/// How long an input line (a case) may be, shared by the commands that read cases.
struct InputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The longest case read, in bytes: a longer line of a batch is refused with its line number and the batch goes on; a longer --case file is refused.", valueName: "bytes"))
    var maxLineBytes: Int = BatchReader.defaultMaxLineBytes

    func validate() throws {
        if maxLineBytes < 1 { throw ValidationError("--max-line-bytes must be at least 1") }
    }

    /// Reads one case from a file, or standard input for `-`; a longer one than the limit is a case error.
    func readCase(_ path: String) throws -> Result<[UInt8], CaseError> {
        guard let bytes = try BatchReader.whole(path, maxBytes: maxLineBytes) else {
            return .failure(.tooLarge(maxLineBytes + 1, limit: maxLineBytes, atLeast: true))
        }
        return .success(bytes)
    }
}

/// Writes text to standard output; a failed write (a full disk, a closed pipe) is an error exit, never dropped.
func writeOutput(_ text: String) throws {
    var out = OutputBuffer()
    out.append(text)
    try out.finish()
}

extension Language: ExpressibleByArgument {}

/// The instant SLA clocks are judged at.
struct ClockOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Judge SLA clocks at this instant (RFC 3339); default: the current time.", valueName: "timestamp"))
    var now: String?

    var instant: Timestamp {
        get throws {
            guard let now else { return Timestamp(Date()) }
            do { return try Timestamp(rfc3339: now) } catch { throw ValidationError("--now: \(error)") }
        }
    }
}
