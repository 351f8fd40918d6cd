import Testing
@testable import Verdict

/// Section A of the source rules, decided by the shipped policy through the typed API.
@Suite("Section A: quality complaints")
struct QualityComplaintsTests {
    /// A harmless tier-1 case; each test changes what it is about.
    static func base(_ changes: [String: CaseValue] = [:]) -> [String: CaseValue] {
        var c: [String: CaseValue] = [
            "id": .string("Q-1"),
            "received_at": .timestamp(try! Timestamp(rfc3339: "2026-03-02T09:15:00+08:00")),
            "region": .string("Shaanxi"), "branch": .string("Xi'an"), "problem": .member("pig_hair"),
            "eaten": .bool(false), "adverse_reaction": .bool(false), "hospitalised": .bool(false),
            "media_involved": .bool(false), "government_involved": .bool(false), "excessive_demand": .bool(false),
            "food_poisoning": .bool(false), "batch_problem": .bool(false), "cost": .money(try! Money(parsing: "80")),
        ]
        for (k, v) in changes { c[k] = v }
        return c
    }

    static func yuan(_ s: String) -> CaseValue { .money(try! Money(parsing: s)) }
    static func at(_ s: String) -> CaseValue { .timestamp(try! Timestamp(rfc3339: s)) }

    @Test("tier criteria (the highest tier that holds wins)", arguments: [
        ("pack defect, not eaten", ["problem": .member("mould")], 1, "tier1-pack"),
        ("pack defect, eaten, no ill effect", ["problem": .member("sour"), "eaten": .bool(true)], 1, "tier1-pack"),
        ("benign matter", ["problem": .member("bone_fragment")], 1, "tier1-benign"),
        ("uncommon matter", ["problem": .member("coal_cinder")], 1, "tier1-uncommon"),
        ("other minor", ["problem": .member("other_minor")], 1, "tier1-other"),
        ("malignant matter", ["problem": .member("rat_droppings")], 2, "tier2-malignant"),
        ("tier-1 problem, excessive demands, media", ["excessive_demand": .bool(true), "media_involved": .bool(true)], 2, "tier2-excessive-media"),
        ("tier-1 problem, excessive demands, government (read as or)", ["excessive_demand": .bool(true), "government_involved": .bool(true)], 2, "tier2-excessive-media"),
        ("excessive demands without media or government stay tier 1", ["excessive_demand": .bool(true)], 1, "tier1-benign"),
        ("adverse reaction, not hospitalised", ["eaten": .bool(true), "adverse_reaction": .bool(true)], 2, "tier2-adverse-reaction"),
        ("hospitalised with pig hair", ["eaten": .bool(true), "adverse_reaction": .bool(true), "hospitalised": .bool(true)], 3, "tier3-hospitalised"),
        ("malignant with media", ["problem": .member("needle"), "media_involved": .bool(true)], 3, "tier3-malignant-media"),
        ("malignant with government", ["problem": .member("fly"), "government_involved": .bool(true)], 3, "tier3-malignant-media"),
        ("food poisoning", ["food_poisoning": .bool(true)], 3, "tier3-food-poisoning"),
        ("batch problem", ["batch_problem": .bool(true)], 3, "tier3-batch"),
    ] as [(String, [String: CaseValue], Int64, String)])
    func tier(_ name: String, _ changes: [String: CaseValue], _ tier: Int64, _ rule: String) throws {
        let d = try qualityComplaints.decide(Self.base(changes), explain: true)
        #expect(d["tier"] == .integer(tier))
        let t = try #require(d.explanation?.decisions.first { $0.name == "tier" })
        #expect(t.outputs.first?.rules == [rule])
    }

    @Test("approval bands and their edges", arguments: [
        ("0", ["handler", "finance_supervisor"], "branch_manager", "file"),
        ("100", ["handler", "finance_supervisor"], "branch_manager", "file"),
        ("100.01", ["handler", "finance_supervisor"], "branch_manager", "file"),
        ("300", ["handler", "finance_supervisor"], "branch_manager", "file"),
        ("300.00", ["handler", "finance_supervisor"], "branch_manager", "file"),
        ("300.01", ["handler", "finance_supervisor", "branch_manager"], "division_manager", "file"),
        ("1000", ["handler", "finance_supervisor", "branch_manager"], "division_manager", "file"),
        ("1000.01", ["handler", "finance_supervisor", "branch_manager", "division_manager"], "head_office", "approve"),
    ])
    func band(_ cost: String, _ signers: [String], _ approver: String, _ action: String) throws {
        let d = try qualityComplaints.decide(Self.base(["cost": Self.yuan(cost)]))
        #expect(d["signers"] == .list(signers.map { .member($0) }))
        #expect(d["approver"] == .member(approver))
        #expect(d["head_office_action"] == .member(action))
    }

    /// The document has one set of rules for every date: a case received in 2027 or later is approved
    /// by its 300-yuan band, never by an amendment no one wrote (the set that demonstrates versions is
    /// the example `policies/examples/quality-complaints-amended`).
    @Test("the shipped set follows the document's bands in 2027 and later", arguments: [
        ("300.00", "branch_manager", "band-up-to-300"), ("300.01", "division_manager", "band-300-to-1000"),
        ("400.00", "division_manager", "band-300-to-1000"), ("500.00", "division_manager", "band-300-to-1000"),
    ])
    func bandsIn2027(_ cost: String, _ approver: String, _ rule: String) throws {
        let set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        #expect(set.versions.map(\.identity.version) == ["1.0.0"])
        #expect(set.folders == [shippedPolicyPath("quality-complaints")])
        for received in ["2027-01-01T00:00:00+08:00", "2027-06-30T10:00:00+08:00", "2031-03-02T09:15:00+08:00"] {
            let json = #"{"id": "Q-2027", "received_at": "\#(received)", "region": "Shaanxi", "branch": "Xi'an", "problem": "pig_hair", "eaten": false, "adverse_reaction": false, "hospitalised": false, "media_involved": false, "government_involved": false, "excessive_demand": false, "food_poisoning": false, "batch_problem": false, "cost": "\#(cost)"}"#
            let d = try set.decide(json: Array(json.utf8), explain: true)
            #expect(d.policy.version == "1.0.0", "\(received)")
            #expect(d["approver"] == .member(approver), "\(received), \(cost)")
            let approval = try #require(d.explanation?.decisions.first { $0.name == "approval" })
            #expect(approval.outputs.contains { $0.rules.contains(rule) }, "\(received), \(cost)")
        }
    }

    @Test("tier-1 success and settlement authority at the edges", arguments: [
        ("0", true, "handler"), ("100", true, "handler"), ("100.01", false, "branch_manager"),
        ("300", false, "branch_manager"), ("300.01", false, nil), ("1000.01", false, nil),
    ] as [(String, Bool, String?)])
    func settlement(_ cost: String, _ success: Bool, _ authority: String?) throws {
        let d = try qualityComplaints.decide(Self.base(["cost": Self.yuan(cost)]))
        #expect(d["success"] == .bool(success))
        #expect(d["settlement_authority"] == authority.map { .member($0) })
    }

    @Test func successAndAuthorityOnlyForTier1() throws {
        let d = try qualityComplaints.decide(Self.base(["problem": .member("fly"), "cost": Self.yuan("50")]))
        #expect(d["tier"] == .integer(2))
        #expect(d["success"] == nil)
        #expect(d["settlement_authority"] == nil)
    }

    /// Region and branch are normalised (trim, casefold, nfkc): spellings people type reach the override.
    @Test("Henan finance override as people type it", arguments: [
        ("Henan ", "Luoyang", "bu_finance_head"),
        ("HENAN", "kaifeng", "bu_finance_head"),
        ("Ｈｅｎａｎ", "\u{3000}Zhengzhou", "finance_supervisor"),
        ("henan", "ZHENGZHOU ", "finance_supervisor"),
        ("He nan", "Luoyang", "finance_supervisor"),
    ])
    func henanAsTyped(_ region: String, _ branch: String, _ finance: String) throws {
        let d = try qualityComplaints.decide(Self.base(["region": .string(region), "branch": .string(branch), "cost": Self.yuan("50")]))
        #expect(d["signers"] == .list([.member("handler"), .member(finance)]))
        let fast = try qualityComplaints.prepare(json: Array(#"{"id":"Q-1","received_at":"2026-03-02T09:15:00+08:00","region":"\#(region)","branch":"\#(branch)","problem":"fly","eaten":false,"adverse_reaction":false,"hospitalised":false,"media_involved":false,"government_involved":false,"excessive_demand":false,"food_poisoning":false,"batch_problem":false,"cost":50}"#.utf8))
        #expect(try qualityComplaints.decide(fast)["signers"] == d["signers"])
    }

    @Test("Henan finance override", arguments: [
        ("Henan", "Luoyang", "bu_finance_head"),
        ("Henan", "Kaifeng", "bu_finance_head"),
        ("Henan", "Zhengzhou", "finance_supervisor"),
        ("Shaanxi", "Xi'an", "finance_supervisor"),
        ("Shaanxi", "Zhengzhou", "finance_supervisor"),
    ])
    func henan(_ region: String, _ branch: String, _ finance: String) throws {
        for cost in ["50", "500", "5000"] {
            let d = try qualityComplaints.decide(Self.base(["region": .string(region), "branch": .string(branch), "cost": Self.yuan(cost)]), explain: true)
            let signers = try #require({ if case .list(let s)? = d["signers"] { return s } else { return nil } }() as [OutputValue]?, "no signers")
            #expect(signers[1] == .member(finance), "cost \(cost)")
            #expect(!signers.contains(.member(finance == "bu_finance_head" ? "finance_supervisor" : "bu_finance_head")))
            let o = try #require(d.explanation?.decisions.first { $0.name == "approval" }?.overrides.first)
            #expect(o.id == "henan-finance")
            #expect(o.applied == (finance == "bu_finance_head"))
            switch (region, branch, o.outcome) {
            case ("Henan", "Zhengzhou", let .exception(id, _, condition)):
                #expect(id == "zhengzhou")
                #expect(condition == #"branch == "zhengzhou""#)
            case ("Henan", "Zhengzhou", let other):
                Issue.record("the Zhengzhou exception should hold, got \(other)")
            case ("Henan", _, .applied), (_, _, .conditionFailed):
                break
            case (_, _, let other):
                Issue.record("unexpected outcome \(other) for \(region)/\(branch)")
            }
        }
    }

    @Test("notification by tier", arguments: [
        (["problem": CaseValue.member("pig_hair")], ["office_manager"]),
        (["problem": .member("fly")], ["office_manager", "division"]),
        (["batch_problem": .bool(true)], ["office_manager", "division", "head_office"]),
    ] as [([String: CaseValue], [String])])
    func notify(_ changes: [String: CaseValue], _ expected: [String]) throws {
        let d = try qualityComplaints.decide(Self.base(changes))
        #expect(d["notify"] == .list(expected.map { .member($0) }))
    }

    @Test("lead by tier", arguments: [("pig_hair", "business_supervisor"), ("fly", "branch_manager")])
    func lead(_ problem: String, _ lead: String) throws {
        #expect(try qualityComplaints.decide(Self.base(["problem": .member(problem)]))["lead"] == .member(lead))
    }

    @Test func deadlines() throws {
        let d = try qualityComplaints.decide(Self.base([
            "received_at": Self.at("2026-03-02T23:30:00+08:00"),
            "resolved_at": Self.at("2026-03-04T17:00:00+08:00"),
            "last_contact_at": Self.at("2026-03-03T10:00:00+08:00"),
            "approved_at": Self.at("2026-03-06T12:00:00+08:00"),
            "report_filed": .bool(true),
        ]))
        #expect(d["first_contact_due"] == Self.outputTime("2026-03-03T00:30:00+08:00"))
        #expect(d["next_contact_due"] == Self.outputTime("2026-03-05T10:00:00+08:00"))
        #expect(d["report_due"] == Self.outputTime("2026-03-09T17:00:00+08:00"))  // 5 days, band ≤ 300
        #expect(d["reimbursement_due"] == Self.outputTime("2026-03-16T12:00:00+08:00"))
        #expect(d["reimbursable"] == .bool(true))
        let seven = try qualityComplaints.decide(Self.base(["cost": Self.yuan("300.01"), "resolved_at": Self.at("2026-03-04T17:00:00+08:00")]))
        #expect(seven["report_due"] == Self.outputTime("2026-03-11T17:00:00+08:00"))
    }

    @Test func deadlinesAbsentWithoutTheirStart() throws {
        let d = try qualityComplaints.decide(Self.base())
        #expect(d["first_contact_due"] != nil)
        for name in ["report_due", "next_contact_due", "reimbursement_due", "reimbursable"] { #expect(d[name] == nil, "\(name)") }
        #expect(!d.json().contains("report_due"))
    }

    @Test func unfiledReportIsNotReimbursable() throws {
        #expect(try qualityComplaints.decide(Self.base(["report_filed": .bool(false)]))["reimbursable"] == .bool(false))
    }

    static func outputTime(_ s: String) -> OutputValue { .timestamp(try! Timestamp(rfc3339: s)) }

    @Test func decisionJSONShape() throws {
        let d = try decide(qualityComplaints, #"{"id":"Q-9","received_at":"2026-03-02T09:15:00+08:00","region":"Henan","branch":"Luoyang","problem":"fly","eaten":false,"adverse_reaction":false,"hospitalised":false,"media_involved":true,"government_involved":false,"excessive_demand":false,"food_poisoning":false,"batch_problem":false,"cost":1200}"#)
        let json = d.json()
        #expect(json.hasPrefix(#"{"case":"Q-9","policy":{"name":"quality-complaints","version":"1.0.0","effective":"2011-06-12","digest":"sha256:"#))
        #expect(json.contains(#""tier":3"#))
        #expect(json.contains(#""signers":["handler","bu_finance_head","branch_manager","division_manager"]"#))
        #expect(json.contains(#""first_contact_due":"2026-03-02T10:15:00+08:00""#))
        #expect(json.contains(#""notify":["office_manager","division","head_office"]"#))
        #expect(!json.contains("explanation"))
    }

    @Test func decidesConcurrentlyFromOneCompiledPolicy() async throws {
        let expected = try qualityComplaints.decide(Self.base(["cost": Self.yuan("500")])).json()
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 { group.addTask { (try? qualityComplaints.decide(Self.base(["cost": Self.yuan("500")])).json()) ?? "" } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
    }

    @Test func decidersDecideAsThePolicyDoesAndKeepItAlive() throws {
        var generator = CaseGenerator(policy: qualityComplaints, seed: 8)
        let decider = qualityComplaints.decider()
        for _ in 0..<200 {
            let json = Array(generator.nextJSON().utf8)
            #expect(try decider.decide(json: json).json() == (try qualityComplaints.decide(json: json).json()))
        }
        // A decision made by a decider outlives every other reference to its policy.
        var decision: Decision?
        do {
            let policy = try CompiledPolicy.load(directory: shippedPolicyPath("after-sales-template"))
            decision = try policy.decider().decide(json: Array(#"{"id": "x", "received_at": "2026-03-02T10:00:00+08:00"}"#.utf8))
        }
        #expect(decision?["processing_due"] == .timestamp(t("2026-03-02T12:00:00+08:00")))
        #expect(decision?.json().contains(#""return_ground":"no_proof_of_purchase""#) == true)
    }
}
