import ArgumentParser
import Foundation
import Verdict

/// The root command; `Main` runs it.
struct VerdictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Check policy sets and decide cases with explanations.",
        discussion: """
        Exit codes: 0 success; 1 policy errors (check) or a case that could not be decided (decide); \
        2 the policy set did not load (decide, explain); 64 bad command-line usage.
        """,
        subcommands: [Check.self, Decide.self, Explain.self, Test.self, Diff.self, Measure.self, Generate.self, Bench.self, Init.self, Schema.self, Serve.self, ServeBare.self, Audit.self]
    )
}

/// Where the policy set is, shared by the commands that decide.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: "The policy set folder.")
    var policies: String

    @Option(help: "Where `include:` may read shared files besides the policy folder (default: the folder's parent).")
    var includeRoot: String?

    /// Loads every version of the policy set (see ``PolicyVersions``), or prints the diagnostics to
    /// standard error and exits 2. A case is decided by the version in force on its date.
    func loadVersions() throws -> PolicyVersions {
        do {
            return try PolicyVersions.load(directory: policies, includeRoot: includeRoot)
        } catch {
            FileHandle.standardError.write(Data(error.description.utf8))
            throw ExitCode(2)
        }
    }

    /// Loads the version in the folder's own files (a version under `versions/` is a folder of its
    /// own), or prints its diagnostics to standard error and exits 2.
    func load() throws -> CompiledPolicy {
        do {
            return try CompiledPolicy.load(directory: policies, includeRoot: includeRoot)
        } catch {
            FileHandle.standardError.write(Data(error.description.utf8))
            throw ExitCode(2)
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
