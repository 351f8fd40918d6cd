import Foundation

/// CSV as RFC 4180 writes it (comma, CRLF, double quotes doubled), UTF-8 with a byte-order mark so
/// that spreadsheet programs read Chinese text as UTF-8. Every cell reads back as text.
public enum CSVFormat {
    public static func write(_ sheet: Sheet) -> Data {
        var out = "\u{FEFF}"
        for row in sheet.rows {
            out += row.map { quote($0.text) }.joined(separator: ",") + "\r\n"
        }
        return Data(out.utf8)
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Reads one CSV file; a quote left open is refused with its line.
    public static func read(_ data: Data, name: String) throws(SheetError) -> Sheet {
        guard var text = String(data: data, encoding: .utf8) else {
            throw SheetError(at: name, "the file is not UTF-8 text: save it as CSV UTF-8")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var rows: [[Cell]] = [], row: [Cell] = [], field = "", quoted = false, inQuotes = false, line = 1, quoteLine = 1
        var it = Array(text.unicodeScalars), i = 0
        func endField() { row.append(field.isEmpty && !quoted ? .empty : .text(field)); field = ""; quoted = false }
        while i < it.count {
            let c = it[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < it.count, it[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty && !quoted {
                inQuotes = true; quoted = true; quoteLine = line
            } else if c == "," {
                endField()
            } else if c == "\r" || c == "\n" {
                if c == "\r", i + 1 < it.count, it[i + 1] == "\n" { i += 1 }
                endField(); rows.append(row); row = []; line += 1
            } else {
                field.unicodeScalars.append(c)
            }
            i += 1
        }
        it = []
        if inQuotes { throw SheetError(at: "\(name) line \(quoteLine)", "a quoted cell is never closed") }
        if !field.isEmpty || quoted || !row.isEmpty { endField(); rows.append(row) }
        return Sheet(name: name, rows: rows)
    }
}

/// A refusal of a spreadsheet, where it is (`approval!C4`, a file, a zip entry) and why.
public struct SheetError: Error, Sendable, CustomStringConvertible {
    public var place: String
    public var message: String
    public init(at place: String, _ message: String) { self.place = place; self.message = message }
    public var description: String { "\(place): \(message)" }
}
