import Foundation
import Testing
@testable import Verdict

/// `verdict diff` and `verdict measure` on a clock whose target a decision gives per case (issue 29,
/// item 1), over the shipped example `policies/examples/food-safety`.
@Suite struct PerCaseTargetToolsTests {
    static let cases = [
        #"{"id": "F-1", "reported_at": "2026-03-02T21:30:00+08:00", "province": "Hunan", "city": "Changsha", "hospitalised": true, "responded_at": "2026-03-03T10:15:00+08:00"}"#,
        #"{"id": "F-2", "reported_at": "2026-03-02T12:00:00+08:00", "province": "Guangdong", "city": "Guangzhou", "foreign_object": true, "responded_at": "2026-03-02T16:30:00+08:00"}"#,
        #"{"id": "F-3", "reported_at": "2026-12-31T18:00:00+08:00", "province": "Hunan", "city": "Changsha", "responded_at": "2027-01-01T17:00:00+08:00"}"#,
        #"{"id": "F-4", "reported_at": "2026-12-31T18:00:00+08:00", "province": "Hunan", "city": "Changsha"}"#,
    ]

    static func foodSafety() throws -> CompiledPolicy { try CompiledPolicy.load(directory: shippedPolicyPath("examples/food-safety")) }

    @Test func theDiffDescribesTheClockTargetAndTheDeadlinesItMoves() throws {
        let copy = try BrokenCopy(of: "examples/food-safety", [
            ("complaints.yaml", "then: {severity: critical, response_hours: 1}", "then: {severity: critical, response_hours: 2}"),
            ("complaints.yaml", "    target: {working_hours: response_hours, calendar: store}\n",
             "    target: {working_hours: 4, calendar: store}\n    at_risk: {working_hours: response_hours, calendar: store}\n"),
        ])
        defer { copy.remove() }
        let old = try Self.foodSafety(), new = try CompiledPolicy.load(directory: copy.path)
        #expect(PolicyDiff.structure(old: old, new: new) == [
            "decision `severity`: rule `critical` changed\n    - when: hospitalised; then: severity: critical, response_hours: 1\n    + when: hospitalised; then: severity: critical, response_hours: 2",
            "clock `response`: target changed\n    - `response_hours` working hours in store, per case (an output of decision `severity`)\n    + 4h of working time in store",
            "clock `response`: at_risk changed\n    - (none)\n    + `response_hours` working hours in store, per case (an output of decision `severity`)",
        ])
        var replay = CaseReplay(old: old, new: new)
        for c in Self.cases { replay.add(json: Array(c.utf8)) }
        #expect(replay.cases == 4 && replay.changed == 3)
        // F-1 (critical, 1 → 4 store hours: 10:30 → 13:30), F-3 and F-4 (minor, 12 → 4: New Year's Day 18:00 →
        // New Year's Eve 22:00); F-2 (major) had 4 store hours before and after.
        let shifts = replay.impact.outputChanges.filter { $0.key.output == "respond_due" }.map { "\(ChangeImpact.text($0.key.shape)) \($0.count)" }.sorted()
        #expect(shifts == ["20 h earlier 2", "3 h later 1"], "\(shifts)")
    }

    @Test func measuresReadTheDeadlineOfEachCase() throws {
        var acc = try MeasureAccumulator(policy: Self.foodSafety())
        for c in Self.cases { acc.add(json: Array(c.utf8)) }
        #expect(acc.decided == 4 && acc.refused == 0)
        // Answered: F-1 by 10:30 (1 store hour), F-2 after 16:00 (4 store hours), F-3 by New Year's 18:00 (12 store hours).
        #expect(acc.text() == """
        4 cases decided, 0 refused
        measure           group  cases  value   target  result
        answered_in_time  (all)  3      66.67%  >= 95%  missed

        """, "\(acc.text())")
    }
}
