import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Verdict
@testable import VerdictServer

/// Hot reload: a copy of a shipped set is edited under a running server.
@Suite("verdict serve hot reload")
struct ReloadTests {
    static let decidePath = "/v1/policies/quality-complaints/decide"

    static func tier(_ r: TestResponse) -> Int? { (json(r.body)["outputs"] as? [String: Any])?["tier"] as? Int }
    static func approver(_ r: TestResponse) -> String? { (json(r.body)["outputs"] as? [String: Any])?["approver"] as? String }
    static func digest(_ r: TestResponse) -> String? { (json(r.body)["policy"] as? [String: Any])?["digest"] as? String }

    /// A case costing 400 yuan: a division manager approves it today, a branch manager once the band is raised to 500.
    static let case400 = henanCase.replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "400.00""#)

    @Test func watcherServesGoodEditsAndRefusesBrokenOnes() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let log = CapturedLog()
        let service = try makeService([copy.path], log: log, watch: true, debounce: .milliseconds(500))
        try await service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints"))
            let before = try await client.post(Self.decidePath, Self.case400)
            #expect(Self.approver(before) == "division_manager")
            #expect(Self.digest(before) == original)

            // 1. A good edit, written in several steps (two files, then the version): one reload, the new digest.
            let firstWrite = ContinuousClock.now
            try copy.edit("a5-approval.yaml", replacing: "when: cost <= 300", with: "when: cost <= 500")
            try copy.edit("a5-approval.yaml", replacing: "when: cost in (300..1000]", with: "when: cost in (500..1000]")
            try copy.edit("quality-complaints.test.yaml", replacing: #"case: {cost: "300.01"}"#, with: #"case: {cost: "500.01"}"#)
            try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.1.0""#)
            let writing = firstWrite.duration(to: .now)
            let good = try await client.waitFor("quality-complaints") { $0["version"] as? String == "1.1.0" }
            let goodDigest = try #require(good["digest"] as? String)
            #expect(goodDigest != original)
            #expect(goodDigest == (try CompiledPolicy.load(directory: copy.path)).identity.digest)
            let after = try await client.post(Self.decidePath, Self.case400)
            #expect(Self.approver(after) == "branch_manager")
            #expect(Self.digest(after) == goodDigest)
            #expect(after.headers[.policyDigest] == goodDigest)
            // What the watcher did, from the server's own log and metrics (a reload is counted and logged
            // just after it serves, so wait for its line). The metric counts the start-up load and each
            // activation the log names; the last activation is the whole edit.
            let activatedGood = try await log.waitForLine { $0.contains("trigger=watch") && $0.contains("activated") && $0.contains("candidate_digest=\(goodDigest)") }
            #expect(activatedGood, "the watcher logged the activation of \(goodDigest): \(log.all)")
            let watchReloads = log.all.filter { $0.contains("trigger=watch") }
            let activations = watchReloads.filter { $0.contains("outcome=activated") }
            let afterGood = text(try await client.get("/metrics").body)
            #expect(afterGood.contains(#"verdict_reloads_total{policy="quality-complaints",outcome="activated"} \#(1 + activations.count)"#), "\(watchReloads)")
            #expect(activations.last?.contains("candidate_digest=\(goodDigest)") == true, "\(watchReloads)")
            // The four writes took less than the debounce interval (as they do unless this process is
            // starved): the folder was never quiet that long between them, so the watcher made exactly one
            // reload, never a version from part of them. Slower writes may each be a reload of its own.
            if writing < .milliseconds(500) {
                #expect(watchReloads.count == 1, "writes within \(writing) gave \(watchReloads.count) reloads: \(watchReloads)")
                #expect(afterGood.contains(#"verdict_reloads_total{policy="quality-complaints",outcome="activated"} 2"#))
                #expect(!afterGood.contains(#"outcome="failed""#))
            } else {
                print("the four writes took \(writing), longer than the debounce: \(watchReloads.count) watch reloads")
            }

            // 2. A misspelled field: refused, visible, and the good version keeps serving.
            try copy.edit("a5-approval.yaml", replacing: "when: cost <= 500", with: "when: cots <= 500")
            let misspelled = try await client.waitFor("quality-complaints") { ($0["last_reload"] as? [String: Any])?["outcome"] as? String == "failed" }
            #expect(misspelled["digest"] as? String == goodDigest)
            let attempt = misspelled["last_reload"] as? [String: Any] ?? [:]
            #expect(attempt["trigger"] as? String == "watch")
            let diagnostic = (attempt["diagnostics"] as? [[String: Any]])?.first ?? [:]
            #expect((diagnostic["file"] as? String)?.hasSuffix("a5-approval.yaml") == true)
            // Where `cots` is in the file: its line and column.
            let lines = try copy.read("a5-approval.yaml").components(separatedBy: "\n")
            let line = try #require(lines.firstIndex { $0.contains("cots") }) + 1
            let column = lines[line - 1].distance(from: lines[line - 1].startIndex, to: lines[line - 1].range(of: "cots")!.lowerBound) + 1
            #expect(diagnostic["line"] as? Int == line && diagnostic["column"] as? Int == column)
            #expect((diagnostic["message"] as? String ?? "").contains("cots"))
            #expect(Self.digest(try await client.post(Self.decidePath, Self.case400)) == goodDigest)
            let metrics = text(try await client.get("/metrics").body)
            #expect(metrics.contains(#"verdict_policy_reload_failed{policy="quality-complaints"} 1"#))
            #expect(metrics.contains(#"verdict_reloads_total{policy="quality-complaints",outcome="failed"} 1"#))
            #expect(log.all.contains { $0.contains(" error ") && $0.contains("a5-approval.yaml:\(line):\(column)") && $0.contains("refused") })

            // 3. The fix is picked up... 
            try copy.edit("a5-approval.yaml", replacing: "when: cots <= 500", with: "when: cost <= 500")
            let fixed = try await client.waitFor("quality-complaints") { ($0["last_reload"] as? [String: Any])?["outcome"] as? String != "failed" }
            #expect(fixed["digest"] as? String == goodDigest)

            // 4. ... and an edit whose own YAML test fails is refused too.
            try copy.edit("a5-approval.yaml", replacing: "approver: branch_manager", with: "approver: finance_supervisor")
            let failing = try await client.waitFor("quality-complaints") { ($0["last_reload"] as? [String: Any])?["outcome"] as? String == "failed" }
            let failed = failing["last_reload"] as? [String: Any] ?? [:]
            #expect((failed["tests_failed"] as? Int ?? 0) > 0)
            let testDiagnostic = (failed["diagnostics"] as? [[String: Any]])?.first ?? [:]
            #expect(testDiagnostic["code"] as? String == "test-failed")
            #expect((testDiagnostic["file"] as? String)?.hasSuffix("quality-complaints.test.yaml") == true)
            #expect(testDiagnostic["line"] is Int)
            #expect(failing["digest"] as? String == goodDigest)
            let still = try await client.post(Self.decidePath, Self.case400)
            #expect(Self.digest(still) == goodDigest && Self.approver(still) == "branch_manager")

            // Undoing the edit gives the good version's files again: nothing to swap.
            try copy.edit("a5-approval.yaml", replacing: "approver: finance_supervisor", with: "approver: branch_manager")
            let back = try await client.waitFor("quality-complaints") { ($0["last_reload"] as? [String: Any])?["outcome"] as? String == "unchanged" }
            #expect(back["digest"] as? String == goodDigest)
        }
    }

    @Test func reloadEndpointAnswers422WithDiagnostics() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([copy.path], adminTokens: [admin])
        try await service.application().test(.router) { client in
            let original = try #require(try await client.digest("quality-complaints"))
            try copy.edit("a1-tier.yaml", replacing: "when: hospitalised", with: "when: hospitalized")
            let refused = try await client.post("/v1/admin/reload", "", token: admin)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let body = json(refused.body)
            #expect(body["type"] as? String == "urn:verdict:problem:reload-failed")
            let result = (body["results"] as? [[String: Any]])?.first ?? [:]
            #expect(result["outcome"] as? String == "failed")
            #expect((result["serving"] as? [String: Any])?["digest"] as? String == original)
            let d = (result["diagnostics"] as? [[String: Any]])?.first ?? [:]
            #expect((d["file"] as? String)?.hasSuffix("a1-tier.yaml") == true && d["line"] is Int && d["column"] is Int)
            #expect(try await client.digest("quality-complaints") == original)

            try copy.edit("a1-tier.yaml", replacing: "when: hospitalized", with: "when: hospitalised")
            try copy.edit("policy.yaml", replacing: #"version: "1.0.0""#, with: #"version: "1.0.1""#)
            let ok = try await client.post("/v1/admin/reload?policy=quality-complaints", "", token: admin)
            #expect(ok.status == .ok)
            let okResult = (json(ok.body)["results"] as? [[String: Any]])?.first ?? [:]
            #expect(okResult["outcome"] as? String == "activated")
            let newDigest = (okResult["serving"] as? [String: Any])?["digest"] as? String
            #expect(newDigest != nil && newDigest != original)
            #expect(Self.digest(try await client.post(Self.decidePath, henanCase)) == newDigest)
        }
    }

    /// Requests decided while reloads alternate between a good and a broken version: every answer
    /// succeeds and names one of the good versions, never the broken one.
    @Test func requestsDuringReloadsAreDecidedByOneGoodVersion() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        let admin = "admin-token-0123456789abcdef"
        let service = try makeService([copy.path], adminTokens: [admin])
        let policyFile = try copy.read("policy.yaml")
        try await service.application().test(.router) { client in
            var good: Set<String> = [try #require(try await client.digest("quality-complaints"))]
            try await withThrowingTaskGroup(of: [String?].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        var seen: [String?] = []
                        for _ in 0..<150 {
                            let r = try await client.post(Self.decidePath, henanCase)
                            seen.append(r.status == .ok && Self.tier(r) == 3 ? Self.digest(r) : "failed \(r.status)")
                        }
                        return seen
                    }
                }
                for round in 0..<8 {
                    if round % 2 == 0 {
                        try copy.write("policy.yaml", policyFile.replacingOccurrences(of: #"version: "1.0.0""#, with: #"version: "1.0.\#(round + 1)""#))
                    } else {
                        try copy.write("policy.yaml", policyFile.replacingOccurrences(of: "timezone:", with: "timezon:"))
                    }
                    let r = try await client.post("/v1/admin/reload", "", token: admin)
                    if r.status == .ok, let d = ((json(r.body)["results"] as? [[String: Any]])?.first?["serving"] as? [String: Any])?["digest"] as? String {
                        good.insert(d)
                    }
                    #expect(r.status == (round % 2 == 0 ? .ok : .unprocessableContent))
                }
                var answers: [String?] = []
                for try await part in group { answers += part }
                #expect(answers.count == 300)
                #expect(answers.allSatisfy { $0 != nil && good.contains($0!) })
            }
        }
    }

    @Test func aFileLinkedFromOutsideIsNotReadAndAWrongFolderIsRefusedAfterABoundedWalk() async throws {
        let copy = try PolicyCopy("customer-complaints")
        defer { copy.remove() }
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-outside-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outside) }
        let secret = outside.appendingPathComponent("secret.yaml")
        try "password: hunter2-not-policy\n".write(to: secret, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: copy.folder.appendingPathComponent("z-linked.yaml").path, withDestinationPath: secret.path)
        let loaded = try #require(await FolderSnapshot.load(folder: copy.path, includes: []))
        #expect(loaded.versions == nil)
        #expect(loaded.diagnostics.contains { $0.message.contains("z-linked.yaml") && $0.message.contains("symbolic link to a file outside the policy folder") },
                "\(loaded.diagnostics)")
        #expect(!loaded.snapshot.policyFiles.contains { $0.text.contains("hunter2") })
        #expect(!loaded.diagnostics.contains { $0.description.contains("hunter2") })

        // More policy files than one set may hold: refused, and the walk stops past the cap.
        let many = outside.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: many, withIntermediateDirectories: true)
        for i in 0...PolicyFolder.maxFiles + 50 { FileManager.default.createFile(atPath: many.appendingPathComponent("f\(i).yaml").path, contents: nil) }
        #expect(PolicyFolder.yamlFiles(below: many.path, versions: true).count == PolicyFolder.maxFiles + 1)
        let wrong = try #require(await FolderSnapshot.load(folder: many.path, includes: []))
        #expect(wrong.versions == nil)
        #expect(wrong.diagnostics.map(\.message) == ["`\(many.path)` holds more than 10000 policy files: it is not one policy set"])
    }

    @Test func snapshotStampsIncludesAndIgnoresHiddenFiles() async throws {
        let copy = try PolicyCopy("customer-complaints")
        defer { copy.remove() }
        let loaded = try #require(await FolderSnapshot.load(folder: copy.path, includes: []))
        #expect(loaded.versions != nil)
        #expect(loaded.includes.contains { $0.hasSuffix("calendars/cn-office.yaml") })
        #expect(loaded.snapshot.stamps.contains { $0.path.hasSuffix("calendars/cn-office.yaml") })
        #expect(loaded.versions?.latest.identity.digest == (try CompiledPolicy.load(directory: copy.path)).identity.digest)
        let before = FolderSnapshot.stamps(folder: copy.path, includes: loaded.includes)
        try "swap".write(to: copy.folder.appendingPathComponent(".b2-clocks.yaml.swp"), atomically: false, encoding: .utf8)
        try "notes".write(to: copy.folder.appendingPathComponent("README.txt"), atomically: false, encoding: .utf8)
        // The folder's own stamp changes when a file is added, but no policy file does.
        let after = FolderSnapshot.stamps(folder: copy.path, includes: loaded.includes)
        #expect(after.filter { $0.path != copy.path } == before.filter { $0.path != copy.path })
        // An edit of the included calendar is a change of the set.
        let calendar = copy.root.appendingPathComponent("calendars/cn-office.yaml")
        try (try String(contentsOf: calendar, encoding: .utf8) + "\n# edited\n").write(to: calendar, atomically: false, encoding: .utf8)
        #expect(FolderSnapshot.stamps(folder: copy.path, includes: loaded.includes) != after)
    }
}

extension CapturedLog {
    /// Polls the captured lines until one satisfies `condition`, for at most `seconds`; whether one did.
    func waitForLine(seconds: Double = 30, _ condition: (String) -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if all.contains(where: condition) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return all.contains(where: condition)
    }
}
