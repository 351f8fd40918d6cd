/// Sheets of cells, as an xlsx file or a folder of CSV files holds them: what export writes and import reads.
public struct Workbook: Sendable, Equatable {
    public var sheets: [Sheet]
    /// Read from CSV files, whose cells are all text: a number in text is not refused there.
    public var fromCSV = false
    public init(sheets: [Sheet], fromCSV: Bool = false) { self.sheets = sheets; self.fromCSV = fromCSV }

    public func sheet(named name: String) -> Sheet? { sheets.first { $0.name == name } }
}

/// One sheet: rows of cells, top to bottom, each row left to right (a missing cell is ``Cell/empty``).
public struct Sheet: Sendable, Equatable {
    public var name: String
    public var rows: [[Cell]]
    /// Merged ranges as written (`A1:B2`); an import refuses them.
    public var merged: [String] = []
    /// How wide each column is drawn, in characters (export only).
    public var widths: [Int] = []

    public init(name: String, rows: [[Cell]], merged: [String] = [], widths: [Int] = []) {
        self.name = name
        self.rows = rows
        self.merged = merged
        self.widths = widths
    }

    public func cell(row: Int, column: Int) -> Cell {
        row < rows.count && column < rows[row].count ? rows[row][column] : .empty
    }
}

/// What a spreadsheet cell holds, as far as an import must tell them apart.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    /// A number cell, its value as written in the file (`300`, `12.5`).
    case number(String)
    case bool(Bool)
    /// A formula (its text), whatever value it last computed.
    case formula(String)
    /// A number shown as a date or time (its serial number).
    case date(String)
    /// An error value such as `#REF!`.
    case error(String)
    /// Text written in bold (a header); reads back as text.
    case heading(String)

    /// The text of a text-like cell; a number's digits; "" when empty.
    public var text: String {
        switch self {
        case .empty: return ""
        case .text(let s), .heading(let s), .number(let s), .formula(let s), .date(let s), .error(let s): return s
        case .bool(let b): return b ? "TRUE" : "FALSE"
        }
    }
}

/// `A1`-style names of cells.
public enum CellName {
    /// `0` → `A`, `26` → `AA`.
    public static func column(_ index: Int) -> String {
        var n = index + 1, s = ""
        while n > 0 {
            let r = (n - 1) % 26
            s = String(UnicodeScalar(UInt8(65 + r))) + s
            n = (n - 1) / 26
        }
        return s
    }

    /// `(row 0, column 2)` → `C1`.
    public static func cell(row: Int, column: Int) -> String { self.column(column) + String(row + 1) }

    /// `C4` → `(row 3, column 2)`; nil when it is not a cell name.
    public static func parse(_ name: String) -> (row: Int, column: Int)? {
        var col = 0, row = 0, letters = 0, digits = 0
        for ch in name.unicodeScalars {
            if ch.value >= 65, ch.value <= 90, digits == 0 { col = col * 26 + Int(ch.value - 64); letters += 1 }
            else if ch.value >= 48, ch.value <= 57 { row = row * 10 + Int(ch.value - 48); digits += 1; if digits > 7 { return nil } }
            else { return nil }
            if letters > 3 { return nil }
        }
        guard letters > 0, digits > 0, row > 0 else { return nil }
        return (row - 1, col - 1)
    }
}
