import ArgumentParser
import VerdictServer

/// The load script's ceiling: a bare Hummingbird route (reads the body, answers 300 fixed bytes). Hidden.
struct ServeBare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-bare",
        abstract: "Serve POST /bare: read the body, answer a fixed 300-byte JSON (the load script's ceiling).",
        shouldDisplay: false)

    @Option var host = "127.0.0.1"
    @Option var port = 8081

    func run() async throws {
        try await BareServer.run(host: host, port: port)
    }
}
