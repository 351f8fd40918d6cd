import Foundation
import Testing
import ZIPFoundation
@testable import VerdictSheets

/// Each bad spreadsheet is refused where it is wrong (`sheet!cell`), and nothing is written.
struct BadInputTests {
    /// The quality-complaints set copied, its workbook, and the bytes of its files before.
    struct Fixture {
        let copy: String
        let scratch: URL
        let before: [String: Data]
        var book: Workbook

        init() throws {
            (copy, scratch) = try SheetTestSupport.copy(SheetTestSupport.root.appendingPathComponent("policies/quality-complaints").path)
            before = SheetTestSupport.snapshot(copy)
            book = try PolicyTables(directory: copy).workbook()
        }

        func index(_ name: String) -> Int { book.sheets.firstIndex { $0.name == name }! }

        /// Writes the workbook as xlsx, reads it back as an import does, imports; returns the problems.
        func problems(_ book: Workbook? = nil) throws -> [String] {
            let file = scratch.appendingPathComponent("edited.xlsx")
            try XLSXWriter.write(book ?? self.book).write(to: file)
            let report = try TableImport.run(try TableImport.readWorkbook(file.path), into: copy)
            #expect(!report.written)
            #expect(SheetTestSupport.snapshot(copy) == before, "nothing written")
            return report.problems
        }

        func done() { try? FileManager.default.removeItem(at: scratch) }
    }

    func expectProblem(_ problems: [String], _ start: String, _ words: String) {
        #expect(problems.contains { $0.hasPrefix(start) && $0.contains(words) }, "\(problems)")
    }

    @Test func renamedSheet() throws {
        var f = try Fixture(); defer { f.done() }
        f.book.sheets[f.index("approval")].name = "Approval"
        let p = try f.problems()
        expectProblem(p, "Approval: ", "not one the export wrote")
        expectProblem(p, "approval: ", "the sheet is missing")
    }

    @Test func missingSheet() throws {
        var f = try Fixture(); defer { f.done() }
        f.book.sheets.remove(at: f.index("tier"))
        expectProblem(try f.problems(), "tier: ", "the sheet is missing")
    }

    @Test func missingIndexSheet() throws {
        var f = try Fixture(); defer { f.done() }
        f.book.sheets.remove(at: f.index("verdict"))
        expectProblem(try f.problems(), "verdict: ", "index sheet is missing")
    }

    @Test func movedAndRenamedColumns() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("approval")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "band-up-to-300", column: "when.1")!
        let header = r - 1
        for row in header..<f.book.sheets[s].rows.count { f.book.sheets[s].rows[row].swapAt(c, c + 1) }
        expectProblem(try f.problems(), "approval!D\(header + 1): ", "expected the column `when.1`, found `then.signers`")
        var g = try Fixture(); defer { g.done() }
        g.book.sheets[s].rows[header][c] = .text("condition")
        expectProblem(try g.problems(), "approval!D\(header + 1): ", "found `condition`")
    }

    @Test func mergedCell() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("approval")
        let (r, _) = SheetTestSupport.find(f.book.sheets[s], id: "band-up-to-300", column: "id")!
        f.book.sheets[s].merged = ["B\(r + 1):C\(r + 1)"]
        expectProblem(try f.problems(), "approval!B\(r + 1):C\(r + 1): ", "merged cells")
    }

    @Test func formulaInsteadOfValue() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("tier")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "tier1-other", column: "then.tier")!
        f.book.sheets[s].rows[r][c] = .formula("1+0")
        expectProblem(try f.problems(), "tier!\(CellName.cell(row: r, column: c)): ", "a formula (=1+0) instead of a value")
    }

    @Test func numberTypedAsTextAndTheReverse() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("tier")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "tier1-other", column: "then.tier")!
        #expect(f.book.sheets[s].rows[r][c] == .number("1"), "an integer output's literal is exported as a number")
        f.book.sheets[s].rows[r][c] = .text("2")
        expectProblem(try f.problems(), "tier!\(CellName.cell(row: r, column: c)): ", "the number `2` is typed as text")
        var g = try Fixture(); defer { g.done() }
        let a = g.index("approval")
        let (ra, ca) = SheetTestSupport.find(g.book.sheets[a], id: "band-up-to-300", column: "then.approver")!
        g.book.sheets[a].rows[ra][ca] = .number("300")
        expectProblem(try g.problems(), "approval!\(CellName.cell(row: ra, column: ca)): ", "a number (300) where text belongs")
    }

    @Test func dateWhereAnAmountBelongs() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("tier")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "tier1-other", column: "then.tier")!
        f.book.sheets[s].rows[r][c] = .date("45000")
        expectProblem(try f.problems(), "tier!\(CellName.cell(row: r, column: c)): ", "a date (serial 45000) where an amount belongs")
    }

    @Test func extraRowWithAnExistingID() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("approval")
        let (r, _) = SheetTestSupport.find(f.book.sheets[s], id: "band-up-to-300", column: "id")!
        f.book.sheets[s].rows.append(f.book.sheets[s].rows[r])
        let last = f.book.sheets[s].rows.count
        expectProblem(try f.problems(), "approval!A\(last): ", "the id `band-up-to-300` is already the rule in row \(r + 1)")
    }

    /// A checker's error in an edited cell is reported at the cell and at the YAML's file:line:column.
    @Test func checkErrorsAtCellAndLine() throws {
        var f = try Fixture(); defer { f.done() }
        let s = f.index("approval")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "band-up-to-300", column: "then.approver")!
        f.book.sheets[s].rows[r][c] = .text("branch_manger")
        let p = try f.problems()
        expectProblem(p, "approval!\(CellName.cell(row: r, column: c)): ", "a5-approval.yaml:24:")
    }

    /// A set's file that is a symbolic link to a file elsewhere: a refused import leaves the file it
    /// points at as it was (review: the check's copy kept the link and wrote through it).
    @Test func aSymbolicLinkIsNotWrittenThrough() throws {
        var f = try Fixture(); defer { f.done() }
        // Beside the set, inside the include root (a link out of it is refused by the loader).
        let outside = URL(fileURLWithPath: (f.copy as NSString).deletingLastPathComponent).appendingPathComponent("shared-a5.yaml")
        let file = (f.copy as NSString).appendingPathComponent("a5-approval.yaml")
        try FileManager.default.moveItem(atPath: file, toPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: outside.path)
        let original = try Data(contentsOf: outside)
        let s = f.index("approval")
        let (r, c) = SheetTestSupport.find(f.book.sheets[s], id: "band-up-to-300", column: "then.approver")!
        f.book.sheets[s].rows[r][c] = .text("branch_manger")
        let path = f.scratch.appendingPathComponent("edited.xlsx")
        try XLSXWriter.write(f.book).write(to: path)
        let report = try TableImport.run(try TableImport.readWorkbook(path.path), into: f.copy)
        #expect(!report.written && !report.problems.isEmpty)
        #expect(try Data(contentsOf: outside) == original, "the linked file is untouched")
    }

    // The container: size, zip bombs, external links, macros.

    @Test func hundredMegabyteFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        FileManager.default.createFile(atPath: url.path, contents: Data([0x50, 0x4B, 0x03, 0x04]))
        let h = try FileHandle(forWritingTo: url)
        try h.truncate(atOffset: 100 << 20)
        try h.close()
        #expect { try TableImport.readWorkbook(url.path) } throws: { ($0 as? SheetError)?.message.contains("104857600 bytes, more than") == true }
    }

    func archive(adding path: String, _ data: Data, to book: Workbook, compression: CompressionMethod = .deflate) throws -> Data {
        let archive = try Archive(data: try XLSXWriter.write(book), accessMode: .update)
        try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: compression) { p, n in
            data.subdata(in: Int(p)..<Int(p) + n)
        }
        return archive.data!
    }

    @Test func zipBomb() throws {
        let f = try Fixture(); defer { f.done() }
        // 40 MiB of zeros deflate to some 40 KiB: refused from the directory, before inflating.
        let bomb = try archive(adding: "xl/media/zeros.xml", Data(count: 40 << 20), to: f.book)
        #expect(bomb.count < 1 << 20)
        #expect { try XLSXReader.read(bomb, name: "bomb.xlsx") } throws: { ($0 as? SheetError)?.message.contains("zip bomb is refused unread") == true }
        var limits = XLSXReader.Limits()
        limits.entries = 5
        #expect { try XLSXReader.read(try XLSXWriter.write(f.book), name: "many.xlsx", limits: limits) } throws: {
            ($0 as? SheetError)?.message.contains("more than 5 entries") == true
        }
    }

    @Test func externalLinksAndMacros() throws {
        let f = try Fixture(); defer { f.done() }
        let linked = try archive(adding: "xl/externalLinks/externalLink1.xml", Data("<externalLink/>".utf8), to: f.book)
        #expect { try XLSXReader.read(linked, name: "linked.xlsx") } throws: { ($0 as? SheetError)?.message.contains("external links") == true }
        let macros = try archive(adding: "xl/vbaProject.bin", Data(count: 64), to: f.book)
        #expect { try XLSXReader.read(macros, name: "macros.xlsm") } throws: { ($0 as? SheetError)?.message.contains("macros") == true }
        #expect { try XLSXReader.read(Data("id,when\n".utf8), name: "x.xlsx") } throws: { ($0 as? SheetError)?.message.contains("not an xlsx file") == true }
    }
}
