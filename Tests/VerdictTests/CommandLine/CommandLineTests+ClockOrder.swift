import Foundation
import Testing
@testable import Verdict

/// Issue 35, point 6, through the binary: the shipped quality-complaints set refuses a record whose
/// events precede the complaint's receipt, and a case judged (`--now`) before its clocks started is
/// decided with each clock `not_started`, in JSON and in the explanation in both languages.
extension CommandLineTests {
    static let henanCase = "policies/quality-complaints/examples/henan-tier3.json"

    @Test func aCaseJudgedBeforeItsClocksStartedSaysNotStarted() throws {
        let early = ["--policies", Self.policy, "--case", Self.henanCase, "--now", "2026-03-01T12:00:00+08:00"]
        let d = try run(["decide"] + early)
        #expect(d.status == 0, "\(d.stderr)")
        #expect(d.stdout.contains(#""first_contact":{"status":"not_started","start":"2026-03-02T09:15:00+08:00","due":"2026-03-02T10:15:00+08:00"}"#), "\(d.stdout)")
        #expect(d.stdout.contains(#""next_contact":{"status":"not_started","#), "\(d.stdout)")
        let en = try run(["explain"] + early)
        #expect(en.stdout.contains("  status (at 2026-03-01T12:00:00+08:00): not started (judged before its start)\n"), "\(en.stdout)")
        let zh = try run(["explain"] + early + ["--lang", "zh"])
        #expect(zh.stdout.contains("  状态 (截至 2026-03-01T12:00:00+08:00): 尚未开始(判定时间早于起点)\n"), "\(zh.stdout)")
        // From the receipt on, the first clock runs.
        let started = try run(["decide", "--policies", Self.policy, "--case", Self.henanCase, "--now", "2026-03-02T09:15:00+08:00"])
        #expect(started.stdout.contains(#""first_contact":{"status":"pending""#), "\(started.stdout)")
    }

    @Test func qualityComplaintsRefusesEventsBeforeTheReceipt() throws {
        let text = try String(contentsOfFile: Self.henanCase, encoding: .utf8)
        // The report approved before the case was resolved; the first call after the last.
        let approved = text.replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "1200.00", "approved_at": "2026-03-04T16:00:00+08:00""#)
        let r = try run(["decide", "--policies", Self.policy, "--case", "-"], stdin: approved)
        #expect(r.status == 1)
        #expect(r.stderr.contains("resolved_at: `approved_at` 2026-03-04T16:00:00+08:00 is before `resolved_at` 2026-03-04T17:00:00+08:00, but `resolved_at` has `max: approved_at`"), "\(r.stderr)")
        #expect(r.stdout.contains(#""code":"field-order""#), "\(r.stdout)")
        let called = text.replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "1200.00", "first_contact_at": "2026-03-03T11:00:00+08:00""#)
        let c = try run(["decide", "--policies", Self.policy, "--case", "-"], stdin: called)
        #expect(c.status == 1)
        #expect(c.stderr.contains("first_contact_at: `last_contact_at` 2026-03-03T10:00:00+08:00 is before `first_contact_at` 2026-03-03T11:00:00+08:00, but `first_contact_at` has `max: last_contact_at`"), "\(c.stderr)")
        // In order, decided.
        let fine = text.replacingOccurrences(of: #""cost": "1200.00""#, with: #""cost": "1200.00", "first_contact_at": "2026-03-02T09:40:00+08:00", "approved_at": "2026-03-06T12:00:00+08:00""#)
        #expect(try run(["decide", "--policies", Self.policy, "--case", "-", "--now", "2026-03-10T00:00:00+08:00"], stdin: fine).status == 0)
    }
}
