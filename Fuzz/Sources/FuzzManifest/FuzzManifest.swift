// The policy loader on a manifest with includes: the input is the `policy.yaml` of the shipped
// customer-complaints set (whose manifest includes `../calendars/cn-office.yaml`), checked with the
// set's other files. Includes are confined to the set's folder and the shared root; the property is
// that the loader asks for no file outside them, and reports every include it refuses, located.
import Foundation
import FuzzSupport
@testable import Verdict

let folder = Fuzz.repo + "/policies/customer-complaints"
let others: [SourceFile] = {
    let all = (try? PolicyLoader.sources(directory: folder)) ?? []
    return all.filter { !$0.path.hasSuffix("/policy.yaml") }
}()
let calendar = Fuzz.repo + "/policies/calendars/cn-office.yaml"
let calendarText = (try? String(contentsOfFile: calendar, encoding: .utf8)) ?? ""

@_cdecl("FuzzManifest_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzManifest(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzManifest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    let manifest = SourceFile(path: folder + "/policy.yaml", text: text)
    let confinement = IncludeConfinement(folder: folder, root: Fuzz.repo + "/policies")
    let result = PolicyLoader.check(sources: [manifest] + others, relativeTo: folder + "/") { (name: String) throws(IncludeConfinement.Refusal) -> SourceFile? in
        let path = try confinement.resolve(name)
        Fuzz.require(path.hasPrefix(Fuzz.repo + "/policies/"), "include `\(name)` resolved outside the root: \(path)")
        // Only the shipped calendar exists in this in-memory tree; any other path is missing.
        return path == calendar ? SourceFile(path: path, text: calendarText) : nil
    }
    Fuzz.checkDiagnostics(result, inputLength: count)
    return 0
}
