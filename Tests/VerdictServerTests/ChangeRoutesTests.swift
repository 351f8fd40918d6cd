import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import Verdict
import VerdictAudit
import VerdictChanges
@testable import VerdictServer

/// Governed changes over HTTP (issue 32), in process: an editor proposes a band change and sees its
/// check; the author cannot approve it; another approver does and it serves; each route refuses the
/// roles below it; a stale base, a change the serving reload refuses (the old files put back), a
/// rollback by digest, and every step in the decision log, which verifies.
@Suite(.serialized) struct ChangeRoutesTests {
    static let tokens: [String: String] = [
        "chen.jie": "viewer-token-0123456789abcdef", "li.wei": "editor-token-0123456789abcdef",
        "wang.fang": "approver-token-0123456789abcdef", "zhao.min": "approver2-token-0123456789abcdef",
    ]
    static let roles: [String: Role] = ["chen.jie": .viewer, "li.wei": .editor, "wang.fang": .approver, "zhao.min": .approver]
    static var viewer: String { tokens["chen.jie"]! }
    static var editor: String { tokens["li.wei"]! }
    static var approver: String { tokens["wang.fang"]! }
    static var approver2: String { tokens["zhao.min"]! }

    struct Setup {
        var copy: PolicyCopy
        var service: VerdictService
        var log: any DecisionLog
        var store: ProposalStore
        var folder: String
    }

    static func setup(_ sets: [String] = ["quality-complaints"], extra: [String] = []) throws -> Setup {
        let copy = try PolicyCopy(sets[0])
        var folders = [copy.path]
        for s in sets.dropFirst() {
            let f = copy.root.appendingPathComponent(URL(fileURLWithPath: s).lastPathComponent).path
            try FileManager.default.copyItem(atPath: shippedPolicyPath(s), toPath: f)
            try? FileManager.default.removeItem(atPath: f + "/versions")
            folders.append(f)
        }
        var yaml = "users:\n"
        for (name, token) in tokens.sorted(by: { $0.key < $1.key }) {
            yaml += "  - name: \(name)\n    role: \(roles[name]!.rawValue)\n    token_sha256: \(UserDirectory.hash(token: token))\n"
        }
        var config = ServerConfiguration(policyFolders: folders + extra)
        config.users = try UserDirectory(yaml: yaml)
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        config.port = 0
        let log = try DecisionLogs.open("sqlite:" + copy.root.appendingPathComponent("log.db").path, create: true)
        config.recorder = AuditRecorder(writer: DecisionLogWriter(log: log), versionHistory: true)
        config.auditLog = log
        let store = try ProposalStore(folder: copy.root.appendingPathComponent("proposals").path)
        config.proposals = store
        return Setup(copy: copy, service: VerdictService(configuration: config, logger: CapturedLog().logger()), log: log, store: store, folder: copy.path)
    }

    /// The band edit of quality-complaints (100..300] → (100..500], with its test moved along.
    static func bandChange(_ copy: PolicyCopy, to upper: String = "500") throws -> String {
        let rules = try copy.read("a2-handling.yaml").replacingOccurrences(of: "cost in (100..300]", with: "cost in (100..\(upper)]")
            .replacingOccurrences(of: "cost > 300", with: "cost > \(upper)")
        let tests = try copy.read("quality-complaints.test.yaml")
            .replacingOccurrences(of: "above 300 yuan a tier-1 case has no settlement authority of its own\n    case: {cost: \"300.01\"}",
                                  with: "above \(upper) yuan a tier-1 case has no settlement authority of its own\n    case: {cost: \"\(upper).01\"}")
        return Self.body(["set": "quality-complaints", "reason": "raise the branch manager's band to \(upper) yuan",
                          "files": [["path": "a2-handling.yaml", "text": rules], ["path": "quality-complaints.test.yaml", "text": tests]]])
    }

    static func body(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func anEditorProposesAnotherApprovesItServesAndTheLogHasEveryStep() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let before = try await client.digest("quality-complaints", token: Self.viewer)
            let proposed = try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.editor)
            #expect(proposed.status == .created, "\(text(proposed.body).prefix(400))")
            let p = json(proposed.body)
            let id = try #require(p["id"] as? String)
            #expect(proposed.headers[.location] == "/v1/proposals/\(id)")
            #expect(p["state"] as? String == "open" && p["author"] as? String == "li.wei" && p["base_digest"] as? String == before)
            #expect(((p["check"] as? [String: Any])?["tests_passed"] as? Int ?? 0) > 0)
            let files = try #require(p["files"] as? [[String: Any]])
            #expect(files.contains { ($0["diff"] as? String)?.contains("+        when: tier == 1 and cost in (100..500]") == true })
            // Nothing serves from a proposal.
            #expect(try await client.digest("quality-complaints", token: Self.viewer) == before)

            // The author cannot approve it, as an editor nor by name.
            let own = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.editor)
            #expect(own.status == .forbidden && json(own.body)["type"] as? String == "urn:verdict:problem:insufficient-role")
            // A viewer neither; the list is open to a viewer.
            #expect(try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.viewer).status == .forbidden)
            let listed = json(try await client.get("/v1/proposals?state=open", token: Self.viewer).body)["proposals"] as? [[String: Any]]
            #expect(listed?.map { $0["id"] as? String } == [id])

            let approved = try await client.post("/v1/proposals/\(id)/approve", #"{"comment":"impact checked","revision":1}"#, token: Self.approver)
            #expect(approved.status == .ok, "\(text(approved.body).prefix(400))")
            let done = json(approved.body)
            #expect(done["state"] as? String == "activated")
            #expect((done["reviews"] as? [[String: Any]])?.first?["by"] as? String == "wang.fang")
            let serving = try await client.digest("quality-complaints", token: Self.viewer)
            #expect(serving == done["candidate_digest"] as? String && serving != before)
            #expect(try s.copy.read("a2-handling.yaml").contains("cost in (100..500]"))
            #expect(!(try FileManager.default.contentsOfDirectory(atPath: s.folder)).contains { $0.hasPrefix(".verdict") })

            // The console's audit page shows the set's change history beside its decisions.
            let audit = text(try await client.get("/audit?set=quality-complaints", token: Self.viewer).body)
            #expect(audit.contains(#"<h2 id="changes">Changes</h2>"#) && audit.contains("impact checked") && audit.contains("li.wei"))

            // A second approval of the same proposal is refused: it is activated already.
            let again = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver2)
            #expect(again.status == .conflict && json(again.body)["type"] as? String == "urn:verdict:problem:not-open")
        }
        let steps = try ChangeHistory.of(s.log, set: "quality-complaints").steps.map(\.step)
        #expect(steps == [.proposed, .approved, .activated])
        let history = try ChangeHistory.of(s.log, set: "quality-complaints").steps
        #expect(history.map(\.by) == ["li.wei", "wang.fang", "service"])
        _ = try LogVerifier.verify(s.log)
    }

    @Test func eachRouteRefusesTheRolesBelowIt() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            // Nobody signed in: 401 everywhere.
            for (method, path) in [(HTTPRequest.Method.get, "/v1/proposals"), (.post, "/v1/proposals"), (.get, "/v1/proposals/P1"),
                                   (.post, "/v1/proposals/P1/approve"), (.post, "/v1/proposals/P1/reject"), (.post, "/v1/proposals/P1/withdraw"),
                                   (.post, "/v1/proposals/P1/update")] {
                #expect(try await client.execute(uri: path, method: method, body: ByteBuffer(string: "{}")).status == .unauthorized, "\(path)")
            }
            #expect(try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.viewer).status == .forbidden)
            let id = json(try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.editor).body)["id"] as? String ?? ""
            #expect(try await client.get("/v1/proposals/\(id)", token: Self.viewer).status == .ok)
            #expect(try await client.post("/v1/proposals/\(id)/reject", #"{"comment":"no"}"#, token: Self.editor).status == .forbidden)
            #expect(try await client.post("/v1/proposals/\(id)/withdraw", "{}", token: Self.viewer).status == .forbidden)
            let notAuthor = try await client.post("/v1/proposals/\(id)/withdraw", "{}", token: Self.approver)
            #expect(notAuthor.status == .forbidden && json(notAuthor.body)["type"] as? String == "urn:verdict:problem:not-author")
            let noComment = try await client.post("/v1/proposals/\(id)/reject", "{}", token: Self.approver)
            #expect(noComment.status == .unprocessableContent)
            let rejected = try await client.post("/v1/proposals/\(id)/reject", #"{"comment":"the contract says 300"}"#, token: Self.approver)
            #expect(json(rejected.body)["state"] as? String == "rejected")
            #expect(try await client.post("/v1/proposals/\(id)/withdraw", "{}", token: Self.editor).status == .conflict)
        }
    }

    @Test func badRequestsAreRefusedWithAReason() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            func problem(_ body: String) async throws -> (HTTPResponse.Status, String) {
                let r = try await client.post("/v1/proposals", body, token: Self.editor)
                return (r.status, json(r.body)["type"] as? String ?? "")
            }
            #expect(try await problem("not json") == (.badRequest, "urn:verdict:problem:invalid-json"))
            #expect(try await problem(#"{"set":"quality-complaints"}"#) == (.badRequest, "urn:verdict:problem:invalid-request"))
            #expect(try await problem(#"{"set":"nope","reason":"x","files":[{"path":"a.yaml","text":"x"}]}"#) == (.notFound, "urn:verdict:problem:unknown-policy"))
            #expect(try await problem(#"{"set":"quality-complaints","reason":"x","files":[{"path":"../../etc/x.yaml","text":"x"}]}"#) == (.unprocessableContent, "urn:verdict:problem:bad-path"))
            #expect(try await problem(#"{"set":"quality-complaints","reason":"x","files":[{"path":"a1-tier.yaml","text":"decisions: ["}]}"#).0 == .unprocessableContent)
            #expect(try await problem(#"{"set":"quality-complaints","reason":"","files":[{"path":"a.yaml","remove":true}]}"#) == (.unprocessableContent, "urn:verdict:problem:bad-path"))
            // A candidate whose tests fail is refused with them, and nothing is stored.
            let broken = Self.body(["set": "quality-complaints", "reason": "x",
                                    "files": [["path": "a2-handling.yaml", "text": try s.copy.read("a2-handling.yaml").replacingOccurrences(of: "cost in (100..300]", with: "cost in (100..500]").replacingOccurrences(of: "cost > 300", with: "cost > 500")]]])
            let r = try await client.post("/v1/proposals", broken, token: Self.editor)
            #expect(r.status == .unprocessableContent && json(r.body)["type"] as? String == "urn:verdict:problem:candidate-refused")
            #expect((json(r.body)["failed_tests"] as? [String])?.first?.contains("above 300 yuan") == true)
            #expect(s.store.all().isEmpty)
            let same = Self.body(["set": "quality-complaints", "reason": "x", "files": [["path": "a1-tier.yaml", "text": try s.copy.read("a1-tier.yaml")]]])
            #expect(json(try await client.post("/v1/proposals", same, token: Self.editor).body)["type"] as? String == "urn:verdict:problem:no-change")
            #expect(try await client.get("/v1/proposals?state=bogus", token: Self.viewer).status == .badRequest)
            #expect(try await client.get("/v1/proposals/P999", token: Self.viewer).status == .notFound)
        }
    }

    @Test func aStaleProposalIsBroughtUpToDateBeforeItsApproval() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let first = json(try await client.post("/v1/proposals", try Self.bandChange(s.copy, to: "500"), token: Self.editor).body)["id"] as? String ?? ""
            // A second change of another file, proposed against the same base.
            let label = try s.copy.read("a1-tier.yaml")
            let other = Self.body(["set": "quality-complaints", "reason": "a comment", "files": [["path": "a1-tier.yaml", "text": label + "\n# reviewed 2026\n"]]])
            let second = json(try await client.post("/v1/proposals", other, token: Self.editor).body)["id"] as? String ?? ""
            #expect(json(try await client.post("/v1/proposals/\(first)/approve", #"{"revision":1}"#, token: Self.approver).body)["state"] as? String == "activated")
            // The second was made against what no longer serves: it cannot be approved as it is.
            let stale = try await client.post("/v1/proposals/\(second)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(stale.status == .conflict && json(stale.body)["type"] as? String == "urn:verdict:problem:stale-base")
            // Its author brings it up to date (the same new text on the new base); the first change is kept.
            let updated = try await client.post("/v1/proposals/\(second)/update", "{}", token: Self.editor)
            #expect(updated.status == .ok, "\(text(updated.body).prefix(300))")
            #expect(json(try await client.post("/v1/proposals/\(second)/approve", #"{"revision":2}"#, token: Self.approver).body)["state"] as? String == "activated")
            #expect(try s.copy.read("a2-handling.yaml").contains("cost in (100..500]") && s.copy.read("a1-tier.yaml").hasSuffix("# reviewed 2026\n"))

            // Two changes of one file: the same text again would undo the first unseen, so it is refused;
            // the author sends the file again, edited on top of what serves.
            let base = try s.copy.read("a1-tier.yaml")
            let p3 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "note A", "files": [["path": "a1-tier.yaml", "text": base + "# A\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            let p4 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "note B", "files": [["path": "a1-tier.yaml", "text": base + "# B\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            #expect(json(try await client.post("/v1/proposals/\(p3)/approve", #"{"revision":1}"#, token: Self.approver).body)["state"] as? String == "activated")
            let moved = try await client.post("/v1/proposals/\(p4)/update", "{}", token: Self.editor)
            #expect(moved.status == .conflict && json(moved.body)["type"] as? String == "urn:verdict:problem:changed-since", "\(text(moved.body))")
            let resent = try await client.post("/v1/proposals/\(p4)/update", Self.body(["files": [["path": "a1-tier.yaml", "text": base + "# A\n# B\n"]]]), token: Self.editor)
            #expect(resent.status == .ok)
            #expect(json(try await client.post("/v1/proposals/\(p4)/approve", #"{"revision":2}"#, token: Self.approver).body)["state"] as? String == "activated")
            #expect(try s.copy.read("a1-tier.yaml").hasSuffix("# A\n# B\n"))
            // Updating a closed proposal is refused before anything is checked.
            #expect(json(try await client.post("/v1/proposals/\(p4)/update", "{}", token: Self.editor).body)["type"] as? String == "urn:verdict:problem:not-open")
        }
    }

    @Test func aProposalOnARemovedSetIsRefusedWithAReason() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = json(try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.editor).body)["id"] as? String ?? ""
            try FileManager.default.moveItem(atPath: s.folder, toPath: s.folder + "-gone")
            let r = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(r.status == .conflict && json(r.body)["type"] as? String == "urn:verdict:problem:set-gone", "\(text(r.body))")
            #expect(!FileManager.default.fileExists(atPath: s.folder), "nothing was written where the set was")
            // It can still be closed.
            #expect(json(try await client.post("/v1/proposals/\(id)/withdraw", "{}", token: Self.editor).body)["state"] as? String == "withdrawn")
        }
    }

    @Test func twoApproversAtOnceGiveOneActivation() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let id = json(try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.editor).body)["id"] as? String ?? ""
            async let a = client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver)
            async let b = client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver2)
            let statuses = try await [a.status, b.status]
            #expect(statuses.sorted { $0.code < $1.code } == [.ok, .conflict])
        }
        #expect(try ChangeHistory.of(s.log, set: nil).steps.filter { $0.step == .activated }.count == 1)
    }

    @Test func aChangeTheServingReloadRefusesPutsTheOldFilesBack() async throws {
        // Renaming a set passes the draft check (alone the renamed set is fine), but the serving
        // reload refuses a set whose name changes under it.
        let s = try Self.setup(["quality-complaints", "service-standards"])
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let manifest = try s.copy.read("policy.yaml")
            let renamed = manifest.replacingOccurrences(of: "name: quality-complaints", with: "name: service-standards")
            #expect(renamed != manifest)
            let before = try await client.digest("quality-complaints", token: Self.viewer)
            let r = try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "rename", "files": [["path": "policy.yaml", "text": renamed]]]), token: Self.editor)
            let id = try #require(json(r.body)["id"] as? String, "\(text(r.body).prefix(300))")
            let done = json(try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver).body)
            #expect(done["state"] as? String == "refused")
            #expect((done["outcome"] as? [String])?.joined().contains("name changed from `quality-complaints` to `service-standards`") == true, "\(done)")
            #expect(try s.copy.read("policy.yaml") == manifest)
            #expect(try await client.digest("quality-complaints", token: Self.viewer) == before)
        }
        #expect(try ChangeHistory.of(s.log, set: nil).steps.map(\.step).suffix(1) == [.refused])
    }

    @Test func anArchivedVersionIsProposedBackByItsDigest() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints", token: Self.viewer))
            let id = json(try await client.post("/v1/proposals", try Self.bandChange(s.copy), token: Self.editor).body)["id"] as? String ?? ""
            _ = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(try await client.digest("quality-complaints", token: Self.viewer) != original)
            // The archived version's policy files come back, and the test file the band change moved goes back with them.
            let back = try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "back to 300", "rollback_of": original]), token: Self.editor)
            #expect(back.status == .created, "\(text(back.body).prefix(300))")
            let rollback = json(back.body)
            #expect(rollback["rollback_of"] as? String == original && rollback["candidate_digest"] as? String == original)
            let done = json(try await client.post("/v1/proposals/\(rollback["id"] as? String ?? "")/approve", #"{"revision":1}"#, token: Self.approver2).body)
            #expect(done["state"] as? String == "activated")
            #expect(try await client.digest("quality-complaints", token: Self.viewer) == original)
            #expect(try s.copy.read("quality-complaints.test.yaml").contains(#"case: {cost: "300.01"}"#))
            #expect(json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "again", "rollback_of": original]), token: Self.editor).body)["type"] as? String
                    == "urn:verdict:problem:already-serving")
            #expect(json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "x", "rollback_of": "sha256:00"]), token: Self.editor).body)["type"] as? String
                    == "urn:verdict:problem:no-archived-version")
        }
        #expect(try ChangeHistory.of(s.log, set: nil).steps.map(\.step).suffix(1) == [.rolledBack])
    }

    @Test func twoChangesOfOneBaseApprovedAtOnceGiveOneActivationAndNoMix() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let a1 = try s.copy.read("a1-tier.yaml"), a3 = try s.copy.read("a3-notify.yaml")
            let p1 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "a", "files": [["path": "a1-tier.yaml", "text": a1 + "# a\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            let p2 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "b", "files": [["path": "a3-notify.yaml", "text": a3 + "# b\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            async let x = client.post("/v1/proposals/\(p1)/approve", #"{"revision":1}"#, token: Self.approver)
            async let y = client.post("/v1/proposals/\(p2)/approve", #"{"revision":1}"#, token: Self.approver2)
            let answers = try await [x, y]
            // One is activated; the other finds its base no longer serving and stays open — never both on disk with only one recorded.
            #expect(answers.map { json($0.body)["state"] as? String ?? json($0.body)["type"] as? String ?? "" }.sorted()
                    == ["activated", "urn:verdict:problem:stale-base"])
            let onDisk = (try s.copy.read("a1-tier.yaml").hasSuffix("# a\n") ? 1 : 0) + (try s.copy.read("a3-notify.yaml").hasSuffix("# b\n") ? 1 : 0)
            #expect(onDisk == 1)
        }
    }

    @Test func aTestFileChangedSinceIsNeverOverwrittenUnseen() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            // Test files are not in the policy's digest: the base still serves after another test change.
            let tests = try s.copy.read("quality-complaints.test.yaml")
            let p1 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "a", "files": [["path": "quality-complaints.test.yaml", "text": tests + "# AAA\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            let p2 = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "b", "files": [["path": "quality-complaints.test.yaml", "text": tests + "# BBB\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            #expect(json(try await client.post("/v1/proposals/\(p1)/approve", #"{"revision":1}"#, token: Self.approver).body)["state"] as? String == "activated")
            let second = try await client.post("/v1/proposals/\(p2)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(second.status == .conflict && json(second.body)["type"] as? String == "urn:verdict:problem:changed-since", "\(text(second.body))")
            #expect(try s.copy.read("quality-complaints.test.yaml").hasSuffix("# AAA\n"))
            #expect(s.store.proposal(p2)?.state == .open)
        }
    }

    @Test func anApprovalOfARevisionNotSeenIsRefused() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let a1 = try s.copy.read("a1-tier.yaml")
            let id = json(try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "typo", "files": [["path": "a1-tier.yaml", "text": a1 + "# typo\n"]]]), token: Self.editor).body)["id"] as? String ?? ""
            // The reviewer read revision 1; the author then swaps the text.
            _ = try await client.post("/v1/proposals/\(id)/update", Self.body(["files": [["path": "a1-tier.yaml", "text": a1 + "# something else\n"]]]), token: Self.editor)
            let r = try await client.post("/v1/proposals/\(id)/approve", #"{"comment":"typo fix ok","revision":1}"#, token: Self.approver)
            #expect(r.status == .conflict && json(r.body)["type"] as? String == "urn:verdict:problem:changed-since-review")
            let missing = try await client.post("/v1/proposals/\(id)/approve", "{}", token: Self.approver)
            #expect(missing.status == .unprocessableContent && json(missing.body)["type"] as? String == "urn:verdict:problem:missing-revision")
            #expect(try s.copy.read("a1-tier.yaml") == a1)
        }
    }

    @Test func aPathThroughAFileOrASymbolicLinkIsRefused() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        let outside = s.copy.root.appendingPathComponent("outside").path
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: s.folder + "/shared", withDestinationPath: outside)
        try await s.service.application().test(.router) { client in
            for path in ["policy.yaml/extra.test.yaml", "shared/escape.test.yaml"] {
                let r = try await client.post("/v1/proposals", Self.body(["set": "quality-complaints", "reason": "x", "files": [["path": path, "text": "tests: []\n"]]]), token: Self.editor)
                #expect(r.status == .unprocessableContent && json(r.body)["type"] as? String == "urn:verdict:problem:bad-path", "\(path): \(text(r.body))")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside).isEmpty)
    }

    @Test func sharedAndReservedIdentitiesProposeAndReviewNothing() {
        for name in ["token", "admin", "service", "Service", "anonymous"] {
            #expect(throws: ChangeDesk.Failure.self) { try ChangeDesk.person(Identity(name: name, role: .admin)) }
        }
        #expect(throws: Never.self) { try ChangeDesk.person(Identity(name: "wang.fang", role: .approver)) }
    }

    @Test func withoutADecisionLogNoStepHappens() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        var config = ServerConfiguration(policyFolders: [copy.path])
        config.users = try UserDirectory(yaml: "users:\n  - name: li.wei\n    role: editor\n    token_sha256: \(UserDirectory.hash(token: Self.editor))\n")
        config.reloadOnSIGHUP = false
        config.watchInterval = nil
        let store = try ProposalStore(folder: copy.root.appendingPathComponent("proposals").path)
        config.proposals = store
        try await VerdictService(configuration: config, logger: CapturedLog().logger()).application().test(.router) { client in
            let r = try await client.post("/v1/proposals", try Self.bandChange(copy), token: Self.editor)
            #expect(r.status == .serviceUnavailable && json(r.body)["type"] as? String == "urn:verdict:problem:not-recorded", "\(text(r.body))")
        }
        #expect(store.all().isEmpty)
    }

    @Test func aNewVersionIsProposedOverTheAPIAndServesBesideTheOld() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            let before = try await client.digest("quality-complaints", token: Self.viewer)
            var body = try JSONSerialization.jsonObject(with: Data(try Self.bandChange(s.copy).utf8)) as! [String: Any]
            body["new_version"] = ["version": "2.0.0", "effective": "2027-01-01"]
            // A name that is not plain, or a date that is not one, is refused with why; nothing is kept.
            for bad in [["version": "../2", "effective": "2027-01-01"], ["version": "2.0.0", "effective": "next year"]] {
                var b = body
                b["new_version"] = bad
                let refused = try await client.post("/v1/proposals", Self.body(b), token: Self.editor)
                #expect(refused.status.code >= 400 && json(refused.body)["type"] as? String == "urn:verdict:problem:bad-new-version", "\(text(refused.body).prefix(300))")
            }
            #expect(s.store.all().isEmpty)

            let proposed = try await client.post("/v1/proposals", Self.body(body), token: Self.editor)
            #expect(proposed.status == .created, "\(text(proposed.body).prefix(400))")
            let p = json(proposed.body)
            let id = try #require(p["id"] as? String)
            #expect(p["version_folder"] as? String == "versions/2.0.0" && p["base_digest"] as? String == before)
            let made = try #require(p["new_version"] as? [String: Any])
            #expect(made["version"] as? String == "2.0.0" && made["effective"] as? String == "2027-01-01" && made["made_from"] as? String == "")
            let files = try #require(p["files"] as? [[String: Any]])
            #expect(files.allSatisfy { $0["change"] as? String == "added" } && files.contains { $0["path"] as? String == "a1-tier.yaml" })

            // A second proposal of another new version, and a folder made by hand for it meanwhile: its approval is refused.
            var other = body
            other["new_version"] = ["version": "3.0.0", "effective": "2028-01-01"]
            let second = json(try await client.post("/v1/proposals", Self.body(other), token: Self.editor).body)
            let secondID = try #require(second["id"] as? String)
            try FileManager.default.createDirectory(atPath: s.folder + "/versions/3.0.0", withIntermediateDirectories: true)
            let exists = try await client.post("/v1/proposals/\(secondID)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(exists.status == .conflict && json(exists.body)["type"] as? String == "urn:verdict:problem:version-exists", "\(text(exists.body).prefix(300))")
            try FileManager.default.removeItem(atPath: s.folder + "/versions")
            #expect(try await client.post("/v1/proposals/\(secondID)/withdraw", "{}", token: Self.editor).status == .ok)

            let approved = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(approved.status == .ok && json(approved.body)["state"] as? String == "activated", "\(text(approved.body).prefix(400))")
            // The old version serves unchanged for cases before 2027; the new one from 2027-01-01.
            let info = json(try await client.get("/v1/policies/quality-complaints", token: Self.viewer).body)
            let versions = (info["versions"] as? [[String: Any]])?.compactMap { $0["version"] as? String }
            #expect(versions == ["1.0.0", "2.0.0"], "\(info)")
            #expect(try s.copy.read("a2-handling.yaml").contains("cost in (100..300]"), "the set's own files are untouched")
            #expect(try s.copy.read("versions/2.0.0/a2-handling.yaml").contains("cost in (100..500]"))
        }
        #expect(try ChangeHistory.of(s.log, set: "quality-complaints").steps.map(\.step) == [.proposed, .proposed, .withdrawn, .approved, .activated])
    }

    @Test func aNewVersionIsNotBroughtUpToDateOverAChangeOfItsSource() async throws {
        let s = try Self.setup()
        defer { s.copy.remove() }
        try await s.service.application().test(.router) { client in
            var body = try JSONSerialization.jsonObject(with: Data(try Self.bandChange(s.copy).utf8)) as! [String: Any]
            body["new_version"] = ["version": "2.0.0", "effective": "2027-01-01"]
            let id = try #require(json(try await client.post("/v1/proposals", Self.body(body), token: Self.editor).body)["id"] as? String)
            // Its source changes (another proposal, activated).
            let raised = try await client.post("/v1/proposals", try Self.bandChange(s.copy, to: "400"), token: Self.editor)
            let rid = try #require(json(raised.body)["id"] as? String)
            #expect(json(try await client.post("/v1/proposals/\(rid)/approve", #"{"revision":1}"#, token: Self.approver).body)["state"] as? String == "activated")
            // Approving the new version now is refused (stale base), and bringing it up to date with its own
            // copies of the files is refused too: they would undo the change of its source.
            let stale = try await client.post("/v1/proposals/\(id)/approve", #"{"revision":1}"#, token: Self.approver)
            #expect(stale.status == .conflict && json(stale.body)["type"] as? String == "urn:verdict:problem:stale-base")
            let update = try await client.post("/v1/proposals/\(id)/update", "{}", token: Self.editor)
            #expect(update.status == .conflict && json(update.body)["type"] as? String == "urn:verdict:problem:changed-since", "\(text(update.body).prefix(300))")
            // Sent again, made from what serves now, it is checked as a new version (revision 2).
            let rules = try s.copy.read("a2-handling.yaml").replacingOccurrences(of: "cost in (100..400]", with: "cost in (100..500]")
                .replacingOccurrences(of: "cost > 400", with: "cost > 500")
            let tests = try s.copy.read("quality-complaints.test.yaml").replacingOccurrences(of: "400.01", with: "500.01")
                .replacingOccurrences(of: "above 400 yuan", with: "above 500 yuan")
            let resent = try await client.post("/v1/proposals/\(id)/update",
                                               Self.body(["files": [["path": "a2-handling.yaml", "text": rules], ["path": "quality-complaints.test.yaml", "text": tests]]]),
                                               token: Self.editor)
            #expect(resent.status == .ok, "\(text(resent.body).prefix(400))")
            #expect(json(resent.body)["revision"] as? Int == 2)
            #expect(((json(resent.body)["files"] as? [[String: Any]]) ?? []).contains { $0["path"] as? String == "a1-tier.yaml" }, "still every file of the version")
        }
    }
}
