// The policy loader on the YAML bytes of one file. A file that declares no `policy:` manifest is
// checked beside a fixed one, so schema, rules and clocks reach the checker. Properties: a refused
// file has located errors and renders safely; an accepted one decides generated cases the same with
// and without an explanation.
import FuzzSupport
@testable import Verdict

let manifest = SourceFile(path: "set/policy.yaml", text: """
    policy:
      name: fuzz
      version: "1.0.0"
      effective: 2025-01-01
      timezone: Asia/Shanghai
      currency: CNY
    """)

@_cdecl("FuzzPolicyFile_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzPolicyFile(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }  // the loader refuses non-UTF-8 before parsing
    let file = SourceFile(path: "set/fuzz.yaml", text: text)
    let sources = text.contains("policy:") ? [file] : [manifest, file]
    let result = PolicyLoader.check(sources: sources, relativeTo: "set/")
    Fuzz.checkDiagnostics(result, inputLength: count)
    guard let policy = result.policy else { return 0 }
    var generator = CaseGenerator(policy: policy, seed: Fuzz.seed(bytes))
    for _ in 0..<3 {
        let json = generator.nextJSON()
        guard let prepared = try? policy.prepare(json: Array(json.utf8)) else { continue }
        Fuzz.decideBothWays(policy, prepared)
    }
    return 0
}
