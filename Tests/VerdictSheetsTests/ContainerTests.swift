import Foundation
import Testing
@testable import VerdictSheets

/// The containers alone: cells written as xlsx and CSV read back as they were.
struct ContainerTests {
    let sheet = Sheet(name: "approval", rows: [
        [.heading("id"), .heading("when.1")],
        [.text("band-up-to-300"), .text("cost <= 300")],
        [.text("a, \"quoted\"\nline"), .number("12.5")],
        [.empty, .text("河南 _x000D_ \r")],
    ])

    @Test func xlsxRoundTrip() throws {
        let data = try XLSXWriter.write(Workbook(sheets: [sheet]))
        let back = try XLSXReader.read(data, name: "t.xlsx")
        #expect(back.sheets.count == 1)
        #expect(back.sheets[0].name == "approval")
        #expect(back.sheets[0].rows[1] == [.text("band-up-to-300"), .text("cost <= 300")])
        #expect(back.sheets[0].rows[2] == [.text("a, \"quoted\"\nline"), .number("12.5")])
        #expect(back.sheets[0].rows[3][1] == .text("河南 _x000D_ \r"))
    }

    @Test func csvRoundTrip() throws {
        let back = try CSVFormat.read(CSVFormat.write(sheet), name: "approval")
        #expect(back.rows.map { $0.map(\.text) } == sheet.rows.map { $0.map(\.text) })
    }

    @Test func cellNames() {
        #expect(CellName.cell(row: 3, column: 2) == "C4")
        #expect(CellName.column(26) == "AA")
        #expect(CellName.parse("AA10")! == (9, 26))
        #expect(CellName.parse("4C") == nil)
    }
}
