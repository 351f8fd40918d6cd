import Foundation
import Testing
import Verdict
@testable import VerdictChanges

@Suite struct ProposalStoreTests {
    let li = Identity(name: "li.wei", role: .editor)
    let wang = Identity(name: "wang.fang", role: .approver)
    let zhao = Identity(name: "zhao.min", role: .approver)
    let viewer = Identity(name: "chen.jie", role: .viewer)
    let now = Timestamp(millisecondsSinceEpoch: 1_796_000_000_000)
    let check = Proposal.CheckSummary(testsPassed: 3, testsFailed: 0, warnings: [], replayed: 10, changedDecisions: 2)

    func folder() -> String {
        let f = NSTemporaryDirectory() + "proposals-" + UUID().uuidString
        return f
    }

    func propose(_ store: ProposalStore, by: Identity? = nil) throws(ProposalStore.Refusal) -> Proposal {
        try store.propose(set: "complaints", version: "", by: by ?? li, reason: "raise the band to 300 yuan", baseDigest: "b0", candidateDigest: "c1",
                          changes: [.init(path: "rules.yaml", text: "new", before: "old")], check: check, at: now)
    }

    @Test func anEditorProposesAnotherPersonApproves() throws {
        let store = try ProposalStore(folder: folder())
        let p = try propose(store)
        #expect(p.id == "P1" && p.state == .open && p.author == "li.wei")
        let approved = try store.review("P1", by: wang, approve: true, comment: "checked the impact", serving: "b0", revision: 1, at: now)
        #expect(approved.state == .approved && approved.reviews.map(\.by) == ["wang.fang"])
        let done = try store.finish("P1", activated: true, outcome: ["serving c1"], at: now)
        #expect(done.state == .activated)
        // Kept on disk: a new store reads the same, and numbers on from it.
        let again = try ProposalStore(folder: store.folder)
        #expect(again.proposal("P1") == done)
        #expect(try propose(again).id == "P2")
    }

    @Test func anAuthorCanNeverApproveTheirOwnProposal() throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store, by: wang)
        #expect(throws: ProposalStore.Refusal.self) { try store.review("P1", by: wang, approve: true, comment: "", serving: "b0", revision: 1, at: now) }
        do { _ = try store.review("P1", by: wang, approve: true, comment: "", serving: "b0", revision: 1, at: now) } catch { #expect(error.code == "own-proposal") }
        // Not even as an admin under the same name.
        do { _ = try store.review("P1", by: Identity(name: "wang.fang", role: .admin), approve: true, comment: "", serving: "b0", revision: 1, at: now) } catch { #expect(error.code == "own-proposal") }
        #expect(store.proposal("P1")?.state == .open)
    }

    @Test func rolesAreEnforced() throws {
        let store = try ProposalStore(folder: folder())
        do { _ = try propose(store, by: viewer); Issue.record("a viewer proposed") } catch { #expect(error.code == "insufficient-role" && error.kind == .forbidden) }
        _ = try propose(store)
        let other = Identity(name: "sun.li", role: .editor)
        do { _ = try store.review("P1", by: other, approve: true, comment: "", serving: "b0", revision: 1, at: now); Issue.record("an editor approved") } catch { #expect(error.code == "insufficient-role") }
        do { _ = try store.withdraw("P1", by: other, at: now); Issue.record("another editor withdrew") } catch { #expect(error.code == "not-author") }
        #expect(try store.withdraw("P1", by: li, at: now).state == .withdrawn)
    }

    @Test func aStaleBaseMustBeBroughtUpToDate() throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store)
        do { _ = try store.review("P1", by: wang, approve: true, comment: "", serving: "b9", revision: 1, at: now); Issue.record("stale approved") } catch { #expect(error.code == "stale-base" && error.kind == .conflict) }
        do { _ = try store.review("P1", by: wang, approve: true, comment: "", serving: nil, revision: 1, at: now); Issue.record("gone approved") } catch { #expect(error.code == "set-gone") }
        let updated = try store.update("P1", by: li, baseDigest: "b9", candidateDigest: "c2", changes: [.init(path: "rules.yaml", text: "newer", before: "old2")], check: check, at: now)
        #expect(updated.baseDigest == "b9" && updated.state == .open)
        #expect(try store.review("P1", by: wang, approve: true, comment: "", serving: "b9", revision: 2, at: now).state == .approved)
    }

    @Test func aRejectionNeedsAComment() throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store)
        do { _ = try store.review("P1", by: wang, approve: false, comment: "  ", serving: "b0", at: now); Issue.record("no comment") } catch { #expect(error.code == "missing-comment") }
        #expect(try store.review("P1", by: wang, approve: false, comment: "the band is in the contract", serving: "b0", at: now).state == .rejected)
        do { _ = try store.review("P1", by: zhao, approve: true, comment: "", serving: "b0", revision: 1, at: now); Issue.record("reviewed twice") } catch { #expect(error.code == "not-open") }
    }

    @Test func twoApproversAtOnceGiveOneApproval() async throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store)
        let approvers = (0..<8).map { Identity(name: "approver\($0)", role: .approver) }
        let results = await withTaskGroup(of: Bool.self) { group in
            for a in approvers {
                group.addTask { (try? store.review("P1", by: a, approve: true, comment: "", serving: "b0", revision: 1, at: now)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)
        #expect(store.proposal("P1")?.reviews.count == 1)
    }

    @Test func badInputIsRefusedWithAReason() throws {
        let store = try ProposalStore(folder: folder())
        func code(_ changes: [Proposal.FileChange], reason: String = "why") -> String? {
            do { _ = try store.propose(set: "s", version: "", by: li, reason: reason, baseDigest: "b", candidateDigest: "c", changes: changes, check: check, at: now); return nil }
            catch { return error.code }
        }
        #expect(code([]) == "no-change")
        #expect(code([.init(path: "../etc/passwd.yaml", text: "x", before: nil)]) == "bad-path")
        #expect(code([.init(path: "/abs.yaml", text: "x", before: nil)]) == "bad-path")
        #expect(code([.init(path: ".hidden.yaml", text: "x", before: nil)]) == "bad-path")
        #expect(code([.init(path: "rules.txt", text: "x", before: nil)]) == "bad-path")
        #expect(code([.init(path: "a.yaml", text: "x", before: nil), .init(path: "a.yaml", text: nil, before: "y")]) == "bad-path")
        #expect(code([.init(path: "a.yaml", text: "x", before: nil)], reason: "") == "missing-reason")
        #expect(code([.init(path: "a.yaml", text: "x", before: nil)], reason: String(repeating: "x", count: 2001)) == "too-long")
        #expect(code([.init(path: "a.yaml", text: "x", before: nil)], reason: "a\u{7}b") == "bad-text")
        // A new version goes into a folder of its own under versions/, every file of it new.
        func newVersion(_ version: String, _ changes: [Proposal.FileChange]) -> String? {
            do { _ = try store.propose(set: "s", version: version, by: li, reason: "why", baseDigest: "b", candidateDigest: "c", madeFrom: "",
                                       effective: "2027-01-01", changes: changes, check: check, at: now); return nil }
            catch { return error.code }
        }
        #expect(newVersion("", [.init(path: "a.yaml", text: "x", before: nil)]) == "bad-path")
        #expect(newVersion("versions/2.0.0", [.init(path: "a.yaml", text: "x", before: "old")]) == "bad-path")
        #expect(newVersion("versions/2.0.0", [.init(path: "a.yaml", text: nil, before: nil)]) == "bad-path")
        #expect(store.all().isEmpty)
        #expect(newVersion("versions/2.0.0", [.init(path: "policy.yaml", text: "policy:\n  version: \"2.0.0\"\n  effective: 2027-01-01\n", before: nil)]) == nil)
        let made = try #require(store.all().first)
        #expect(made.baseVersion == "" && made.newVersionEffective == "2027-01-01")
        do { _ = try store.review("P99", by: wang, approve: true, comment: "", serving: "b", revision: 1, at: now) } catch { #expect(error.kind == .notFound) }
    }

    @Test func aDamagedStoreIsAnErrorThatNamesTheFile() throws {
        let f = folder()
        let store = try ProposalStore(folder: f)
        _ = try propose(store)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: f + "/P1.json"))
        do { _ = try ProposalStore(folder: f); Issue.record("a damaged store opened") } catch { #expect(error.description.contains("P1.json")) }
        try FileManager.default.removeItem(atPath: f + "/P1.json")
        _ = try propose(try ProposalStore(folder: f))
        try FileManager.default.moveItem(atPath: f + "/P1.json", toPath: f + "/P7.json")
        do { _ = try ProposalStore(folder: f); Issue.record("a renamed proposal opened") } catch { #expect(error.description.contains("renamed")) }
    }

    @Test func anApprovalIsOfTheRevisionItsReviewerSaw() throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store)
        do { _ = try store.review("P1", by: wang, approve: true, comment: "", serving: "b0", at: now); Issue.record("no revision") } catch { #expect(error.code == "missing-revision") }
        _ = try store.update("P1", by: li, baseDigest: "b0", candidateDigest: "c9", changes: [.init(path: "rules.yaml", text: "other", before: "old")], check: check, at: now)
        do { _ = try store.review("P1", by: wang, approve: true, comment: "", serving: "b0", revision: 1, at: now); Issue.record("an unseen revision approved") }
        catch { #expect(error.code == "changed-since-review" && error.kind == .conflict) }
        #expect(try store.review("P1", by: wang, approve: true, comment: "", serving: "b0", revision: 2, at: now).candidateDigest == "c9")
    }

    @Test func onlyItsAuthorChangesAProposalAndNoSpellingOfTheirNameApprovesIt() throws {
        let store = try ProposalStore(folder: folder())
        _ = try propose(store)
        let admin = Identity(name: "ops", role: .admin)
        do { _ = try store.update("P1", by: admin, baseDigest: "b0", candidateDigest: "c9", changes: [.init(path: "rules.yaml", text: "x", before: "old")], check: check, at: now); Issue.record("an admin rewrote it") }
        catch { #expect(error.code == "not-author") }
        for spelling in ["Li.Wei", "LI.WEI", "ｌｉ.ｗｅｉ"] {
            do { _ = try store.review("P1", by: Identity(name: spelling, role: .approver), approve: true, comment: "", serving: "b0", revision: 1, at: now); Issue.record("\(spelling) approved") }
            catch { #expect(error.code == "own-proposal") }
        }
    }

    struct LogDown: Error {}

    @Test func aStepTheLogCannotRecordDoesNotHappen() throws {
        let store = try ProposalStore(folder: folder())
        do {
            _ = try store.propose(set: "s", version: "", by: li, reason: "r", baseDigest: "b", candidateDigest: "c",
                                  changes: [.init(path: "a.yaml", text: "x", before: nil)], check: check, at: now, record: { _ in throw LogDown() })
            Issue.record("proposed unrecorded")
        } catch { #expect(error.code == "not-recorded" && error.kind == .storage) }
        #expect(store.all().isEmpty)
        // The refused step used up its id: a step the log recorded for it is never told of another proposal.
        #expect(try propose(store).id == "P2")
        do { _ = try store.review("P2", by: wang, approve: true, comment: "", serving: "b0", revision: 1, at: now, record: { _ in throw LogDown() }); Issue.record("approved unrecorded") }
        catch { #expect(error.code == "not-recorded") }
        #expect(store.proposal("P2")?.state == .open)
        #expect(try ProposalStore(folder: store.folder).proposal("P2")?.state == .open)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: store.folder)).contains { $0.hasSuffix(".tmp") })
    }

    @Test func aFileOfTheProposalIsNeverAFolderOfAnother() throws {
        let store = try ProposalStore(folder: folder())
        do {
            _ = try store.propose(set: "s", version: "", by: li, reason: "r", baseDigest: "b", candidateDigest: "c",
                                  changes: [.init(path: "x.test.yaml", text: "a", before: nil), .init(path: "x.test.yaml/y.test.yaml", text: "b", before: nil)],
                                  check: check, at: now)
            Issue.record("a file inside another file of the proposal")
        } catch { #expect(error.code == "bad-path" && error.description.contains("inside `x.test.yaml`")) }
    }

    @Test func aProposalStoredBeforeRevisionsReadsAsItsFirst() throws {
        let p = Proposal(id: "P1", set: "s", version: "", author: "li.wei", reason: "why", createdAt: "2026-12-06T00:00:00.000Z", baseDigest: "b",
                         candidateDigest: "c", changes: [.init(path: "a.yaml", text: "x", before: "y")], check: check)
        var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(p)) as! [String: Any]
        #expect(object["revision"] as? Int == 1)
        object.removeValue(forKey: "revision")
        object.removeValue(forKey: "madeFrom")
        let old = try JSONDecoder().decode(Proposal.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old == p)
    }

    @Test func namesAreComparedWithoutCaseOrWidth() {
        #expect(Identity.sameName("strasse", "STRASSE") && Identity.sameName("ｂｏｂ", "Bob") && Identity.sameName("Straße", "strasse"))
        #expect(!Identity.sameName("bob", "rob"))
    }
}
