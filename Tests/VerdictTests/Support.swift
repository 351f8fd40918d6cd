import Foundation
@testable import Verdict

/// The repository root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func shippedPolicyPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("policies/\(name)").path }

/// The shipped quality-complaints policy, compiled once for all tests.
let qualityComplaints: CompiledPolicy = {
    do { return try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")) } catch {
        fatalError("the shipped policy does not load:\n\(error)")
    }
}()

/// A minimal valid manifest and schema, to which a test adds what it checks.
let manifestYAML = """
policy:
  name: test
  version: "1"
  effective: 2026-01-01
  title: {en: Test, zh: 测试}
"""

let schemaYAML = """
fields:
  cost: money
  region: string
  branch: string
  hospitalised: bool
  resolved_at: {type: timestamp, optional: true}
  problem: {values: [fly, pig_hair, needle]}
roles:
  handler: {en: handler, zh: 经办人}
  finance_supervisor: {en: finance supervisor, zh: 财务主管}
  bu_finance_head: {en: BU finance head, zh: 事业部财务部负责人}
  branch_manager: {en: branch manager, zh: 分公司经理}
sets:
  malignant: {of: problem, members: [fly, needle]}
"""

/// Checks in-memory files; `files` maps a path to its text. The manifest and schema are added unless given.
func check(_ files: [String: String], withSchema: Bool = true) -> PolicyLoader.Result {
    var all = files
    if all["policy.yaml"] == nil { all["policy.yaml"] = manifestYAML }
    if withSchema, all["schema.yaml"] == nil { all["schema.yaml"] = schemaYAML }
    return PolicyLoader.check(sources: all.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, text: $0.value) })
}

/// The errors of a check, as `path:line:col code` strings, for compact assertions.
func errors(_ r: PolicyLoader.Result) -> [Diagnostic] { r.diagnostics.filter { $0.severity == .error } }

/// Text with a `⟨…⟩` marker: returns the text without the marker, and the 1-based line and column of `⟨`.
func marked(_ text: String) -> (text: String, line: Int, column: Int) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (i, l) in lines.enumerated() {
        if let r = l.range(of: "⟨") {
            let col = l.unicodeScalars.distance(from: l.unicodeScalars.startIndex, to: r.lowerBound) + 1
            let clean = text.replacingOccurrences(of: "⟨", with: "").replacingOccurrences(of: "⟩", with: "")
            return (clean, i + 1, col)
        }
    }
    return (text, 0, 0)
}

func decide(_ policy: CompiledPolicy, _ json: String, explain: Bool = false) throws -> Decision {
    try policy.decide(json: Array(json.utf8), explain: explain)
}
