// The expression parser, then the checker, compiler and evaluator on what it accepts. The input is
// the text of one `when:` condition over a fixed schema with a field of every type. Properties: a
// refused expression's error span lies inside the text; an accepted one, put into a rule, either is
// refused with located errors or decides generated cases the same with and without an explanation.
import FuzzSupport
@testable import Verdict

let schema = """
    policy:
      name: fuzz-expression
      version: "1.0.0"
      effective: 2025-01-01
      timezone: Asia/Shanghai
      currency: CNY
    fields:
      n: integer
      m: {type: integer, optional: true}
      cost: money
      t: timestamp
      u: {type: timestamp, optional: true}
      du: duration
      d: date
      flag: bool
      name: {type: string, optional: true}
      kind: {values: [a, b, c]}
      tags: {type: list<string>, optional: true}
    decisions:
      outcome:
        outputs:
          hit: bool
        rules:
          - when: "CONDITION"
            then: {hit: true}
          - then: {hit: false}

    """

/// `text` as the inside of a YAML double-quoted scalar: every scalar outside printable ASCII escaped.
func yamlQuoted(_ text: String) -> String {
    var out = ""
    for s in text.unicodeScalars {
        switch s {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case " "..."~": out.unicodeScalars.append(s)
        default:
            let hex = String(s.value, radix: 16, uppercase: true)
            out += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
        }
    }
    return out
}

@_cdecl("FuzzExpression_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzExpression(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExpression(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    guard count <= 4096, let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let scalars = text.unicodeScalars.count
    do {
        _ = try ExprParser.parse(text)
    } catch {
        Fuzz.require(error.start >= 0 && error.start <= error.end && error.end <= scalars + 1,
                     "error span \(error.start)..<\(error.end) outside a text of \(scalars) scalars: \(error.message)")
        return 0
    }
    let file = SourceFile(path: "set/policy.yaml", text: schema.replacingOccurrences(of: "CONDITION", with: yamlQuoted(text)))
    let result = PolicyLoader.check(sources: [file], relativeTo: "set/")
    Fuzz.checkDiagnostics(result, inputLength: count)
    guard let policy = result.policy else { return 0 }
    var generator = CaseGenerator(policy: policy, seed: Fuzz.seed(bytes))
    for _ in 0..<4 {
        guard let prepared = try? policy.prepare(json: Array(generator.nextJSON().utf8)) else { continue }
        Fuzz.decideBothWays(policy, prepared)
    }
    return 0
}
