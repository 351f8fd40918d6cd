import Testing
@testable import Verdict

/// The checker proves every override can apply and change its chain (issue 29, item 3).
@Suite("Override proofs")
struct OverrideProofTests {
    /// A decision giving `[handler]`, or `[handler, branch_manager]` above 1000, with `overrides`.
    static func policy(_ overrides: String) -> String {
        """
        decisions:
          approval:
            outputs: {signers: list<role>}
            rules:
              - id: big
                when: cost > 1000
                then: {signers: [handler, branch_manager]}
              - id: small
                then: {signers: [handler]}
            overrides:
        \(overrides)
        """
    }

    func only(_ r: PolicyLoader.Result) throws -> Diagnostic {
        let e = errors(r)
        #expect(e.count == 1, "\(r.diagnostics)")
        return try #require(e.first)
    }

    @Test func aScopeThatContradictsItselfCannotApply() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: gd
                output: signers
                when: region == "guangdong" and region == "hunan"
                insert: {role: finance_supervisor, after: handler}
        """)])
        let d = try only(r)
        #expect(d.code == "override-never-applies")
        #expect(d.message == #"override `gd` can never apply: `region == "guangdong"` and `region == "hunan"` cannot both hold"#)
        #expect(d.help == #"a case has one `region`: for either, write `region in ["guangdong", "hunan"]`"#)
        #expect(d.location?.line == 13)
        #expect(d.location?.column == 41)
        #expect(d.notes.map(\.message) == [#"`region == "guangdong"` is here"#])
    }

    @Test func aScopeOutsideAFieldsBoundsCannotApply() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: neg
                output: signers
                when: cost < 0 and region == "henan"
                insert: {role: finance_supervisor, after: handler}
        """), "schema.yaml": schemaYAML.replacingOccurrences(of: "cost: money", with: "cost: {type: money, min: 0}")])
        let d = try only(r)
        #expect(d.message == "override `neg` can never apply: `cost < 0` never holds")
        #expect(d.help == "no case meets `cost < 0` (`cost` is declared at least 0.00); correct or remove it")
    }

    @Test func anExceptionThatCoversTheScopeIsAnError() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: gd
                output: signers
                when: region == "guangdong"
                except:
                  - id: everywhere
                    when: region in ["guangdong", "hunan"]
                insert: {role: finance_supervisor, after: handler}
        """)])
        let d = try only(r)
        #expect(d.code == "override-never-applies")
        #expect(d.message == "override `gd` can never apply: its exception `everywhere` holds in every case its `when` selects")
        #expect(d.notes.map(\.message) == ["the exception `everywhere` is here"])
        #expect(d.notes.first?.location?.line == 15)
    }

    @Test func exceptionsThatTogetherCoverTheScopeAreAnError() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: big-gd
                output: signers
                when: cost > 500
                except:
                  - when: cost > 700
                  - when: cost <= 700
                insert: {role: finance_supervisor, after: handler}
        """)])
        let d = try only(r)
        #expect(d.message == "override `big-gd` can never apply: its exceptions together hold in every case its `when` selects")
        #expect(d.notes.count == 2)
    }

    /// An exception that is unknown (its field absent) does not stop the override: not an error.
    @Test func anExceptionOnAnOptionalFieldLeavesCasesWhereItIsAbsent() {
        let r = check(["rules.yaml": Self.policy("""
              - id: late
                output: signers
                when: cost > 500
                except:
                  - when: hour(resolved_at) < 12 or hour(resolved_at) >= 12
                insert: {role: finance_supervisor, after: handler}
        """)])
        #expect(errors(r).isEmpty, "\(r.diagnostics)")
    }

    @Test func anOverrideThatChangesNoChainIsAnError() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: gd
                output: signers
                when: region == "guangdong"
                insert: {role: handler, after: branch_manager}
        """)])
        let d = try only(r)
        #expect(d.code == "override-no-effect")
        #expect(d.message == "override `gd` can never change `signers`: `handler` is already in every chain where it applies")
        #expect(d.notes.map(\.message) == [#"for example, a case with cost = 1000.01, region = "guangdong" gets [handler, branch_manager] from rule `big`, and the override leaves it so"#])
        #expect(d.help == "name members that are in those chains (`signers` holds [handler, branch_manager] where it applies), or remove the override")
    }

    /// `branch_manager` is in a chain, but only above 1000, and the override acts at 1000 or less.
    @Test func aMemberOnlyInChainsTheOverrideNeverMeetsIsAnError() throws {
        let r = check(["rules.yaml": Self.policy("""
              - id: small-gd
                output: signers
                when: cost <= 1000
                remove: [branch_manager]
        """)])
        let d = try only(r)
        #expect(d.message == "override `small-gd` can never change `signers`: `branch_manager` is in no chain where it applies")
        #expect(d.notes.first?.message == "for example, a case with cost = 0.00 gets [handler] from rule `small`, and the override leaves it so")
    }

    @Test func anOverrideWhereNoRuleGivesAChainCannotApply() throws {
        let r = check(["rules.yaml": """
        decisions:
          approval:
            outputs: {signers: list<role>, ok: bool}
            rules:
              - when: cost > 1000
                then: {signers: [handler, branch_manager], ok: true}
              - then: {ok: false}
            overrides:
              - id: small
                output: signers
                when: cost < 10
                remove: [branch_manager]
        """])
        let d = try only(r)
        #expect(d.message == "override `small` can never apply: no rule that puts a chain in `signers` decides a case its `when` selects")
    }

    @Test func anOverrideThatCanChangeItsChainIsClean() {
        let r = check(["rules.yaml": Self.policy("""
              - id: gd
                output: signers
                when: region == "guangdong"
                except:
                  - when: branch == "shenzhen"
                insert: {role: finance_supervisor, after: handler}
              - id: big-henan
                output: signers
                when: region == "henan" and cost > 5000
                replace: {branch_manager: bu_finance_head}
        """)])
        #expect(errors(r).isEmpty, "\(r.diagnostics)")
    }

    @Test func theChainOperationsApplyAsTheEvaluatorDoes() {
        let a = Value.member(1), b = Value.member(2), c = Value.member(3)
        #expect(ChainOperation.apply([.replace(a, with: b), .replace(b, with: a)], to: [a, b]) == [b, a])
        #expect(ChainOperation.apply([.remove(a), .insert(a, after: true, b)], to: [a, b]) == [b, a])
        #expect(ChainOperation.apply([.insert(c, after: false, b)], to: [a, b]) == [a, c, b])
        #expect(ChainOperation.apply([.insert(c, after: false, b)], to: [a]) == [a])
    }
}
