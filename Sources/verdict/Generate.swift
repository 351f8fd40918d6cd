import ArgumentParser
import Foundation
import Verdict

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write valid random cases for a policy as JSON Lines, reproducibly from a seed.")

    @OptionGroup var policy: PolicyOptions

    @Option(help: "How many cases.")
    var count: Int = 1000

    @Option(help: "The seed: the same seed gives the same cases.")
    var seed: UInt64 = 1

    func run() throws {
        let compiled = try policy.load()
        var generator = CaseGenerator(policy: compiled, seed: seed)
        for warning in generator.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        var out = OutputBuffer()
        for _ in 0..<count {
            out.append(generator.nextJSON())
            out.append("\n")
        }
        try out.finish()
    }
}
