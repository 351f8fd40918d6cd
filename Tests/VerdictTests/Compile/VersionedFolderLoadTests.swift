import Foundation
import Testing
@testable import Verdict

/// Loading a folder gives its set: `CompiledPolicy.load(directory:)` refuses a folder with versions
/// (issue 36, item 1), and `PolicyVersions.load(directory:)` decides each case by the version in force.
@Suite struct VersionedFolderLoadTests {
    static let amended = shippedPolicyPath("examples/quality-complaints-amended")

    static func henan(received: String, cost: String = "400.00") throws -> [UInt8] {
        let base = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
        return Array(base.replacingOccurrences(of: #""received_at": "2026-03-02T09:15:00+08:00""#, with: #""received_at": "\#(received)""#)
            .replacingOccurrences(of: "  \"resolved_at\": \"2026-03-04T17:00:00+08:00\",\n  \"last_contact_at\": \"2026-03-03T10:00:00+08:00\",\n", with: "")  // its events, dated 2026-03, would precede a later receipt
            .replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "\#(cost)""#).utf8)
    }

    @Test func aFolderWithVersionsIsRefusedByTheOneVersionLoader() throws {
        do {
            _ = try CompiledPolicy.load(directory: Self.amended)
            Issue.record("a folder with versions/ loaded as one version")
        } catch {
            #expect(error.diagnostics.count == 1)
            let d = try #require(error.diagnostics.first)
            #expect(d.code == DiagnosticCode.versionedSet.rawValue && d.severity == .error)
            #expect(d.message == "`\(Self.amended)` holds 2 versions of a policy set (its own files and 1 under `versions/`): `CompiledPolicy.load(directory:)` loads one version, which would decide a case of any date by it")
            #expect(d.help == "load the set with `PolicyVersions.load(directory:)`: it decides each case by the version in force on its date")
        }
        // With a trailing slash too.
        #expect(throws: PolicyLoadError.self) { try CompiledPolicy.load(directory: Self.amended + "/") }
        // A folder without versions loads as before, and is the same policy as its set's one version.
        let plain = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints")).versions.map(\.identity.digest) == [plain.identity.digest])
    }

    @Test func anEmptyVersionsFolderIsNoVersion() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-empty-versions-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("versions"), withIntermediateDirectories: true)
        try "policy: {name: p, version: \"1\"}\nfields:\n  b: bool\ndecisions:\n  d:\n    outputs: {o: bool}\n    rules:\n      - when: b\n        then: {o: true}\n"
            .write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        #expect(try CompiledPolicy.load(directory: dir.path).identity.name == "p")
    }

    @Test func aSetDecides2027ByItsLaterVersionAndRefusesACaseBeforeItsFirst() throws {
        let set = try PolicyVersions.load(directory: Self.amended)
        let january = try set.decide(json: try Self.henan(received: "2027-01-04T10:00:00+08:00"))
        #expect(january.policy.version == "2.0.0")
        #expect(try january.member("approver") == "branch_manager")
        let december = try set.decide(json: try Self.henan(received: "2026-12-15T10:00:00+08:00"))
        #expect(december.policy.version == "1.0.0")
        #expect(try december.member("approver") == "division_manager")
        // Through the one entry point, the same.
        let response = try set.answer(DecisionRequest(), json: try Self.henan(received: "2027-01-04T10:00:00+08:00"))
        #expect(response.decision.policy.version == "2.0.0")
        let early = try Self.henan(received: "2010-01-04T10:00:00+08:00")
        do {
            _ = try set.decide(json: early)
            Issue.record("a case before the first version was decided")
        } catch {
            #expect(error.problems.map(\.code) == [.beforeFirstVersion])
        }
    }

    /// The command line's one-version readers (`diff`, `measure`, ...) still read the set's own files.
    @Test func theCommandLinesOwnVersionLoaderReadsTheFoldersOwnFiles() throws {
        let own = try CompiledPolicy.load(ownVersionOf: Self.amended)
        #expect(own.identity.version == "1.0.0")
        #expect(own.identity.digest == (try PolicyVersions.load(directory: Self.amended)).versions[0].identity.digest)
    }
}
