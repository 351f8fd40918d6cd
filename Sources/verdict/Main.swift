import ArgumentParser
import Foundation

/// The entry point. Only `serve` needs Swift concurrency; every other command runs synchronously on
/// the main thread and returns from `main` as a plain program does.
///
/// An `async` main hands the main thread to Dispatch (`dispatchMain()`), which parks it in a way
/// valgrind 3.19 cannot follow: it dies before the first instruction of ours runs, so
/// `Benchmarks/instructions.sh` could not count anything. Starting Dispatch only for the commands
/// that need it keeps instruction counts possible for `bench`, `decide` and the rest.
@main
enum Main {
    static func main() {
        let command: ParsableCommand
        do {
            command = try VerdictCommand.parseAsRoot()
        } catch {
            exit(for: error)
        }
        guard let asynchronous = command as? AsyncParsableCommand else {
            var synchronous = command
            do {
                try synchronous.run()
            } catch {
                exit(for: error)
            }
            return
        }
        // As an `async` main would: the command on a task, the main thread serving the main queue.
        let handoff = Handoff(command: asynchronous)
        Task.detached {
            var running = handoff.command
            do {
                try await running.run()
            } catch let failure as CommandFailure {
                failure.exit()
            } catch {
                VerdictCommand.exit(withError: error)
            }
            Foundation.exit(0)
        }
        dispatchMain()
    }

    /// Exits as ArgumentParser would, except that help, the version and completion scripts, which go
    /// to standard output, are written there checked: a failed write is an error exit, not 0.
    static func exit(for error: Error) -> Never {
        if let failure = error as? CommandFailure { failure.exit() }
        let text = VerdictCommand.fullMessage(for: error)
        guard VerdictCommand.exitCode(for: error) == .success, !text.isEmpty else { VerdictCommand.exit(withError: error) }
        do { try writeOutput(text + "\n") } catch let failure as CommandFailure { failure.exit() } catch { VerdictCommand.exit(withError: error) }
        Foundation.exit(0)
    }
}

/// The parsed command, handed once to the task that runs it: nothing else touches it afterwards.
private struct Handoff: @unchecked Sendable {
    var command: AsyncParsableCommand
}
