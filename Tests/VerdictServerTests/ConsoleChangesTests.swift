import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Verdict
import VerdictAudit
import VerdictChanges
import VerdictConsole
@testable import VerdictServer

/// Governed changes in the web console (issue 32), in process through the router: an editor checks a
/// draft and proposes it from the draft's page; the proposal's page shows who, why, base → candidate,
/// the check and the diff; the editor cannot approve it, and an approver who proposed sees no Approve
/// button and is told why a forged one is refused; another approver approves and the set serves the
/// candidate; reject needs a comment; a stale base is brought up to date by its author; an archived
/// version is proposed back; every POST checks the role and the form token; text escaped, en and zh.
@Suite(.serialized) struct ConsoleChangesTests {
    static let tokens: [String: String] = [
        "chen.jie": "viewer-token-0123456789abcdef", "li.wei": "editor-token-0123456789abcdef",
        "wang.fang": "approver-token-0123456789abcdef", "zhao.min": "approver2-token-0123456789abcdef",
    ]
    static let roles: [String: Role] = ["chen.jie": .viewer, "li.wei": .editor, "wang.fang": .approver, "zhao.min": .approver]
    static let viewer = "chen.jie", editor = "li.wei", approver = "wang.fang", approver2 = "zhao.min"
    static let csrf = ConsoleFormToken.newFormToken()

    struct Setup {
        var copy: PolicyCopy
        var service: VerdictService
        var log: any DecisionLog
        var store: ProposalStore
    }

    static func setup() throws -> Setup {
        let copy = try PolicyCopy("quality-complaints")
        var yaml = "users:\n"
        for (name, token) in tokens.sorted(by: { $0.key < $1.key }) {
            yaml += "  - name: \(name)\n    role: \(roles[name]!.rawValue)\n    token_sha256: \(UserDirectory.hash(token: token))\n"
        }
        var config = ServerConfiguration(policyFolders: [copy.path])
        config.users = try UserDirectory(yaml: yaml)
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.port = 0
        let log = try DecisionLogs.open("sqlite:" + copy.root.appendingPathComponent("log.db").path, create: true)
        config.recorder = AuditRecorder(writer: DecisionLogWriter(log: log), versionHistory: true)
        config.auditLog = log
        let store = try ProposalStore(folder: copy.root.appendingPathComponent("proposals").path)
        config.proposals = store
        return Setup(copy: copy, service: VerdictService(configuration: config, logger: CapturedLog().logger()), log: log, store: store)
    }

    /// Headers of a console request by `user` (a bearer token), with the form token's cookie.
    static func headers(_ user: String?, form: Bool = false, lang: Language? = nil) -> HTTPFields {
        var h = HTTPFields()
        if let user { h[.authorization] = "Bearer \(tokens[user]!)" }
        h[.cookie] = "verdict_csrf=\(csrf)" + (lang.map { "; verdict_lang=\($0.rawValue)" } ?? "")
        if form { h[.contentType] = "application/x-www-form-urlencoded" }
        return h
    }

    static func body(_ pairs: [(String, String)], csrf: String? = Self.csrf) -> String {
        (pairs + (csrf.map { [("csrf", $0)] } ?? [])).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }
            .joined(separator: "&")
    }

    /// An approval carries the revision the page showed (its hidden field): the first, unless the test gives one.
    static func post(_ client: some TestClientProtocol, _ uri: String, as user: String?, _ pairs: [(String, String)], csrf: String? = Self.csrf,
                     lang: Language? = nil) async throws -> TestResponse {
        let pairs = uri.hasSuffix("/approve") && !pairs.contains(where: { $0.0 == "revision" }) ? pairs + [("revision", "1")] : pairs
        return try await client.execute(uri: uri, method: .post, headers: headers(user, form: true, lang: lang), body: ByteBuffer(string: body(pairs, csrf: csrf)))
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, as user: String?, lang: Language? = nil) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: headers(user, lang: lang))
    }

    static func words(_ html: String) -> String { ConsoleDraftTests.words(html) }

    /// The editor's draft of the raised band, checked; then proposed from the page's own form: its
    /// hidden fields (the checked files) and a reason. Returns the new proposal's id.
    static func propose(_ client: some TestClientProtocol, _ s: Setup, as user: String = editor, reason: String,
                        edits given: [(String, String)]? = nil) async throws -> String {
        let edits = try given ?? ConsoleDraftTests.raisedBand(s.copy.path)
        let checked = try await post(client, "/draft", as: user, [("policy", "quality-complaints")] + edits)
        #expect(checked.status == .ok)
        let page = text(checked.body)
        #expect(page.contains("id=\"propose-form\""), "a draft that can be handed on offers the proposal form")
        // The form carries exactly the changed files, as checked.
        let start = try #require(page.range(of: "<form method=\"post\" action=\"/proposals\" id=\"propose-form\">"))
        let end = try #require(page.range(of: "</form>", range: start.upperBound..<page.endIndex))
        let form = String(page[start.lowerBound..<end.upperBound])
        #expect(form.contains("name=\"file.a5-approval.yaml\""))
        #expect(form.contains("name=\"file.quality-complaints.test.yaml\"") == (given == nil))
        #expect(!form.contains("name=\"file.a1-tier.yaml\""))
        let proposed = try await post(client, "/proposals", as: user, [("policy", "quality-complaints"), ("base", ""), ("reason", reason)] + edits)
        #expect(proposed.status == .seeOther)
        let location = try #require(proposed.headers[.location])
        #expect(location.hasPrefix("/proposals/P"))
        return String(location.dropFirst("/proposals/".count))
    }

    @Test func anEditorProposesFromTheDraftAnotherApprovesAndItServes() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let base = s.service.registry.set(named: "quality-complaints")!.active!.policy.identity.digest
            let id = try await Self.propose(client, s, reason: "raise the first band to 500 yuan (board minute 2026-14)")
            let p = try #require(s.store.proposal(id))
            #expect(p.author == Self.editor && p.baseDigest == base && p.state == .open)
            #expect(Set(p.changes.map(\.path)) == ["a5-approval.yaml", "quality-complaints.test.yaml"])

            // The editor's view: who, why, base → candidate, the check, the diff; no review forms, their own withdraw.
            let mine = try await Self.get(client, "/proposals/\(id)", as: Self.editor)
            #expect(mine.status == .ok)
            let page = text(mine.body), words = Self.words(page)
            #expect(words.contains("Author li.wei"))
            #expect(words.contains("raise the first band to 500 yuan (board minute 2026-14)"))
            #expect(words.contains("\(base) → \(p.candidateDigest)"))
            #expect(words.contains("YAML tests: \(p.check.testsPassed) passed, 0 failed"))
            #expect(words.contains("a5-approval.yaml: 2 lines removed, 2 added"))
            #expect(page.contains("− ") && page.contains("when: cost &lt;= 500"))
            #expect(!page.contains("id=\"approve\"") && !page.contains("id=\"reject\""))
            #expect(page.contains("id=\"withdraw\""))
            #expect(!page.contains("id=\"update\""), "the base still serves: nothing to bring up to date")

            // The editor cannot approve it: refused by role before the form is read.
            let refused = try await Self.post(client, "/proposals/\(id)/approve", as: Self.editor, [("comment", "")])
            #expect(refused.status == .forbidden)
            #expect(Self.words(text(refused.body)).contains("This page needs the approver role; you are signed in as editor."))
            #expect(s.store.proposal(id)?.state == .open)

            // The approver sees the review forms and approves: the set serves the candidate.
            let review = text(try await Self.get(client, "/proposals/\(id)", as: Self.approver).body)
            #expect(review.contains("id=\"approve\"") && review.contains("id=\"reject\""))
            #expect(!review.contains("id=\"withdraw\""))
            let approved = try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "checked against the minute")])
            #expect(approved.status == .seeOther)
            #expect(approved.headers[.location] == "/proposals/\(id)")
            #expect(s.store.proposal(id)?.state == .activated)
            #expect(s.service.registry.set(named: "quality-complaints")?.active?.policy.identity.digest == p.candidateDigest)
            let after = Self.words(text(try await Self.get(client, "/proposals/\(id)", as: Self.viewer).body))
            #expect(after.contains("State: activated"))
            #expect(after.contains("Approved by wang.fang at"))
            #expect(after.contains("checked against the minute"))
            #expect(after.contains("serving \(p.candidateDigest)"))
            #expect(after.contains("(serves now)"))

            // The list, the latest first, filtered by set and state; the nav links to it.
            let list = text(try await Self.get(client, "/proposals?set=quality-complaints&state=activated", as: Self.viewer).body)
            #expect(list.contains("href=\"/proposals/\(id)\""))
            #expect(list.contains("href=\"/proposals\""))
            #expect(text(try await Self.get(client, "/proposals?state=open", as: Self.viewer).body).contains("id=\"no-proposals\""))

            // Every step is in the log, which verifies.
            let steps = try ChangeHistory.of(s.log).steps.filter { $0.proposal == id }.map(\.step)
            #expect(steps == [.proposed, .approved, .activated])
            #expect(try LogVerifier.verify(s.log).records >= 3, "verify throws unless the whole log holds")
        }
    }

    @Test func anApproverWhoProposedSeesNoApproveButtonAndIsToldWhyNot() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = try await Self.propose(client, s, as: Self.approver, reason: "my own change")
            let page = text(try await Self.get(client, "/proposals/\(id)", as: Self.approver).body)
            #expect(!page.contains("id=\"approve\""))
            #expect(Self.words(page).contains("You proposed this change: it must be reviewed by another approver."))
            // A form sent anyway (a copied page, a script) is refused with the store's reason, on the page.
            let forced = try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "")])
            #expect(forced.status == .forbidden)
            let words = Self.words(text(forced.body))
            #expect(words.contains("A proposal is reviewed by someone other than its author"))
            #expect(words.contains("wang.fang proposed \(id): a proposal is reviewed by someone other than its author"))
            #expect(s.store.proposal(id)?.state == .open)
            // In Chinese, the title in Chinese and the store's reason as given.
            let zh = try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "")], lang: .zh)
            #expect(Self.words(text(zh.body)).contains("提案须由提出人以外的人审核"))
            // Reject needs a comment; another approver rejects with one.
            let bare = try await Self.post(client, "/proposals/\(id)/reject", as: Self.approver2, [("comment", "  ")])
            #expect(bare.status == .unprocessableContent)
            #expect(Self.words(text(bare.body)).contains("A comment is required"))
            let rejected = try await Self.post(client, "/proposals/\(id)/reject", as: Self.approver2, [("comment", "no impact report attached")])
            #expect(rejected.status == .seeOther)
            #expect(s.store.proposal(id)?.state == .rejected)
            let done = Self.words(text(try await Self.get(client, "/proposals/\(id)", as: Self.approver2).body))
            #expect(done.contains("Rejected by zhao.min at"))
            #expect(done.contains("no impact report attached"))
        }
    }

    @Test func everyPostChecksTheRoleAndTheFormToken() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = try await Self.propose(client, s, reason: "the band")
            let edits = try ConsoleDraftTests.raisedBand(s.copy.path)
            let routes: [(String, [(String, String)], Role)] = [
                ("/proposals", [("policy", "quality-complaints"), ("reason", "x")] + edits, .editor),
                ("/proposals/rollback", [("set", "quality-complaints"), ("digest", "sha256:00"), ("reason", "x")], .editor),
                ("/proposals/\(id)/approve", [("comment", "")], .approver),
                ("/proposals/\(id)/reject", [("comment", "no")], .approver),
                ("/proposals/\(id)/withdraw", [], .editor),
                ("/proposals/\(id)/update", [], .editor),
            ]
            for (uri, fields, needed) in routes {
                // No one signed in: 401 with the sign-in page.
                #expect(try await Self.post(client, uri, as: nil, fields).status == .unauthorized, "\(uri) without an identity")
                // A viewer: 403, whatever the form holds.
                let viewer = try await Self.post(client, uri, as: Self.viewer, fields)
                #expect(viewer.status == .forbidden, "\(uri) by a viewer")
                #expect(Self.words(text(viewer.body)).contains("needs the \(needed.rawValue) role"))
                // The right role without the form's token, or with another: 403, nothing read or done.
                let who = needed == .approver ? Self.approver2 : Self.editor
                let noToken = try await Self.post(client, uri, as: who, fields, csrf: nil)
                #expect(noToken.status == .forbidden, "\(uri) without a form token")
                #expect(Self.words(text(noToken.body)).contains("The form's token did not match"))
                #expect(try await Self.post(client, uri, as: who, fields, csrf: ConsoleFormToken.newFormToken()).status == .forbidden)
            }
            #expect(s.store.all().count == 1)
            #expect(s.store.proposal(id)?.state == .open)
            // Reading is a viewer's; the pages are refused without an identity.
            #expect(try await Self.get(client, "/proposals", as: Self.viewer).status == .ok)
            #expect(try await Self.get(client, "/proposals/\(id)", as: Self.viewer).status == .ok)
            #expect(try await Self.get(client, "/proposals/\(id)", as: nil).status == .unauthorized)
            let viewerPage = text(try await Self.get(client, "/proposals/\(id)", as: Self.viewer).body)
            #expect(!viewerPage.contains("<form method=\"post\""), "a viewer is offered no action")
            // A body over the form limit is refused before it is read.
            let big = String(repeating: "a", count: ServerLimits().maxFormBytes + 10)
            let huge = try await Self.post(client, "/proposals/\(id)/reject", as: Self.approver2, [("comment", big)])
            #expect(huge.status == .contentTooLarge)
            #expect(s.store.proposal(id)?.state == .open)
            // No such proposal; a state that is none.
            #expect(try await Self.get(client, "/proposals/P999", as: Self.viewer).status == .notFound)
            let bad = try await Self.get(client, "/proposals?state=%3Cscript%3E", as: Self.viewer)
            #expect(bad.status == .badRequest)
            #expect(!text(bad.body).contains("<script>"))
            #expect(Self.words(text(bad.body)).contains("“<script>” is not a state of a proposal"))
        }
    }

    @Test func aStaleBaseIsBroughtUpToDateByItsAuthorThenWithdrawn() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = try await Self.propose(client, s, reason: "the band")
            // Someone changes another file of the set; the reload serves it.
            try s.copy.write("a1-tier.yaml", try s.copy.read("a1-tier.yaml") + "\n# a note added by hand\n")
            #expect(await s.service.registry.reloadAll(trigger: .request).allSatisfy { $0.1.outcome == .activated })
            let serving = s.service.registry.set(named: "quality-complaints")!.active!.policy.identity.digest
            let stale = text(try await Self.get(client, "/proposals/\(id)", as: Self.editor).body)
            #expect(stale.contains("id=\"stale\"") && stale.contains("id=\"update\""))
            // Approving it now is refused: its author must bring it up to date.
            let refused = try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "")])
            #expect(refused.status == .conflict)
            #expect(Self.words(text(refused.body)).contains("The proposal must be brought up to date first"))
            // Someone else may not bring it up to date; its author does.
            let other = try await Self.post(client, "/proposals/\(id)/update", as: Self.approver2, [])
            #expect(other.status == .forbidden)
            #expect(Self.words(text(other.body)).contains("only its author, li.wei, may bring \(id) up to date"))
            let updated = try await Self.post(client, "/proposals/\(id)/update", as: Self.editor, [])
            #expect(updated.status == .seeOther)
            let p = try #require(s.store.proposal(id))
            #expect(p.baseDigest == serving && p.state == .open)
            let fresh = text(try await Self.get(client, "/proposals/\(id)", as: Self.editor).body)
            #expect(!fresh.contains("id=\"stale\"") && !fresh.contains("id=\"update\""))
            // Withdrawn by its author: no more forms.
            #expect(try await Self.post(client, "/proposals/\(id)/withdraw", as: Self.editor, []).status == .seeOther)
            #expect(s.store.proposal(id)?.state == .withdrawn)
            let again = try await Self.post(client, "/proposals/\(id)/withdraw", as: Self.editor, [])
            #expect(again.status == .conflict)
            #expect(Self.words(text(again.body)).contains("The proposal is no longer open"))
        }
    }

    @Test func anEarlierVersionIsProposedBackFromTheList() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let original = s.service.registry.set(named: "quality-complaints")!.active!.policy.identity.digest
            // A change of a label only: the set's tests (which a rollback keeps as they are) pass on both versions.
            let relabel = try s.copy.read("a5-approval.yaml").replacingOccurrences(of: "en: Report signing and approval", with: "en: Report sign-off")
            let id = try await Self.propose(client, s, reason: "a clearer label", edits: [("file.a5-approval.yaml", relabel)])
            #expect(try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, []).status == .seeOther)
            #expect(s.store.proposal(id)?.state == .activated)
            let list = text(try await Self.get(client, "/proposals", as: Self.editor).body)
            #expect(list.contains("action=\"/proposals/rollback\""))
            #expect(list.contains("value=\"\(original)\""))
            #expect(Self.words(list).contains("Propose bringing back version \(original.dropFirst(7).prefix(12))"))
            // A viewer sees the list, not the rollback forms.
            #expect(!text(try await Self.get(client, "/proposals", as: Self.viewer).body).contains("action=\"/proposals/rollback\""))
            // Without a reason: refused with the store's reason, nothing proposed.
            let noReason = try await Self.post(client, "/proposals/rollback", as: Self.editor, [("set", "quality-complaints"), ("digest", original), ("reason", "")])
            #expect(noReason.status == .unprocessableContent)
            #expect(Self.words(text(noReason.body)).contains("A reason is required"))
            let back = try await Self.post(client, "/proposals/rollback", as: Self.editor,
                                           [("set", "quality-complaints"), ("digest", original), ("reason", "the board withdrew the minute")])
            #expect(back.status == .seeOther)
            let rid = String(try #require(back.headers[.location]).dropFirst("/proposals/".count))
            let r = try #require(s.store.proposal(rid))
            #expect(r.rollbackOf == original && r.candidateDigest == original)
            #expect(Self.words(text(try await Self.get(client, "/proposals/\(rid)", as: Self.editor).body)).contains("Brings back the earlier version \(original)"))
        }
    }

    @Test func proposalTextIsEscapedInBothLanguages() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = try await Self.propose(client, s, reason: "<script>alert(1)</script> \"><img src=x onerror=alert(2)>")
            for lang in [Language.en, .zh] {
                for uri in ["/proposals", "/proposals/\(id)"] {
                    let page = text(try await Self.get(client, uri, as: Self.approver, lang: lang).body)
                    #expect(!page.contains("<script>alert") && !page.contains("<img src=x"), "\(uri) \(lang)")
                    #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                }
            }
            let zh = Self.words(text(try await Self.get(client, "/proposals/\(id)", as: Self.approver, lang: .zh).body))
            #expect(zh.contains("状态: 待审核"))
            #expect(zh.contains("提出人 li.wei"))
            #expect(zh.contains("批准并启用"))
            #expect(Self.words(text(try await Self.get(client, "/proposals", as: Self.viewer, lang: .zh).body)).contains("变更提案"))
            // The draft's proposal form in Chinese.
            let edits = try ConsoleDraftTests.raisedBand(s.copy.path)
            let draft = Self.words(text(try await Self.post(client, "/draft", as: Self.editor, [("policy", "quality-complaints")] + edits, lang: .zh).body))
            #expect(draft.contains("提出此变更"))
        }
    }

    @Test func aFileIsRemovedByAProposalFromTheDraftPage() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            // Every file of the draft has its "remove" box.
            let draft = text(try await Self.get(client, "/draft?policy=quality-complaints", as: Self.editor).body)
            #expect(draft.contains(#"name="remove.quality-complaints.test.yaml""#))
            // Ticked, the draft is checked without the file, and the box stays ticked.
            let tests = try s.copy.read("quality-complaints.test.yaml")
            let checked = try await Self.post(client, "/draft", as: Self.editor,
                                              [("policy", "quality-complaints"), ("file.quality-complaints.test.yaml", tests), ("remove.quality-complaints.test.yaml", "1")])
            #expect(checked.status == .ok)
            let page = text(checked.body)
            #expect(page.contains(#"name="remove.quality-complaints.test.yaml" value="1" checked"#))
            #expect(page.contains("id=\"propose-form\""), "a removal alone can be proposed")
            #expect(page.contains(#"<input type="hidden" name="remove.quality-complaints.test.yaml" value="1">"#))
            // A box naming no file of the version is refused.
            let stray = try await Self.post(client, "/draft", as: Self.editor, [("policy", "quality-complaints"), ("remove.nothing-here.yaml", "1")])
            #expect(stray.status == .badRequest)
            #expect(Self.words(text(stray.body)).contains("`nothing-here.yaml` is not a file of this version"))

            let proposed = try await Self.post(client, "/proposals", as: Self.editor,
                                               [("policy", "quality-complaints"), ("base", ""), ("reason", "the tests move to the shared suite"),
                                                ("remove.quality-complaints.test.yaml", "1")])
            #expect(proposed.status == .seeOther)
            let id = String(try #require(proposed.headers[.location]).dropFirst("/proposals/".count))
            let p = try #require(s.store.proposal(id))
            #expect(p.changes == [Proposal.FileChange(path: "quality-complaints.test.yaml", text: nil, before: tests)])
            #expect(try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "")]).status == .seeOther)
            #expect(s.store.proposal(id)?.state == .activated)
            #expect(!FileManager.default.fileExists(atPath: s.copy.path + "/quality-complaints.test.yaml"))
        }
    }

    @Test func aNewVersionWithItsOwnDateIsProposedFromTheDraftPage() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let base = s.service.registry.set(named: "quality-complaints")!.active!.policy.identity.digest
            let edits = try ConsoleDraftTests.raisedBand(s.copy.path)
            let asNew = [("as", "new"), ("new_version", "2.0.0"), ("new_effective", "2027-01-01")]
            let checked = try await Self.post(client, "/draft", as: Self.editor, [("policy", "quality-complaints")] + edits + asNew)
            #expect(checked.status == .ok)
            let page = text(checked.body)
            #expect(page.contains("id=\"propose-form\""))
            #expect(page.contains(#"<input type="hidden" name="new_version" value="2.0.0">"#))
            // The proposal carries every file of the new version, not only the changed ones.
            #expect(page.contains(#"<input type="hidden" name="file.a1-tier.yaml""#))

            let proposed = try await Self.post(client, "/proposals", as: Self.editor,
                                               [("policy", "quality-complaints"), ("base", ""), ("reason", "the 2027 bands")] + edits + asNew)
            #expect(proposed.status == .seeOther, "\(Self.words(text(proposed.body)).prefix(300))")
            let id = String(try #require(proposed.headers[.location]).dropFirst("/proposals/".count))
            let p = try #require(s.store.proposal(id))
            #expect(p.version == "versions/2.0.0" && p.madeFrom == "" && p.baseDigest == base && p.newVersionEffective == "2027-01-01")
            #expect(p.changes.allSatisfy { $0.before == nil } && p.changes.contains { $0.path == "a1-tier.yaml" })
            let shown = Self.words(text(try await Self.get(client, "/proposals/\(id)", as: Self.approver).body))
            #expect(shown.contains("versions/2.0.0 — A new version 2.0.0, effective from 2027-01-01, made from the set's own files"))

            #expect(try await Self.post(client, "/proposals/\(id)/approve", as: Self.approver, [("comment", "")]).status == .seeOther)
            #expect(s.store.proposal(id)?.state == .activated, "\(s.store.proposal(id)?.outcome ?? [])")
            let served = try #require(s.service.registry.set(named: "quality-complaints")?.active?.versions.versions)
            #expect(served.map(\.identity.version) == ["1.0.0", "2.0.0"])
            #expect(served.first?.identity.digest == base, "the version it was made from serves unchanged before 2027")
            #expect(try String(contentsOfFile: s.copy.path + "/versions/2.0.0/policy.yaml", encoding: .utf8).contains("effective: 2027-01-01"))
            // The same name again is refused with why, and nothing is kept.
            let count = s.store.all().count
            let again = try await Self.post(client, "/proposals", as: Self.editor,
                                            [("policy", "quality-complaints"), ("base", ""), ("reason", "again")] + edits + asNew)
            #expect(again.status.code >= 400)
            #expect(Self.words(text(again.body)).contains("The set already has a version 2.0.0"), "\(Self.words(text(again.body)).prefix(400))")
            #expect(s.store.all().count == count)
        }
    }
}
