import Foundation
import Testing
@testable import VerdictSheets

/// Export then import without an edit gives the same bytes, for every shipped set, in both formats;
/// an edit changes exactly the bytes of the value edited.
struct RoundTripTests {
    /// A sheet's rows as text, each without its trailing empty cells (a spreadsheet does not keep them).
    func trimmed(_ s: Sheet) -> [[String]] {
        s.rows.map { row in
            var t = row.map(\.text)
            while t.last == "" { t.removeLast() }
            return t
        }
    }

    @Test(arguments: SheetTestSupport.shippedSets)
    func xlsxRoundTripIsByteIdentical(set: String) throws {
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        let tables = try PolicyTables(directory: copy)
        let file = scratch.appendingPathComponent("t.xlsx").path
        try tables.exportXLSX(to: file)
        let book = try TableImport.readWorkbook(file)
        // The cells read back are the cells written (bold headings read as text).
        let written = try tables.workbook()
        #expect(book.sheets.map(\.name) == written.sheets.map(\.name))
        for (a, b) in zip(book.sheets, written.sheets) {
            #expect(trimmed(a) == trimmed(b), "sheet \(a.name)")
        }
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles.isEmpty)
        #expect(SheetTestSupport.snapshot(copy) == before)
        #expect(!tables.decisionNames.isEmpty)
    }

    @Test(arguments: SheetTestSupport.shippedSets)
    func csvRoundTripIsByteIdentical(set: String) throws {
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        let folder = scratch.appendingPathComponent("csv").path
        try PolicyTables(directory: copy).exportCSV(to: folder)
        let report = try TableImport.run(try TableImport.readWorkbook(folder), into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles.isEmpty)
        #expect(SheetTestSupport.snapshot(copy) == before)
    }

    /// Moving the 300 yuan band edge to 350 (both rules that share it) rewrites exactly those two conditions.
    @Test func bandEdgeEditChangesOnlyThatCondition() throws {
        let set = SheetTestSupport.root.appendingPathComponent("policies/quality-complaints").path
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "approval" }!
        let (r1, c) = SheetTestSupport.find(book.sheets[s], id: "band-up-to-300", column: "when.1")!
        let (r2, _) = SheetTestSupport.find(book.sheets[s], id: "band-300-to-1000", column: "when.1")!
        book.sheets[s].rows[r1][c] = .text("cost <= 350")
        book.sheets[s].rows[r2][c] = .text("cost in (350..1000]")
        let path = (copy as NSString).appendingPathComponent("a5-approval.yaml")
        let old = try String(contentsOfFile: path, encoding: .utf8)
        // A test of the set expects 300 yuan's band: check without writing, then see it refused by the test.
        let report = try TableImport.run(book, into: copy)
        #expect(report.changedCells == ["approval!D\(r1 + 1)", "approval!D\(r2 + 1)"])
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.contains("fails with the change (approval!D\(r1 + 1), approval!D\(r2 + 1))") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == old, "nothing written when a test fails")
        // Without that test, it is written, and only the two conditions changed.
        let testFile = (copy as NSString).appendingPathComponent("quality-complaints.test.yaml")
        try FileManager.default.removeItem(atPath: testFile)
        let written = try TableImport.run(book, into: copy)
        #expect(written.problems.isEmpty, "\(written.problems)")
        #expect(written.written)
        let new = try String(contentsOfFile: path, encoding: .utf8)
        #expect(new == old.replacingOccurrences(of: "when: cost <= 300", with: "when: cost <= 350")
            .replacingOccurrences(of: "when: cost in (300..1000]", with: "when: cost in (350..1000]"))
    }

    /// Rows added, removed and moved: the rules' lines move as blocks, a new rule is written in block style.
    @Test func rowsAddedRemovedAndMoved() throws {
        let set = SheetTestSupport.root.appendingPathComponent("policies/quality-complaints").path
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        try FileManager.default.removeItem(atPath: (copy as NSString).appendingPathComponent("quality-complaints.test.yaml"))
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "tier" }!
        let (r, _) = SheetTestSupport.find(book.sheets[s], id: "tier1-other", column: "id")!
        let (rb, _) = SheetTestSupport.find(book.sheets[s], id: "tier1-benign", column: "id")!
        var new = book.sheets[s].rows[r]
        new[0] = .text("tier1-other-copy")
        // Move tier1-other above tier1-benign, and add a copy of it at the end; remove notify-division.
        let moved = book.sheets[s].rows.remove(at: r)
        book.sheets[s].rows.insert(moved, at: rb)
        book.sheets[s].rows.append(new)
        let n = book.sheets.firstIndex { $0.name == "notification" }!
        let (rd, _) = SheetTestSupport.find(book.sheets[n], id: "notify-division", column: "id")!
        book.sheets[n].rows.remove(at: rd)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        let text = try String(contentsOfFile: (copy as NSString).appendingPathComponent("a1-tier.yaml"), encoding: .utf8)
        let ids = text.components(separatedBy: "\n").compactMap { line -> String? in
            guard let r = line.range(of: "- id: ") else { return nil }
            return String(line[r.upperBound...])
        }
        #expect(ids.suffix(5) == ["tier1-pack", "tier1-other", "tier1-benign", "tier1-uncommon", "tier1-other-copy"])
        let notify = try String(contentsOfFile: (copy as NSString).appendingPathComponent("a3-notify.yaml"), encoding: .utf8)
        #expect(!notify.contains("notify-division") && notify.contains("notify-head-office"))
        #expect(text.contains("  - id: tier1-other-copy\n        label: {en: \"other problem of slight impact, difficulty and cost\""))
        // Exported again, it reads back with no change.
        let again = try TableImport.run(try PolicyTables(directory: copy).workbook(), into: copy)
        #expect(again.changedFiles.isEmpty && again.problems.isEmpty)
    }

    /// A header cell that was empty adds its key to the decision, in the usual order (after the label, before `hit`).
    @Test func headerCellAddsAKeyInItsPlace() throws {
        let set = SheetTestSupport.root.appendingPathComponent("policies/quality-complaints").path
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var book = try PolicyTables(directory: copy).workbook()
        let s = book.sheets.firstIndex { $0.name == "reimbursement" }!
        let noteRow = book.sheets[s].rows.firstIndex { $0.first?.text == "note.en" }!
        book.sheets[s].rows[noteRow] = [.heading("note.en"), .text("A new note.")]
        let path = (copy as NSString).appendingPathComponent("a6-reimbursement.yaml")
        let old = try String(contentsOfFile: path, encoding: .utf8)
        let report = try TableImport.run(book, into: copy)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedCells == ["reimbursement!B\(noteRow + 1)"])
        let new = try String(contentsOfFile: path, encoding: .utf8)
        #expect(new == old.replacingOccurrences(of: "    hit: first\n", with: "    note: {en: A new note.}\n    hit: first\n"))
    }
}
