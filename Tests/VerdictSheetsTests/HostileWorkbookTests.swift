import Foundation
import Testing
import ZIPFoundation
@testable import VerdictSheets

/// Workbooks made by hand to break the reader: each is refused with a located error, in bounded time
/// and memory, never a crash (found by review: a row numbered 0 trapped, a row numbered 900,000,000,000
/// tried to allocate terabytes, 100,000 nested elements overflowed the stack, one sheet named 400
/// times was inflated 400 times).
@Suite struct HostileWorkbookTests {
    /// A zip with a workbook of `sheets` sheets, every one pointing at `target`, and that part's XML.
    static func workbook(sheetXML: String, sheets: Int = 1, target: String = "worksheets/sheet1.xml") throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { p, n in
                data.subdata(in: Int(p)..<Int(p) + n)
            }
        }
        try add("[Content_Types].xml", #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        let list = (1...sheets).map { #"<sheet name="s\#($0)" sheetId="\#($0)" r:id="rId\#($0)"/>"# }.joined()
        try add("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets>\#(list)</sheets></workbook>"#)
        let rels = (1...sheets).map { #"<Relationship Id="rId\#($0)" Type="worksheet" Target="\#(target)"/>"# }.joined()
        try add("xl/_rels/workbook.xml.rels", "<Relationships>\(rels)</Relationships>")
        try add("xl/" + target, sheetXML)
        return archive.data!
    }

    static func refused(_ data: Data, _ words: String) {
        #expect { try XLSXReader.read(data, name: "h.xlsx") } throws: { error in
            let message = "\(error)"
            return message.contains(words)
        }
    }

    @Test func rowsOutsideTheSheetAreRefused() throws {
        for r in ["0", "-3", "900000000000", "1048577"] {
            let xml = #"<worksheet><sheetData><row r="\#(r)"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
            Self.refused(try Self.workbook(sheetXML: xml), "outside 1 to 1048576")
        }
        // A cell whose name puts it in another row than its own.
        let moved = #"<worksheet><sheetData><row r="2"><c r="A7" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        Self.refused(try Self.workbook(sheetXML: moved), "outside its row")
    }

    @Test func deepNestingIsRefused() throws {
        let xml = "<worksheet>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000) + "</worksheet>"
        Self.refused(try Self.workbook(sheetXML: xml), "nested more than 64 deep")
    }

    @Test func oneSheetNamedTwiceIsRefused() throws {
        let xml = #"<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#
        Self.refused(try Self.workbook(sheetXML: xml, sheets: 2), "is another sheet's too")
        Self.refused(try Self.workbook(sheetXML: xml, sheets: 501), "more than the 500")
    }

    @Test func farColumnsCountTowardTheCellBound() throws {
        // 200 rows with one cell at XFD would pad to 3.3 million cells.
        let rows = (1...200).map { #"<row r="\#($0)"><c r="XFD\#($0)" t="inlineStr"><is><t>x</t></is></c></row>"# }.joined()
        Self.refused(try Self.workbook(sheetXML: "<worksheet><sheetData>\(rows)</sheetData></worksheet>"), "more than 2000000 cells")
    }
}
