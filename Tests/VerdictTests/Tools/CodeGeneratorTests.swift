import Foundation
import Testing
@testable import Verdict

/// `verdict codegen` (issue 36, item 4): the generated Swift types of the fixture set
/// (`Generated/CodegenSample.swift`, compiled with these tests) are what the generator writes today,
/// decide through the one decision path, and are refused once the set's fields or outputs change.
@Suite("generated types")
struct CodeGeneratorTests {
    static let folder = repositoryRoot.appendingPathComponent("Tests/VerdictTests/Fixtures/codegen-sample").path
    static let set = try! PolicyVersions.load(directory: folder)
    static let received = try! Timestamp(rfc3339: "2026-03-02T09:15:00+08:00")

    /// The fixture folder copied to a temporary one, with `edit` applied to its policy.yaml.
    static func editedCopy(_ edit: (String) -> String) throws -> PolicyVersions {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("codegen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try String(contentsOfFile: folder + "/policy.yaml", encoding: .utf8)
        let edited = edit(text)
        #expect(edited != text, "the edit changed nothing")
        try edited.write(to: dir.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        return try PolicyVersions.load(directory: dir.path)
    }

    @Test func theCommittedSwiftIsWhatTheGeneratorWrites() throws {
        let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/VerdictTests/Tools/Generated/CodegenSample.swift"), encoding: .utf8)
        let file = CodeGenerator.generate(.swift, for: Self.set.latest)
        #expect(file.name == "CodegenSample.swift")
        #expect(file.text == committed, "regenerate: swift run verdict codegen swift --policies Tests/VerdictTests/Fixtures/codegen-sample --output Tests/VerdictTests/Tools/Generated")
        #expect(CodegenSample.schemaDigest == Self.set.latest.schemaDigest)
    }

    @Test func aTypedCaseIsDecidedAndItsOutputsReadTyped() throws {
        let large = CodegenSample.Case(id: "R-1", receivedAt: Self.received, amount: try Money(parsing: "1500.00"), kind: .late)
        #expect(large.caseJSON == #"{"id":"R-1","received_at":"2026-03-02T01:15:00Z","amount":"1500.00","kind":"late","items":null,"vip":null,"purchased_on":null,"waited":null,"note":null}"#)
        let outputs = try Self.set.decide(large, as: CodegenSample.Outputs.self)
        #expect(outputs.approver == .director)
        #expect(outputs.signers == [.clerk, .manager, .director])
        #expect(outputs.cap == Money(minorUnits: 500_000))
        #expect(outputs.due == (try Timestamp(rfc3339: "2026-03-05T09:15:00+08:00")))
        #expect(outputs.tier == 3 && outputs.escalate == true)
        #expect(CodegenSample.Role.director.label == Localized(en: "director", zh: "总监"))

        // Every optional field and type written and read by the rules: a small amount is the clerk's;
        // a middling one the director's when the time waited or the purchase date says so.
        let small = CodegenSample.Case(id: "R-2", receivedAt: Self.received, amount: try Money(parsing: "80"), kind: .damaged,
                                       items: 2, vip: false, purchasedOn: CivilDate(year: 2025, month: 6, day: 1),
                                       waited: ClockDuration(milliseconds: 3_600_000), note: "call back")
        #expect(try Self.set.decide(small, as: CodegenSample.Outputs.self).approver == .clerk)
        let waitedLong = CodegenSample.Case(id: "R-3", receivedAt: Self.received, amount: try Money(parsing: "500"), kind: .damaged,
                                            waited: ClockDuration(milliseconds: 8 * 86_400_000))
        #expect(try Self.set.decide(waitedLong, as: CodegenSample.Outputs.self).approver == .director)
        let oldPurchase = CodegenSample.Case(id: "R-4", receivedAt: Self.received, amount: try Money(parsing: "500"), kind: .damaged,
                                             purchasedOn: CivilDate(year: 2024, month: 12, day: 31))
        #expect(try Self.set.decide(oldPurchase, as: CodegenSample.Outputs.self).approver == .director)
        let middling = CodegenSample.Case(id: "R-5", receivedAt: Self.received, amount: try Money(parsing: "500"), kind: .damaged,
                                          purchasedOn: CivilDate(year: 2025, month: 1, day: 1), waited: ClockDuration(milliseconds: 7 * 86_400_000))
        #expect(try Self.set.decide(middling, as: CodegenSample.Outputs.self).approver == .manager)
        // The typed answer is the answer to the same JSON.
        let typed = try Self.set.answer(DecisionRequest(), typed: small)
        #expect(typed.rendered() == (try Self.set.answer(DecisionRequest(), json: small.caseJSON)).rendered())
    }

    @Test func theSchemaDigestFollowsFieldsAndOutputsNotRules() throws {
        let digest = Self.set.latest.schemaDigest
        #expect(digest.hasPrefix("sha256:") && digest.count == 71)
        let ruleEdited = try Self.editedCopy { $0.replacingOccurrences(of: "amount > 1000", with: "amount > 2000") }
        #expect(ruleEdited.latest.schemaDigest == digest)
        #expect(ruleEdited.latest.identity.digest != Self.set.latest.identity.digest)
        let labelEdited = try Self.editedCopy { $0.replacingOccurrences(of: "en: late delivery", with: "en: delivered late") }
        #expect(labelEdited.latest.schemaDigest == digest)
        let memberAdded = try Self.editedCopy { $0.replacingOccurrences(of: "      wrong_item:", with: "      lost: {en: lost, zh: 丢失}\n      wrong_item:") }
        #expect(memberAdded.latest.schemaDigest != digest)
        let madeOptional = try Self.editedCopy { $0.replacingOccurrences(of: "amount: {type: money,", with: "amount: {type: money, optional: true,") }
        #expect(madeOptional.latest.schemaDigest != digest)
        #expect(Self.set.latest.schemaText.contains("field amount money required\n"))
        #expect(Self.set.latest.schemaText.contains("enum role clerk manager director\n"))
    }

    @Test func aTypedCaseIsRefusedOnceTheFieldsHaveChanged() throws {
        let changed = try Self.editedCopy { $0.replacingOccurrences(of: "  note: {type: string, optional: true}", with: "  note: {type: string, optional: true}\n  channel: {type: string, optional: true}") }
        let typed = CodegenSample.Case(id: "R-9", receivedAt: Self.received, amount: try Money(parsing: "80"), kind: .damaged)
        let error = try #require(throws: CaseError.self) { try changed.decide(typed) }
        #expect(error.caseID == "R-9")
        #expect(error.problems.map(\.code) == [.schemaChanged])
        #expect(error.problems[0].message == "the case's types were generated from schema \(CodegenSample.schemaDigest), but codegen-sample 1.0.0 has schema \(changed.latest.schemaDigest): its fields or outputs have changed since")
        #expect(error.problems[0].help == "run `verdict codegen` for codegen-sample again and rebuild with the new types")
        // The same case as plain JSON is decided: only typed cases carry the digest.
        #expect(throws: Never.self) { try changed.decide(json: typed.caseJSON) }
        // A decision by the changed set is refused by the generated outputs type too.
        let decision = try changed.decide(json: typed.caseJSON)
        let outputsError = try #require(throws: CaseError.self) { try CodegenSample.Outputs(decision) }
        #expect(outputsError.problems.map(\.code) == [.schemaChanged])
    }

    @Test func theRequestParameterReadsOnlyADigest() throws {
        var request = DecisionRequest()
        try request.set(parameter: "schema_digest", to: CodegenSample.schemaDigest)
        #expect(request.schemaDigest == CodegenSample.schemaDigest)
        let error = try #require(throws: DecisionRequestParameterError.self) { try request.set(parameter: "schema_digest", to: "sha256:xyz") }
        #expect(error.description == "`schema_digest`: `sha256:xyz` is not a schema digest: give `sha256:` and 64 lowercase hex digits, as `verdict codegen` writes it")
        request.schemaDigest = "sha256:" + String(repeating: "0", count: 64)
        let refused = try #require(throws: DecisionRequestError.self) {
            try Self.set.answer(request, json: #"{"id": "R-5", "received_at": "2026-03-02T09:15:00+08:00", "amount": "80", "kind": "late"}"#)
        }
        guard case .refused(let caseError, let policy) = refused else { Issue.record("not refused: \(refused)"); return }
        #expect(caseError.problems.map(\.code) == [.schemaChanged] && caseError.caseID == "R-5" && policy.name == "codegen-sample")
    }

    @Test func pythonJavaAndTypeScriptNameTheSetAndCarryTheDigest() {
        let py = CodeGenerator.generate(.python, for: Self.set.latest)
        #expect(py.name == "codegen_sample.py")
        #expect(py.text.contains("SCHEMA_DIGEST = \"\(CodegenSample.schemaDigest)\"\n"))
        #expect(py.text.contains("    amount: decimal.Decimal\n") && py.text.contains("    vip: Optional[bool] = None\n"))
        let java = CodeGenerator.generate(.java, for: Self.set.latest, javaPackage: "com.example")
        #expect(java.name == "CodegenSample.java")
        #expect(java.text.contains("\npackage com.example;\n") && java.text.contains("public static final String SCHEMA_DIGEST = \"\(CodegenSample.schemaDigest)\";\n"))
        #expect(java.text.contains("public record Case(String id, OffsetDateTime receivedAt, BigDecimal amount, Kind kind, Long items, Boolean vip, LocalDate purchasedOn, Duration waited, String note) implements GeneratedCase {"))
        #expect(!CodeGenerator.generate(.java, for: Self.set.latest).text.contains("package "))
        // A record component may not be named after Object's methods: quality-complaints' `notify`.
        let shipped = CodeGenerator.generate(.java, for: qualityComplaints).text
        #expect(shipped.contains("List<Role> notify_,") && shipped.contains("outputs.get(\"notify\") == null"))
        let ts = CodeGenerator.generate(.typescript, for: Self.set.latest)
        #expect(ts.name == "codegenSample.ts")
        #expect(ts.text.contains("export const SCHEMA_DIGEST = \"\(CodegenSample.schemaDigest)\";\n") && ts.text.contains("    \"vip\"?: boolean | null;\n"))
    }
}
