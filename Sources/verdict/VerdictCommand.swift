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

    /// Loads the policy set, or prints its diagnostics to standard error and exits 2.
    func load() throws -> CompiledPolicy {
        do {
            return try CompiledPolicy.load(directory: policies, includeRoot: includeRoot)
        } catch {
            FileHandle.standardError.write(Data(error.description.utf8))
            throw ExitCode(2)
        }
    }
}

/// Reads a whole file, or standard input for `-`.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("error: cannot read `\(path)`\n".utf8))
        throw ExitCode(2)
    }
    return Array(data)
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
