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
        var out = OutputBuffer()
        for _ in 0..<count {
            out.append(generator.nextJSON())
            out.append("\n")
        }
        out.flush()
    }
}

/// Buffers standard output and writes it in large chunks (a write per line would dominate a batch).
struct OutputBuffer {
    var bytes: [UInt8] = []
    private let limit = 1 << 16

    init() { bytes.reserveCapacity(limit + 4096) }

    /// Appends text; flushes once the buffer passes its limit (callers may also append to `bytes` directly).
    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= limit { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
