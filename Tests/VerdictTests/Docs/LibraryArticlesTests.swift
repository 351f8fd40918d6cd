import Foundation
import Testing
@testable import Verdict

/// The DocC articles' Swift snippets, run: what they claim the library does, it does.
@Suite struct LibraryArticlesTests {
    static let caseJSON = #"""
    {"id": "Q-2026-0042", "received_at": "2026-03-02T09:15:00+08:00", "region": "Henan",
     "branch": "Kaifeng", "problem": "pig_hair", "eaten": true, "adverse_reaction": true,
     "hospitalised": true, "media_involved": false, "government_involved": false,
     "excessive_demand": false, "food_poisoning": false, "batch_problem": false, "cost": "1200.00"}
    """#

    @Test func gettingStarted() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        let policy = set.latest
        #expect(set.versions.count == 1 && policy.identity.version == "1.0.0")
        let bytes = Array(Self.caseJSON.utf8)
        let decision = try set.decide(json: bytes, explain: false, now: nil)
        #expect(try set.decide(json: Data(bytes), explain: false, now: nil).json() == decision.json())
        #expect(try set.decide(json: Self.caseJSON, explain: false, now: nil).json() == decision.json())
        #expect(try decision.member("approver") == "head_office")
        #expect(try decision.members("signers") == ["handler", "bu_finance_head", "branch_manager", "division_manager"])
        #expect(try decision.time("report_due") == nil)
        #expect(throws: OutputAccessError.self) { try decision.member("aprover") }
        #expect(decision["tier"] == .integer(3))
        #expect(decision["signers"] == .list([.member("handler"), .member("bu_finance_head"), .member("branch_manager"), .member("division_manager")]))
        #expect(decision["report_due"] == nil, "an unresolved case has no report deadline")
        #expect(decision.json().hasPrefix(#"{"case":"Q-2026-0042","policy":{"#))
        let explained = try policy.decide(json: bytes, explain: true, now: nil)
        #expect(explained.explanation?.text(.zh).contains("例外规则 henan-finance") == true)
        let judged = try policy.decide(json: bytes, explain: false, now: try Timestamp(rfc3339: "2026-03-02T12:30:00+08:00"))
        #expect(judged.clocks.first { $0.name == "first_contact" }?.status == .breached)
        // A broken case lists its problems by field.
        #expect(throws: CaseError.self) { try policy.decide(json: Array(#"{"id": "x"}"#.utf8), explain: false, now: nil) }
    }

    @Test func decidingAtScale() throws {
        let policy = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints")).versions[0]
        let bytes = Array(Self.caseJSON.utf8)
        let prepared = try policy.prepare(json: bytes)
        let quick = try policy.decide(prepared, explain: false, now: nil)
        let explained = try policy.decide(prepared, explain: true, now: nil)
        #expect(quick.json() == (try policy.decide(json: bytes, explain: false, now: nil)).json())
        #expect(explained.explanation != nil)
        // Another policy (another compiled copy) refuses a case it did not prepare.
        let other = try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints"))
        do {
            _ = try other.decide(prepared, explain: false, now: nil)
            Issue.record("a case prepared by another policy was decided")
        } catch {
            #expect(error.problems.first?.code == .wrongPolicy)
        }
        // A decider per thread: the same decisions, appended into one reused buffer.
        let decider = policy.decider()
        var out: [UInt8] = []
        try decider.decide(json: bytes, explain: false, now: nil).appendJSON(to: &out)
        #expect(String(decoding: out, as: UTF8.self) == quick.json())
    }

    @Test func workingTime() throws {
        let policy = try CompiledPolicy.load(sources: [SourceFile(path: "office.yaml", text: """
            policy: {name: office, version: "1"}
            calendars:
              office:
                weekdays: [mon, tue, wed, thu, fri]
                hours: ["09:00-12:00", "13:00-18:00"]
                years: [2026]
                holidays: [{date: 2026-10-01, label: National Day}]
            fields:
              start: timestamp
            decisions:
              deadlines:
                outputs: {five_days: timestamp, three_hours: timestamp}
                rules:
                  - then:
                      five_days: working_days_after(start, 5, "office")
                      three_hours: working_hours_after(start, 3, "office")
            """)])
        let d = try policy.decide(json: Array(#"{"id": "x", "start": "2026-09-30T10:00:00+08:00"}"#.utf8))
        #expect(d["five_days"] == .timestamp(try Timestamp(rfc3339: "2026-10-08T18:00:00+08:00")))
        #expect(d["three_hours"] == .timestamp(try Timestamp(rfc3339: "2026-09-30T14:00:00+08:00")))
        // A year the calendar does not list is refused, naming the calendar and the year.
        do {
            _ = try policy.decide(json: Array(#"{"id": "y", "start": "2027-01-04T10:00:00+08:00"}"#.utf8))
            Issue.record("a year the calendar does not cover was decided")
        } catch {
            #expect(error.problems.first?.code == .calendarYear)
        }
    }
}

/// The examples of README.md, docs/library.md and the DocC articles that load a folder and read
/// outputs: a set through `PolicyVersions`, outputs through the typed accessors.
@Suite struct LibraryReadingOutputsTests {
    @Test func loadingAFolderGivesItsSet() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        let decision = try set.decide(json: Array(LibraryArticlesTests.caseJSON.utf8), explain: true, now: nil)
        #expect(decision["signers"] == .list([.member("handler"), .member("bu_finance_head"), .member("branch_manager"), .member("division_manager")]))
        #expect(decision["approver"] == .member("head_office"))
        #expect(decision.explanation?.text(.zh).contains("例外规则 henan-finance") == true)
        // The one entry point answers the same.
        let response = try set.answer(DecisionRequest(), json: Array(LibraryArticlesTests.caseJSON.utf8))
        #expect(try response.decision.member("approver") == "head_office")
        // The one-version loader refuses a folder with versions, and says what to use.
        let amended = shippedPolicyPath("examples/quality-complaints-amended")
        do {
            _ = try CompiledPolicy.load(directory: amended)
            Issue.record("a folder with versions loaded as one version")
        } catch {
            #expect(error.diagnostics.map(\.code) == ["versioned-set"])
            // As library.md shows it (the folder as given: here the repository's absolute path).
            #expect(error.description.replacingOccurrences(of: repositoryRoot.path + "/", with: "") == """
                error: `policies/examples/quality-complaints-amended` holds 2 versions of a policy set (its own files and 1 under `versions/`): `CompiledPolicy.load(directory:)` loads one version, which would decide a case of any date by it
                help: load the set with `PolicyVersions.load(directory:)`: it decides each case by the version in force on its date

                1 error, 0 warnings

                """)
        }
    }

    @Test func readingOutputs() throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        let decision = try set.decide(json: Data(LibraryArticlesTests.caseJSON.utf8))
        #expect(try decision.member("approver") == "head_office")
        #expect(try decision.members("signers") == ["handler", "bu_finance_head", "branch_manager", "division_manager"])
        #expect(try decision.number("tier") == 3)
        #expect(try decision.time("report_due") == nil)
        #expect(try decision.time("first_contact_due")?.rfc3339(in: set.latest.zone) == "2026-03-02T10:15:00+08:00")
        #expect(try decision.flag("reimbursable") == nil)
        #expect(decision["aprover"] == nil)
        var messages: [String] = []
        do { _ = try decision.member("aprover") } catch { messages.append(error.description) }
        do { _ = try decision.money("approver") } catch { messages.append(error.description) }
        do { _ = try decision.member("signers") } catch { messages.append(error.description) }
        #expect(messages == [
            "`aprover` is not an output of quality-complaints 1.0.0 (did you mean `approver`?)",
            "output `approver` of quality-complaints 1.0.0 is a `role`, not money: read it with `member(_:)`",
            "output `signers` of quality-complaints 1.0.0 is a `list<role>`, not a member: read it with `members(_:)`",
        ])
        // A refusal's codes are CaseProblemCodes.
        do {
            _ = try set.decide(json: #"{"id": "x"}"#)
            Issue.record("a case without its fields was decided")
        } catch {
            #expect(error.problems.first?.code == .missingField)
            #expect(error.json().contains(#""code":"missing-field""#))
        }
        #expect(policyDecider(set).identity == decision.policy)
    }

    private func policyDecider(_ set: PolicyVersions) -> Decider { set.versions[0].decider() }
}
