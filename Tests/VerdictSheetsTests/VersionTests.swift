import Foundation
import Testing
@testable import VerdictSheets

/// Sets with versions (a `versions/` folder): each version's tables export and import on their own,
/// into that version's files, and a workbook of one version is refused by another.
struct VersionTests {
    /// Every version of every shipped set that has more than one, as `set@version`.
    static var shippedVersions: [String] {
        SheetTestSupport.shippedSets.flatMap { set -> [String] in
            guard let t = try? PolicyTables(directory: set), t.versions.count > 1 else { return [] }
            return t.versions.map { "\(set)@\($0.version)" }
        }
    }

    static func split(_ arg: String) -> (set: String, version: String) {
        let at = arg.lastIndex(of: "@")!
        return (String(arg[..<at]), String(arg[arg.index(after: at)...]))
    }

    @Test func aShippedSetHasVersions() {
        #expect(Self.shippedVersions.contains { $0.hasSuffix("quality-complaints-amended@2.0.0") })
        #expect(Self.shippedVersions.contains { $0.hasSuffix("quality-complaints-amended@1.0.0") })
    }

    @Test(arguments: shippedVersions)
    func roundTripOfEachVersionIsByteIdentical(arg: String) throws {
        let (set, version) = Self.split(arg)
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        let tables = try PolicyTables(directory: copy, version: version)
        #expect(tables.version == version)
        #expect(!tables.decisionNames.isEmpty)
        // The index records the version; the sheets name the version's own files.
        let written = try tables.workbook()
        #expect(written.sheet(named: TableLayout.indexSheet)?.cell(row: 0, column: 2).text == version)
        #expect(tables.files.allSatisfy { tables.versionFolder.isEmpty ? !$0.relativePath.hasPrefix("versions/") : $0.relativePath.hasPrefix(tables.versionFolder + "/") })
        let file = scratch.appendingPathComponent("t.xlsx").path
        try tables.exportXLSX(to: file)
        let report = try TableImport.run(try TableImport.readWorkbook(file), into: copy, version: version)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles.isEmpty)
        let folder = scratch.appendingPathComponent("csv").path
        try tables.exportCSV(to: folder)
        let csv = try TableImport.run(try TableImport.readWorkbook(folder), into: copy, version: version)
        #expect(csv.problems.isEmpty, "\(csv.problems)")
        #expect(csv.changedFiles.isEmpty)
        #expect(SheetTestSupport.snapshot(copy) == before)
    }

    /// A label edited in version 2.0.0's workbook changes that version's file only.
    @Test func anEditOfAVersionWritesThatVersionsFile() throws {
        let set = SheetTestSupport.root.appendingPathComponent("policies/examples/quality-complaints-amended").path
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        var book = try PolicyTables(directory: copy, version: "2.0.0").workbook()
        let s = book.sheets.firstIndex { $0.name == "approval" }!
        let (r, c) = SheetTestSupport.find(book.sheets[s], id: "band-up-to-500", column: "label.en")!
        let old = book.sheets[s].rows[r][c].text
        book.sheets[s].rows[r][c] = .text("up to 500 yuan (amended)")
        let report = try TableImport.run(book, into: copy, version: "2.0.0")
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.changedFiles == ["versions/2.0.0/a5-approval.yaml"])
        #expect(report.changedCells == ["approval!\(CellName.cell(row: r, column: c))"])
        #expect(report.testsPassed > 0)
        let after = SheetTestSupport.snapshot(copy)
        #expect(Set(after.keys) == Set(before.keys))
        #expect(after.keys.filter { after[$0] != before[$0] } == ["versions/2.0.0/a5-approval.yaml"])
        let text = String(decoding: after["versions/2.0.0/a5-approval.yaml"]!, as: UTF8.self)
        let was = String(decoding: before["versions/2.0.0/a5-approval.yaml"]!, as: UTF8.self)
        #expect(!old.isEmpty && was.contains(old))
        #expect(text == was.replacingOccurrences(of: old, with: "up to 500 yuan (amended)"))
    }

    /// A workbook of one version imported into another is refused at the index's version cell, and nothing is written.
    @Test func anotherVersionsWorkbookIsRefused() throws {
        let set = SheetTestSupport.root.appendingPathComponent("policies/examples/quality-complaints-amended").path
        let (copy, scratch) = try SheetTestSupport.copy(set)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let before = SheetTestSupport.snapshot(copy)
        let v2 = try PolicyTables(directory: copy, version: "2.0.0").workbook()
        let intoOwn = try TableImport.run(v2, into: copy)
        #expect(intoOwn.problems == ["verdict!C1: the workbook holds the tables of version `2.0.0`, not of version 1.0.0 (the folder's own files) that this import writes into: import it with --version 2.0.0, or export version 1.0.0's tables to edit them"])
        let v1 = try PolicyTables(directory: copy).workbook()
        let intoV2 = try TableImport.run(v1, into: copy, version: "2.0.0")
        #expect(intoV2.problems.count == 1)
        #expect(intoV2.problems.first?.hasPrefix("verdict!C1: the workbook holds the tables of version `1.0.0`, not of version 2.0.0 (versions/2.0.0)") == true)
        #expect(SheetTestSupport.snapshot(copy) == before)
        #expect(throws: SheetError.self) { try PolicyTables(directory: copy, version: "3.0.0") }
    }
}
