import Testing
@testable import VerdictChanges

@Suite struct IdentityTests {
    @Test func eachRoleAllowsWhatTheOnesBeforeItAllow() {
        #expect(Role.admin.allows(.approver) && Role.approver.allows(.editor) && Role.editor.allows(.viewer))
        #expect(!Role.viewer.allows(.editor) && !Role.editor.allows(.approver) && !Role.approver.allows(.admin))
        #expect(Role.allCases.allSatisfy { $0.allows($0) })
    }

    @Test func namesAreShownAsTheyAre() {
        #expect(Identity.isValidName("li.wei") && Identity.isValidName("王芳") && Identity.isValidName("ops@example.com"))
        #expect(!Identity.isValidName("") && !Identity.isValidName("a b") && !Identity.isValidName("x\"y")
                && !Identity.isValidName(String(repeating: "a", count: 65)) && !Identity.isValidName("a\nb"))
    }
}
