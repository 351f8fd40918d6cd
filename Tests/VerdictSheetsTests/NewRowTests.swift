import Foundation
import Testing
@testable import VerdictSheets

/// New rows: a rule appended after the last (with no other row moved), and a new override.
struct NewRowTests {
    static let set = SheetTestSupport.root.appendingPathComponent("policies/quality-complaints").path

    /// A rule row appended at the end, the only change, is written (it was once read as no change).
    @Test func anAppendedRuleRowAloneIsWritten() throws {
        let (copy, scratch) = try SheetTestSupport.copy(Self.set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.removeItem(atPath: (copy as NSString).appendingPathComponent("quality-complaints.test.yaml"))
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "tier" }!
        let (r, _) = SheetTestSupport.find(book.sheets[s], id: "tier1-other", column: "id")!
        var new = book.sheets[s].rows[r]
        new[0] = .text("tier1-other-copy")
        book.sheets[s].rows.append(new)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles == ["a1-tier.yaml"])
        #expect(report.changedCells == ["tier!A\(book.sheets[s].rows.count)"])
        let text = try String(contentsOfFile: (copy as NSString).appendingPathComponent("a1-tier.yaml"), encoding: .utf8)
        #expect(text.contains("  - id: tier1-other-copy\n"))
    }

    /// A copy of the henan-finance override row, with a new id, label and condition, is written after it
    /// with its `except` (several lines) and `replace` as the export showed them; exported again, no change.
    @Test func aNewOverrideRowIsWritten() throws {
        let (copy, scratch) = try SheetTestSupport.copy(Self.set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.removeItem(atPath: (copy as NSString).appendingPathComponent("quality-complaints.test.yaml"))
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "approval.overrides" }!
        let (r, c) = SheetTestSupport.find(book.sheets[s], id: "henan-finance", column: "when.1")!
        var new = book.sheets[s].rows[r]
        new[0] = .text("henan-finance-large")
        new[1] = .text("Henan finance override above 1000 yuan")
        new[2] = .text("河南区域1000元以上财务签字")
        new[c] = .text("cost > 1000")
        book.sheets[s].rows.append(new)
        let path = (copy as NSString).appendingPathComponent("a5-approval.yaml")
        let old = try String(contentsOfFile: path, encoding: .utf8)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles == ["a5-approval.yaml"])
        #expect(report.changedCells == ["approval.overrides!A\(book.sheets[s].rows.count)"])
        let added = """
              - id: henan-finance-large
                label: {en: Henan finance override above 1000 yuan, zh: 河南区域1000元以上财务签字}
                quote: 河南区域除郑州分公司外财务主管一栏由事业部财务部负责人签字
                reading: {en: "Applies to the finance slot in every band, since the slot is on the same report form in all three.", zh: "三个金额段使用同一份报告表,财务主管一栏相同,故本规定适用于所有金额段。"}
                output: signers
                when: cost > 1000
                except:
                  - id: zhengzhou
                    label: {en: Zhengzhou branch keeps its own finance supervisor, zh: 郑州分公司除外}
                    when: branch == "zhengzhou"
                replace:
                  finance_supervisor: bu_finance_head

        """
        let new2 = try String(contentsOfFile: path, encoding: .utf8)
        #expect(new2 == old + added, "\(new2.dropFirst(old.count))")
        let again = try TableImport.run(try PolicyTables(directory: copy).workbook(), into: copy)
        #expect(again.problems.isEmpty && again.changedFiles.isEmpty)
    }

    /// A new override whose `replace` does not read as YAML is refused by the check at the sheet, and nothing is written.
    @Test func aNewOverrideThatDoesNotCheckIsRefused() throws {
        let (copy, scratch) = try SheetTestSupport.copy(Self.set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "approval.overrides" }!
        let (r, c) = SheetTestSupport.find(book.sheets[s], id: "henan-finance", column: "replace")!
        var new = book.sheets[s].rows[r]
        new[0] = .text("henan-finance-2")
        new[c] = .text("{finance_supervisor: no_such_role}")
        book.sheets[s].rows.append(new)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.count >= 1)
        #expect(report.problems.first?.hasPrefix("approval.overrides!A") == true, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("no_such_role") }, "\(report.problems)")
        #expect(SheetTestSupport.snapshot(copy) == before)
    }

    /// A new override's `replace` typed in flow style stays on the key's line; the set's tests run and pass.
    @Test func aNewOverrideInFlowStyle() throws {
        let (copy, scratch) = try SheetTestSupport.copy(Self.set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "approval.overrides" }!
        let (r, c) = SheetTestSupport.find(book.sheets[s], id: "henan-finance", column: "when.1")!
        let header = book.sheets[s].rows[r - 1]
        var new = book.sheets[s].rows[r]
        new[0] = .text("henan-finance-above-50000")
        new[c] = .text("cost > 50000")
        new[header.firstIndex(of: .heading("except"))!] = .empty
        new[header.firstIndex(of: .heading("replace"))!] = .text("{finance_supervisor: bu_finance_head}")
        book.sheets[s].rows.append(new)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.testsPassed > 0)
        let text = try String(contentsOfFile: (copy as NSString).appendingPathComponent("a5-approval.yaml"), encoding: .utf8)
        #expect(text.hasSuffix("        output: signers\n        when: cost > 50000\n        replace: {finance_supervisor: bu_finance_head}\n"), "\(text.suffix(300))")
    }
}
