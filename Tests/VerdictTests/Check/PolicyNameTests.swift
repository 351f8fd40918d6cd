import Testing
@testable import Verdict

/// Issue 27, item 16: a set's name addresses it in the service's paths, so `check` refuses a name no
/// path could carry, where it is written.
@Suite("Policy names")
struct PolicyNameTests {
    /// The check of the minimal set with its manifest's name written as `name` (YAML, quoted as needed).
    func checked(name: String) -> PolicyLoader.Result {
        check(["policy.yaml": manifestYAML.replacingOccurrences(of: "name: test", with: "name: \(name)")])
    }

    @Test(arguments: ["test", "quality-complaints", "服务标准", "v2.1", "售后_2026", "Zürich-2", "हिन्दी"])
    func aNameOfLettersDigitsAndPunctuationIsAccepted(_ name: String) {
        let r = checked(name: name)
        #expect(r.policy?.identity.name == name, "\(r.diagnostics)")
    }

    @Test(arguments: [
        (#""x y""#, "the policy name `x y` holds a space (U+0020) at character 2"),
        ("a/b", "the policy name `a/b` holds `/` (U+002F) at character 2"),
        (#""""#, "the policy name is empty"),
        (".hidden", "the policy name `.hidden` starts with `.` (U+002E): a name starts with a letter or digit"),
        ("-x", "the policy name `-x` starts with `-` (U+002D): a name starts with a letter or digit"),
        ("a%20b", "the policy name `a%20b` holds `%` (U+0025) at character 2"),
        (#""ok\nfake 1: ok""#, #"the policy name `ok\nfake 1: ok` holds a control character (U+000A) at character 3"#),
        (#""a\u200Bb""#, "the policy name `a\u{200B}b` holds an invisible character (U+200B) at character 2"),
        (String(repeating: "a", count: 65), "the policy name is 65 characters long, over the limit of 64"),
    ])
    func aNameNoPathCanCarryIsRefusedWhereItIsWritten(_ yaml: String, _ message: String) throws {
        let r = checked(name: yaml)
        #expect(r.policy == nil)
        let e = try #require(errors(r).first { $0.code == "invalid-policy-name" }, "\(r.diagnostics)")
        #expect(e.message == message)
        #expect(e.location?.path == "policy.yaml" && e.location?.line == 2 && e.location?.column == 9, "\(String(describing: e.location))")
        #expect(e.help == "a policy name is 1 to 64 letters, digits, `-`, `_` or `.`, starting with a letter or digit: the service addresses the set by it, as in /v1/policies/NAME/decide")
    }

    @Test func sixtyFourCharactersAreEnough() {
        #expect(PolicyName.problem(String(repeating: "服", count: 64)) == nil)
        #expect(PolicyName.problem("a\u{301}") == nil)  // a combining mark after the first letter
        #expect(PolicyName.problem("\u{301}a") != nil)
    }

    @Test func everyShippedSetHasAValidName() throws {
        for set in ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template"] {
            let r = PolicyLoader.check(directory: shippedPolicyPath(set))
            #expect(!r.diagnostics.contains { $0.code == "invalid-policy-name" }, "\(set)")
        }
    }
}
