import Testing
@testable import Verdict

/// Section B of the source rules, decided by the shipped customer-complaints policy.
@Suite("Section B: customer complaints")
struct CustomerComplaintsTests {
    func decide(_ json: String, now: String? = nil, explain: Bool = false) throws -> Decision {
        try customerComplaints.decide(json: Array(json.utf8), explain: explain, now: now.map(t))
    }

    @Test("routes", arguments: [
        (#""kind": "quality""#, "awaiting_determination", nil as [String]?),
        (#""kind": "quality", "determination": "quality_problem""#, "quality_investigation", ["regional_manager", "quality_department", "regional_manager"]),
        (#""kind": "quality", "determination": "undetermined""#, "quality_investigation", ["regional_manager", "quality_department", "regional_manager"]),
        (#""kind": "quality", "determination": "misuse""#, "customer_fault_reply", ["case_owner", "supervising_leader"]),
        (#""kind": "service""#, "regional", ["regional_manager"]),
        (#""kind": "sales_policy", "cross_department": true"#, "escalated", ["marketing_director"]),
        (#""kind": "service", "beyond_regional_authority": true"#, "escalated", ["marketing_director"]),
    ])
    func route(_ fields: String, _ route: String, _ chain: [String]?) throws {
        let d = try decide(#"{"id": "C", "received_at": "2026-03-02T10:00:00+08:00", \#(fields)}"#)
        #expect(d["route"] == .member(route))
        #expect(d["approval_chain"] == chain.map { .list($0.map { .member($0) }) })
        #expect((d["inform"] != nil) == fields.contains("quality"))
    }

    @Test func deadlinesOnlyWhenTheirStartIsGiven() throws {
        let d = try decide(#"{"id": "C", "kind": "quality", "received_at": "2026-03-02T10:00:00+08:00"}"#)
        #expect(d["onsite_due"] == .timestamp(t("2026-03-02T14:00:00+08:00")))
        #expect(d["onsite_at_risk"] == .timestamp(t("2026-03-02T12:00:00+08:00")))
        for name in ["dispatch_due", "customer_reply_due", "followup_due", "escalation_due", "escalated_reply_due"] {
            #expect(d[name] == nil, "\(name)")
        }
        let all = try decide(#"""
        {"id": "C", "kind": "service", "cross_department": true, "received_at": "2026-09-30T10:00:00+08:00",
         "memo_received_at": "2026-09-30T17:00:00+08:00",
         "remedy_done_at": "2026-09-30T10:00:00+08:00", "director_reviewed_at": "2026-10-02T09:00:00+08:00"}
        """#)
        #expect(all["onsite_due"] == nil)  // not a quality complaint
        #expect(all["dispatch_due"] == .timestamp(t("2026-10-08T10:00:00+08:00")))
        // The opinion cannot be approved before the complaint is received (a field order of the set's):
        // the reply clock is tested on a case of its own, received the day it was approved.
        let replied = try decide(#"""
        {"id": "C", "kind": "service", "received_at": "2026-02-13T10:00:00+08:00", "opinion_approved_at": "2026-02-13T17:30:00+08:00"}
        """#)
        #expect(replied["customer_reply_due"] == .timestamp(t("2026-02-14T09:30:00+08:00")))
        #expect(all["customer_reply_due"] == nil)
        #expect(all["followup_due"] == .timestamp(t("2026-10-13T18:00:00+08:00")))
        #expect(all["escalation_due"] == .timestamp(t("2026-10-08T18:00:00+08:00")))
        #expect(all["escalated_reply_due"] == .timestamp(t("2026-10-03T09:00:00+08:00")))  // clock hours, holiday or not
    }

    @Test("onsite clock status at now", arguments: [
        // received 10:00 Monday: at risk from 12:00 (2 working hours end on the period's end), due 14:00 (3, after lunch).
        ("2026-03-02T11:30:00+08:00", nil, nil, "pending", "1h30m"),
        ("2026-03-02T12:30:00+08:00", nil, nil, "at_risk", "1h"),
        ("2026-03-02T13:30:00+08:00", nil, nil, "at_risk", "30m"),
        ("2026-03-02T15:00:00+08:00", nil, nil, "breached", "1h"),
        ("2026-03-02T15:00:00+08:00", nil, "2026-03-02T13:45:00+08:00", "met", nil),
        ("2026-03-02T16:00:00+08:00", nil, "2026-03-02T14:30:00+08:00", "met_late", "30m"),
        ("2026-03-02T15:00:00+08:00", "2026-03-02T16:00:00+08:00", nil, "pending", "1h"),  // the agreed time replaces the deadline
    ] as [(String, String?, String?, String, String?)])
    func onsiteStatus(_ now: String, _ agreed: String?, _ onsite: String?, _ status: String, _ amount: String?) throws {
        var fields = #""id": "C", "kind": "quality", "received_at": "2026-03-02T10:00:00+08:00""#
        if let agreed { fields += #", "agreed_onsite_at": "\#(agreed)""# }
        if let onsite { fields += #", "onsite_at": "\#(onsite)""# }
        let d = try decide("{\(fields)}", now: now)
        let c = try #require(d.clocks.first { $0.name == "onsite" })
        #expect(c.status?.rawValue == status)
        #expect((c.remaining ?? c.overdue).map(\.description) == amount)
        if let agreed { #expect(d["onsite_due"] == .timestamp(t(agreed))) }
    }

    @Test func clockTimeClocksCountEveryHour() throws {
        let d = try qualityComplaints.decide(QualityComplaintsTests.base([
            "received_at": QualityComplaintsTests.at("2026-02-15T23:30:00+08:00"),
            "first_contact_at": QualityComplaintsTests.at("2026-02-16T00:40:00+08:00"),
        ]), now: t("2026-02-16T08:00:00+08:00"))
        let c = try #require(d.clocks.first { $0.name == "first_contact" })
        #expect(c.due == t("2026-02-16T00:30:00+08:00"))
        #expect(c.status == .metLate)
        #expect(c.overdue == .minutes(10))
        #expect(c.calendar == nil)
    }

    @Test func explanationShowsTheArithmetic() throws {
        let d = try decide(#"{"id": "C", "kind": "quality", "received_at": "2026-02-14T16:00:00+08:00"}"#, now: "2026-02-24T09:30:00+08:00", explain: true)
        let text = try #require(d.explanation).text(.en)
        #expect(text.contains("start: received_at = 2026-02-14T16:00:00+08:00; target: 3 working hours in cn-office"))
        #expect(text.contains("counted 2026-02-14 16:00–18:00 (adjusted working day Spring Festival make-up day)"))
        #expect(text.contains("skipped 2026-02-15 – 2026-02-23 (holiday Spring Festival)"))
        #expect(text.contains("counted 2026-02-24 09:00–10:00\n"))
        #expect(text.contains("→ due 2026-02-24T10:00:00+08:00; at risk from 2026-02-14T18:00:00+08:00"))
        #expect(text.contains("status (at 2026-02-24T09:30:00+08:00): at risk, 30 working minutes remaining (30m in calendar time)"))
        let zh = try #require(d.explanation).text(.zh)
        #expect(zh.contains("跳过 2026-02-15 – 2026-02-23 (节假日 春节)"))
        let json = d.json()
        #expect(json.contains(#""skipped_from":"2026-02-15","skipped_to":"2026-02-23","reason":"holiday Spring Festival","label_zh":"春节""#))
        #expect(json.contains(#""now":"2026-02-24T09:30:00+08:00","clocks":{"onsite":{"status":"at_risk""#))
    }
}
