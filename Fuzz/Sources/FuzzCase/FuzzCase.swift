// The case decoder on JSON bytes, against every shipped policy set. Properties: when the fast decoder
// accepts a case, the careful one accepts it too with the same field values; a refused case has at
// least one problem, each naming its field or (for JSON syntax) its line and column; an accepted case
// decides the same with and without an explanation, and its explanation text is safe for a terminal.
import FuzzSupport
@testable import Verdict

let policies = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template"].map(Fuzz.shipped)

/// Compiles the policies before the first input, so their loading is not timed as the input's.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    precondition(policies.count == 4)
    return 0
}

@_cdecl("FuzzCase_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzCase(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCase(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    for policy in policies {
        let fast = policy.fastDecoder.decode(bytes)
        var careful: [Value]?
        var problems: [CaseError.Problem] = []
        do {
            let json = try JSONReader.parse(bytes)
            var decoder = CaseDecoder(policy: policy)
            careful = decoder.decode(json: json)
            problems = decoder.problems
        } catch {
            Fuzz.require(error.line >= 1 && error.column >= 1, "JSON error without a place: \(error.message)")
        }
        if let fast {
            guard let careful else { fail(policy, "the fast decoder accepted a case the careful one refuses: \(problems)") }
            Fuzz.require(fast == careful, "the decoders disagree on the values:\nfast    \(fast)\ncareful \(careful)")
        }
        do {
            let prepared = try policy.prepare(json: bytes)
            Fuzz.require(careful != nil || fast != nil, "prepare accepted a case both decoders refuse")
            Fuzz.decideBothWays(policy, prepared)
        } catch {
            Fuzz.require(careful == nil && fast == nil, "prepare refused a case a decoder accepts: \(error)")
            Fuzz.require(!error.problems.isEmpty, "a refused case without a problem")
            for p in error.problems {
                Fuzz.require(p.field != nil || p.code == .jsonSyntax || p.code == .wrongType,
                             "a problem that names no field: \(p)")
            }
            if let c = Fuzz.controlCharacter(in: error.description.replacingOccurrences(of: "\n", with: " ")) {
                fail(policy, "a case error's text holds the control character U+\(String(c.value, radix: 16))")
            }
        }
    }
    return 0
}

func fail(_ policy: CompiledPolicy, _ message: String) -> Never {
    Fuzz.fail("\(policy.identity.name): \(message)")
}
