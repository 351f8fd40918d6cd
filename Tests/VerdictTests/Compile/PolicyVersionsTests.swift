import Foundation
import Testing
@testable import Verdict

/// Policy versions by effective date: the layout, the version each case gets, and what `check` refuses.
@Suite struct PolicyVersionsTests {
    /// A set folder on disk: its own files, and folders under `versions/`.
    struct SetFolder {
        let root: URL
        var path: String { root.appendingPathComponent("approvals").path }

        init(own: [String: String], versions: [String: [String: String]] = [:]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-versions-\(UUID().uuidString)")
            let set = root.appendingPathComponent("approvals")
            try FileManager.default.createDirectory(at: set, withIntermediateDirectories: true)
            for (name, text) in own { try text.write(to: set.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            for (version, files) in versions {
                let folder = set.appendingPathComponent("versions/\(version)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            }
        }

        func remove() { try? FileManager.default.removeItem(at: root) }
    }

    static func manifest(_ version: String, effective: String?, by: String? = "received_at", name: String = "approvals") -> String {
        """
        policy:
          name: \(name)
          version: "\(version)"
        \(effective.map { "  effective: \($0)\n" } ?? "")\(by.map { "  effective_by: \($0)\n" } ?? "")  timezone: Asia/Shanghai
          title: {en: Approvals, zh: 审批}
        """
    }

    static func rules(band: Int, receivedType: String = "timestamp") -> String {
        """
        fields:
          received_at: \(receivedType)
          cost: {type: money, min: 0}
        roles: [branch_manager, division_manager]
        decisions:
          approval:
            hit: first
            outputs: {approver: role}
            rules:
              - when: cost <= \(band)
                then: {approver: branch_manager}
              - then: {approver: division_manager}
        """
    }

    /// Version 1 from 2026-01-01 (band 300) in the set's own files, version 2 from 2027-01-01 (band 500) under `versions/2`.
    static func twoVersions(by: String? = "received_at", receivedType: String = "timestamp") throws -> SetFolder {
        try SetFolder(own: ["policy.yaml": manifest("1", effective: "2026-01-01", by: by), "rules.yaml": rules(band: 300, receivedType: receivedType)],
                      versions: ["2": ["policy.yaml": manifest("2", effective: "2027-01-01", by: by), "rules.yaml": rules(band: 500, receivedType: receivedType)]])
    }

    static func caseJSON(_ received: String, cost: String = "400.00", id: String = "C-1") -> [UInt8] {
        Array(#"{"id": "\#(id)", "received_at": "\#(received)", "cost": "\#(cost)"}"#.utf8)
    }

    // MARK: Layout

    @Test func aFolderWithoutVersionsIsOneVersionDecidingEveryDate() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("service-standards"))
        #expect(set.versions.count == 1 && !set.isDated && set.effectiveBy == nil)
        let only = set.versions[0]
        #expect(set.version(at: Timestamp(millisecondsSinceEpoch: 0)) === only)
        #expect(try set.version(for: Array(#"{"id": "x"}"#.utf8), now: Timestamp(millisecondsSinceEpoch: 0)) === only)
        // The set's own version is what `CompiledPolicy.load` gives, with the same digest.
        #expect(try CompiledPolicy.load(directory: shippedPolicyPath("service-standards")).identity.digest == only.identity.digest)
    }

    // MARK: Which version: boundaries

    @Test func theEffectiveInstantInTheSetsZoneStartsTheVersion() throws {
        let folder = try Self.twoVersions()
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        func version(_ received: String) throws -> String { try set.decide(json: Self.caseJSON(received)).policy.version }
        #expect(try version("2026-12-31T23:59:59.999+08:00") == "1")
        #expect(try version("2027-01-01T00:00:00+08:00") == "2")
        // The same instants written in UTC: the zone of the set decides, not the offset the case wrote.
        #expect(try version("2026-12-31T15:59:59Z") == "1")
        #expect(try version("2026-12-31T16:00:00Z") == "2")
        #expect(try version("2026-01-01T00:00:00+08:00") == "1")
        #expect(try set.decide(json: Self.caseJSON("2026-12-31T12:00:00+08:00"))["approver"] == .member("division_manager"))
        #expect(try set.decide(json: Self.caseJSON("2027-01-01T00:00:00+08:00"))["approver"] == .member("branch_manager"))
    }

    @Test func aCaseBeforeEveryVersionIsACaseErrorNamingTheDateAndTheEarliestVersion() throws {
        let folder = try Self.twoVersions()
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        let error = try #require(throws: CaseError.self) { try set.decide(json: Self.caseJSON("2025-12-31T23:59:59+08:00", id: "EARLY")) }
        #expect(error.caseID == "EARLY")
        #expect(error.problems.count == 1)
        #expect(error.problems[0].field == "received_at")
        #expect(error.problems[0].code == CaseProblemCode.beforeFirstVersion)
        #expect(error.problems[0].message.contains("2025-12-31T23:59:59+08:00"))
        #expect(error.problems[0].message.contains("before 2026-01-01"))
        #expect(error.problems[0].message.contains("`approvals` (1)"))
    }

    @Test func aMalformedOrMissingDateIsReportedByTheDecoderAsAnyCaseError() throws {
        let folder = try Self.twoVersions()
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        let bad = try #require(throws: CaseError.self) { try set.decide(json: Self.caseJSON("yesterday")) }
        #expect(bad.problems.map(\.field) == ["received_at"] && bad.problems[0].code == .invalidValue)
        let missing = try #require(throws: CaseError.self) { try set.decide(json: Array(#"{"id": "m", "cost": "1.00"}"#.utf8)) }
        #expect(missing.problems.contains { $0.field == "received_at" && $0.code == .missingField })
        let notJSON = try #require(throws: CaseError.self) { try set.decide(json: Array("{".utf8)) }
        #expect(notJSON.problems[0].code == .jsonSyntax)
    }

    @Test func typedValuesPickTheVersionToo() throws {
        let folder = try Self.twoVersions()
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        func decide(_ received: String) throws -> Decision {
            try set.decide(["id": .string("T"), "received_at": .timestamp(Timestamp(rfc3339: received)), "cost": .money(Money(minorUnits: 40000))])
        }
        #expect(try decide("2026-12-31T23:59:59+08:00").policy.version == "1")
        #expect(try decide("2027-01-01T00:00:00+08:00").policy.version == "2")
        #expect(throws: CaseError.self) { try decide("2025-06-01T00:00:00+08:00") }
    }

    @Test func aDateFieldPicksByItsDate() throws {
        let folder = try Self.twoVersions(receivedType: "date")
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        #expect(try set.decide(json: Self.caseJSON("2026-12-31")).policy.version == "1")
        #expect(try set.decide(json: Self.caseJSON("2027-01-01")).policy.version == "2")
        #expect(set.version(on: try CivilDate(iso: "2025-12-31")) == nil)
        let early = try #require(throws: CaseError.self) { try set.decide(json: Self.caseJSON("2025-12-31")) }
        #expect(early.problems[0].code == .beforeFirstVersion)
    }

    @Test func withoutEffectiveByTheDecisionTimePicks() throws {
        let folder = try Self.twoVersions(by: nil)
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        #expect(set.isDated && set.effectiveBy == nil)
        // The case says 2027, but the decision time is what counts.
        let c = Self.caseJSON("2027-06-01T00:00:00+08:00")
        #expect(try set.decide(json: c, now: Timestamp(rfc3339: "2026-12-31T23:59:59+08:00")).policy.version == "1")
        #expect(try set.decide(json: c, now: Timestamp(rfc3339: "2027-01-01T00:00:00+08:00")).policy.version == "2")
        // Without `now`, the current time.
        let today = set.version(at: Timestamp(Date()))
        #expect(try set.decide(json: c).policy.version == today?.identity.version)
        let early = try #require(throws: CaseError.self) { try set.decide(json: c, now: Timestamp(rfc3339: "2025-01-01T00:00:00+08:00")) }
        #expect(early.problems[0].field == nil && early.problems[0].code == .beforeFirstVersion)
        #expect(early.problems[0].message.contains("the decision time 2025-01-01T00:00:00+08:00"))
    }

    @Test func aVersionsOnlyFolderIsASetToo() throws {
        let folder = try SetFolder(own: [:], versions: [
            "a": ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
            "b": ["policy.yaml": Self.manifest("2", effective: "2027-01-01"), "rules.yaml": Self.rules(band: 500)]])
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        #expect(set.versions.map(\.identity.version) == ["1", "2"])
        #expect(set.folders == [folder.path + "/versions/a", folder.path + "/versions/b"])
    }

    @Test func versionsCompiledInMemoryStandTogetherOrAreRefused() throws {
        func compile(_ version: String, _ effective: String, band: Int) throws -> CompiledPolicy {
            try CompiledPolicy.load(sources: [SourceFile(path: "v\(version)/policy.yaml", text: Self.manifest(version, effective: effective)),
                                              SourceFile(path: "v\(version)/rules.yaml", text: Self.rules(band: band))])
        }
        let one = try compile("1", "2026-01-01", band: 300), two = try compile("2", "2027-01-01", band: 500)
        // Given in any order, they are kept earliest first.
        let set = try PolicyVersions(versions: [two, one])
        #expect(set.versions.map(\.identity.version) == ["1", "2"] && set.folders.isEmpty)
        #expect(try set.explain(json: Self.caseJSON("2027-03-01T08:00:00+08:00")).policy.version == "2")
        let again = try compile("2", "2026-01-01", band: 500)
        let error = try #require(throws: PolicyLoadError.self) { try PolicyVersions(versions: [one, again]) }
        #expect(error.diagnostics.map(\.code) == ["duplicate-effective-date"])
        #expect(error.diagnostics.first?.location?.path == "v2/policy.yaml")
        let twice = try #require(throws: PolicyLoadError.self) { try PolicyVersions(versions: [one, try compile("1", "2027-01-01", band: 500)]) }
        #expect(twice.diagnostics.map(\.code) == ["incompatible-versions"])
        #expect(twice.diagnostics.first?.message.contains("both version `1`") == true)
        #expect(PolicyVersions.crossCheck([one]).isEmpty)
    }

    // MARK: What check refuses

    /// The errors of loading a set, as `file:line:column code` with the path after the set folder.
    static func refusals(_ folder: SetFolder) -> [String] {
        let r = PolicyVersions.check(directory: folder.path)
        #expect(r.versions == nil)
        return r.diagnostics.filter { $0.severity == .error }.map { d in
            let path = d.location.map { String($0.path.dropFirst(folder.path.count + 1)) + ":\($0.line):\($0.column)" } ?? "-"
            return "\(path) \(d.code)"
        }
    }

    @Test func twoVersionsOnOneDateAreRefusedAtTheLaterEffective() throws {
        let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
                                   versions: ["2": ["policy.yaml": Self.manifest("2", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 500)]])
        defer { folder.remove() }
        #expect(Self.refusals(folder) == ["versions/2/policy.yaml:4:14 duplicate-effective-date"])
        let d = PolicyVersions.check(directory: folder.path).diagnostics.first { $0.code == DiagnosticCode.duplicateEffectiveDate.rawValue }
        #expect(d?.message == "version 2 and version 1 both take effect on 2026-01-01: a case of that date would have two versions in force")
        #expect(d?.notes.first?.location?.path == folder.path + "/policy.yaml")
    }

    @Test func aVersionWithoutAnEffectiveDateIsRefused() throws {
        let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01", by: nil), "rules.yaml": Self.rules(band: 300)],
                                   versions: ["2": ["policy.yaml": Self.manifest("2", effective: nil, by: nil), "rules.yaml": Self.rules(band: 500)]])
        defer { folder.remove() }
        #expect(Self.refusals(folder) == ["versions/2/policy.yaml:2:3 missing-effective-date"])
    }

    @Test func effectiveByWithoutAnEffectiveDateIsRefusedInOneVersionToo() throws {
        let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: nil), "rules.yaml": Self.rules(band: 300)])
        defer { folder.remove() }
        #expect(Self.refusals(folder) == ["policy.yaml:2:3 missing-effective-date"])
    }

    @Test func theEffectiveByFieldMustBeARequiredTimestampOrDate() throws {
        for (fields, expected) in [("  received_at: timestamp\n  cost: money\n", nil),
                                   ("  recieved_at: timestamp\n  cost: money\n", "policy.yaml:5:17 effective-by"),
                                   ("  received_at: string\n  cost: money\n", "policy.yaml:5:17 effective-by"),
                                   ("  received_at: {type: timestamp, optional: true}\n  cost: money\n", "policy.yaml:5:17 effective-by")] {
            let rules = "fields:\n" + fields + "roles: [branch_manager]\ndecisions:\n  approval:\n    outputs: {approver: role}\n    rules:\n      - when: cost >= 0\n        then: {approver: branch_manager}\n"
            let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": rules])
            defer { folder.remove() }
            let r = PolicyVersions.check(directory: folder.path)
            let errors = r.diagnostics.filter { $0.severity == .error }.map { d in
                d.location.map { String($0.path.dropFirst(folder.path.count + 1)) + ":\($0.line):\($0.column) " } .map { $0 + d.code } ?? d.code
            }
            #expect(errors == (expected.map { [$0] } ?? []), "\(fields)")
        }
        let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01", by: "recieved_at"), "rules.yaml": Self.rules(band: 300)])
        defer { folder.remove() }
        let d = PolicyVersions.check(directory: folder.path).diagnostics.first { $0.code == DiagnosticCode.effectiveBy.rawValue }
        #expect(d?.help == "did you mean `received_at`?")
    }

    @Test func versionsThatDisagreeOnEffectiveByAreRefusedSayingWhy() throws {
        // One version names no `effective_by`.
        var folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
                                   versions: ["2": ["policy.yaml": Self.manifest("2", effective: "2027-01-01", by: nil), "rules.yaml": Self.rules(band: 500)]])
        #expect(Self.refusals(folder) == ["versions/2/policy.yaml:2:3 incompatible-versions"])
        folder.remove()
        // The field is a date in one and a timestamp in the other.
        folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
                               versions: ["2": ["policy.yaml": Self.manifest("2", effective: "2027-01-01"), "rules.yaml": Self.rules(band: 500, receivedType: "date")]])
        #expect(Self.refusals(folder) == ["versions/2/rules.yaml:2:3 incompatible-versions"])
        let d = PolicyVersions.check(directory: folder.path).diagnostics.first { $0.code == DiagnosticCode.incompatibleVersions.rawValue }
        #expect(d?.message.contains("a `date` in version 2 but a `timestamp` in version 1") == true)
        folder.remove()
        // Another set's name, and a version number given twice.
        folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
                               versions: ["2": ["policy.yaml": Self.manifest("1", effective: "2027-01-01", name: "other"), "rules.yaml": Self.rules(band: 500)]])
        #expect(Self.refusals(folder) == ["versions/2/policy.yaml:2:3 incompatible-versions", "versions/2/policy.yaml:2:3 incompatible-versions"])
        folder.remove()
    }

    @Test func otherSchemaChangesAreAllowedBecauseEachCaseGoesToItsOwnVersion() throws {
        // Version 2 adds a required field: a case of 2026 need not have it, one of 2027 must.
        let v2 = Self.rules(band: 500).replacingOccurrences(of: "  cost: {type: money, min: 0}\n", with: "  cost: {type: money, min: 0}\n  channel: {values: [phone, web]}\n")
            .replacingOccurrences(of: "      - when: cost <= 500", with: "      - when: cost <= 500 and channel == web")
        let folder = try SetFolder(own: ["policy.yaml": Self.manifest("1", effective: "2026-01-01"), "rules.yaml": Self.rules(band: 300)],
                                   versions: ["2": ["policy.yaml": Self.manifest("2", effective: "2027-01-01"), "rules.yaml": v2]])
        defer { folder.remove() }
        let set = try PolicyVersions.load(directory: folder.path)
        #expect(try set.decide(json: Self.caseJSON("2026-06-01T00:00:00+08:00")).policy.version == "1")
        let e = try #require(throws: CaseError.self) { try set.decide(json: Self.caseJSON("2027-06-01T00:00:00+08:00")) }
        #expect(e.problems.contains { $0.field == "channel" && $0.code == .missingField })
    }
}
