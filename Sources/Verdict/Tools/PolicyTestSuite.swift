import Foundation

/// Tests that compliance staff write in YAML beside a policy set (`*.test.yaml`), and their runner.
///
/// ```yaml
/// defaults:                 # fields every case below starts from
///   received_at: 2026-03-02T09:15:00+08:00
///   problem: pig_hair
///   cost: 80
/// tests:
///   - name: pig hair settled for 80 yuan is a tier-1 success
///     case: {eaten: false}
///     expect: {tier: 1, success: true, settlement_authority: handler, report_due: absent}
///   - name: a misspelled problem is refused
///     case: {problem: fyl}
///     expect_error: {field: problem, code: invalid-value}
/// ```
/// Expectations are partial: only the outputs named are compared; `absent` means the output must
/// not apply. `now:` judges clocks; `expect_clocks: {onsite: at_risk}` checks their status.
public struct PolicyTestSuite: Sendable {
    /// One test: its name, where it is, its case and what it expects.
    public struct TestCase: Sendable {
        /// The test's name.
        public var name: String
        /// Where it is in its file.
        public var location: SourceLocation
        var fields: [(key: String, value: YAMLNode)]
        var expect: [(output: Name, value: YAMLNode)]
        var expectError: (field: String?, code: String?)?
        var expectClocks: [(clock: Name, status: Name)]
        var now: Timestamp?
    }

    /// The tests, in file order.
    public var tests: [TestCase] = []
    /// Problems found in the test files (unknown keys, malformed values), each located.
    public var diagnostics: [Diagnostic] = []
    /// The test files read, for rendering diagnostics.
    public var sources: [SourceFile] = []

    /// Reads every `*.test.yaml` below a policy folder, outside its `versions/` folder (each version has its own tests).
    public static func load(directory: String) -> PolicyTestSuite {
        var suite = PolicyTestSuite()
        let base = PolicyFolder.base(directory)
        // The walk every reader of a set's folder makes: hidden folders and `versions/` are not entered.
        let names = PolicyFolder.yamlFiles(below: directory, versions: false).filter(PolicyFolder.isTestFile)
        for n in names {
            let path = base + "/" + n
            switch SourceFileReader.read(path) {
            case .success(let file): suite.add(file)
            case .failure(let refusal): suite.diagnostics.append(refusal.diagnostic)
            }
        }
        return suite
    }

    /// Reads the tests of one file (YAML text), adding its problems to ``diagnostics``.
    public mutating func add(_ file: SourceFile) {
        sources.append(file)
        var bag = DiagnosticBag()
        defer { diagnostics += bag.sorted }
        guard let root = YAMLLoader.load(file, into: &bag) else { return }
        guard let top = mapping(root, "the test file", ["defaults", "tests"], &bag) else { return }
        var defaults: [(String, YAMLNode)] = []
        if let d = top["defaults"], let given = pairs(d, "defaults", &bag) { defaults = given }
        guard let list = top["tests"] else {
            bag.error(.missingKey, "missing required key `tests`", at: root.location)
            return
        }
        guard case .sequence(let items) = list.kind else {
            bag.error(.wrongNodeKind, "expected a list of tests, found \(list.kindName)", at: list.location)
            return
        }
        for item in items {
            guard let m = mapping(item, "a test", ["name", "case", "now", "expect", "expect_error", "expect_clocks"], &bag) else { continue }
            guard let name = m["name"]?.scalar else {
                bag.error(.missingKey, "a test needs a `name`", at: item.location)
                continue
            }
            var fields = defaults
            if let c = m["case"], let own = pairs(c, "case", &bag) {
                for (k, v) in own {
                    if let i = fields.firstIndex(where: { $0.0 == k }) { fields[i] = (k, v) } else { fields.append((k, v)) }
                }
            }
            if !fields.contains(where: { $0.0 == "id" }) {
                fields.insert(("id", YAMLNode(kind: .scalar(name, quoted: true), location: item.location)), at: 0)
            }
            var test = TestCase(name: name, location: item.location, fields: fields, expect: [], expectError: nil, expectClocks: [], now: nil)
            if let e = m["expect"], let p = located(e, "expect", &bag) { test.expect = p.map { (Name(text: $0.0, location: $0.2), $0.1) } }
            if let e = m["expect_clocks"], let p = located(e, "expect_clocks", &bag) {
                test.expectClocks = p.compactMap { k, v, loc in v.scalar.map { (Name(text: k, location: loc), Name(text: $0, location: v.location)) } }
            }
            if let e = m["expect_error"], let em = mapping(e, "expect_error", ["field", "code"], &bag) {
                test.expectError = (em["field"]?.scalar, em["code"]?.scalar)
            }
            if let n = m["now"] {
                do { test.now = try Timestamp(rfc3339: n.scalar ?? "") } catch {
                    bag.error(.invalidLiteral, error.description, at: n.location)
                }
            }
            if test.expect.isEmpty, test.expectError == nil, test.expectClocks.isEmpty {
                bag.error(.missingKey, "test `\(name)` expects nothing", at: item.location, help: "add `expect:`, `expect_clocks:` or `expect_error:`")
            }
            tests.append(test)
        }
    }

    private func mapping(_ node: YAMLNode, _ what: String, _ allowed: [String], _ bag: inout DiagnosticBag) -> [String: YAMLNode]? {
        guard case .mapping(let pairs) = node.kind else {
            bag.error(.wrongNodeKind, "expected a mapping for \(what), found \(node.kindName)", at: node.location)
            return nil
        }
        var out: [String: YAMLNode] = [:]
        for (k, v) in pairs {
            guard let key = k.scalar else { continue }
            if !allowed.contains(key) {
                bag.error(.unknownKey, "unknown key `\(key)` in \(what)", at: k.location, help: Suggestions.help(for: key, in: allowed, what: "keys"))
                continue
            }
            out[key] = v
        }
        return out
    }

    private func located(_ node: YAMLNode, _ what: String, _ bag: inout DiagnosticBag) -> [(String, YAMLNode, SourceLocation)]? {
        guard case .mapping(let pairs) = node.kind else {
            if case .null = node.kind { return [] }
            bag.error(.wrongNodeKind, "expected a mapping for `\(what)`, found \(node.kindName)", at: node.location)
            return nil
        }
        return pairs.compactMap { k, v in k.scalar.map { ($0, v, k.location) } }
    }

    private func pairs(_ node: YAMLNode, _ what: String, _ bag: inout DiagnosticBag) -> [(String, YAMLNode)]? {
        located(node, what, &bag)?.map { ($0.0, $0.1) }
    }
}
