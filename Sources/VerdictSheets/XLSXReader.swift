import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads the cells of an xlsx file, refusing what an import must not trust: a file or a zip entry
/// beyond the bounds (checked from the zip's directory before anything is inflated, then enforced
/// while inflating), macros, external links, a DTD. Merged ranges, formulas and date cells are read
/// as such, for the import to refuse where they stand.
public enum XLSXReader {
    /// Bounds on what is read; the defaults are far above any decision table.
    public struct Limits: Sendable {
        public var fileBytes = 20 << 20
        public var entries = 1_000
        public var entryBytes = 50 << 20
        public var totalBytes = 100 << 20
        /// Uncompressed over compressed size, for an entry larger than 1 MiB: XML compresses some 10 to 1.
        public var ratio = 100
        public init() {}
    }

    /// A spreadsheet's own bounds (rows 1 to 1,048,576, columns A to XFD), and what an import reads at
    /// most: far above any decision table, far below what would exhaust memory.
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
    static let maxSheets = 500
    static let maxCells = 2_000_000

    public static func read(_ url: URL, limits: Limits = Limits()) throws(SheetError) -> Workbook {
        let name = url.lastPathComponent
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
        guard let size else { throw SheetError(at: name, "cannot read the file") }
        guard size <= limits.fileBytes else {
            throw SheetError(at: name, "the file is \(size) bytes, more than the \(limits.fileBytes) an import reads: a decision table is far smaller")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw SheetError(at: name, "cannot read the file") }
        return try read(data, name: name, limits: limits)
    }

    public static func read(_ data: Data, name: String, limits: Limits = Limits()) throws(SheetError) -> Workbook {
        guard data.count <= limits.fileBytes else {
            throw SheetError(at: name, "the file is \(data.count) bytes, more than the \(limits.fileBytes) an import reads: a decision table is far smaller")
        }
        guard data.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
            throw SheetError(at: name, "not an xlsx file (an xlsx file is a zip): save the workbook as Excel 2007-365 (.xlsx)")
        }
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw SheetError(at: name, "not a readable zip: \(error)")
        }
        // The bounds, from the zip's central directory, before anything is inflated.
        var entries: [String: Entry] = [:]
        var count = 0, total: UInt64 = 0
        for entry in archive {
            count += 1
            guard count <= limits.entries else { throw SheetError(at: name, "more than \(limits.entries) entries in the zip: not a decision table export") }
            let path = entry.path
            let lower = path.lowercased()
            if lower.contains("vbaproject") || lower.hasSuffix(".bin") && lower.contains("vba") {
                throw SheetError(at: "\(name) (\(path))", "the workbook holds macros: save it as .xlsx without macros")
            }
            if lower.contains("externallink") {
                throw SheetError(at: "\(name) (\(path))", "the workbook links to other workbooks (external links): copy the values in and remove the links")
            }
            guard entry.uncompressedSize <= UInt64(limits.entryBytes) else {
                throw SheetError(at: "\(name) (\(path))", "entry inflates to \(entry.uncompressedSize) bytes, more than \(limits.entryBytes)")
            }
            total += entry.uncompressedSize
            guard total <= UInt64(limits.totalBytes) else {
                throw SheetError(at: name, "the entries inflate to more than \(limits.totalBytes) bytes: refused unread")
            }
            if entry.uncompressedSize > 1 << 20, entry.uncompressedSize / max(entry.compressedSize, 1) > UInt64(limits.ratio) {
                throw SheetError(at: "\(name) (\(path))", "entry compresses \(entry.uncompressedSize / max(entry.compressedSize, 1)) to 1, more than \(limits.ratio) to 1: a zip bomb is refused unread")
            }
            entries[path] = entry
        }
        // Each part is inflated once, however often the workbook names it (a workbook naming one large
        // sheet 400 times must not inflate it 400 times): what is inflated stays within the directory's total.
        var inflated: [String: Data] = [:]
        func part(_ path: String) throws(SheetError) -> Data? {
            if let done = inflated[path] { return done }
            guard let entry = entries[path] else { return nil }
            var out = Data()
            let cap = Int(entry.uncompressedSize)
            do {
                _ = try archive.extract(entry, skipCRC32: false) { chunk in
                    out.append(chunk)
                    // The directory may lie: inflating stops at the size it declared.
                    if out.count > cap { throw SheetError(at: "\(name) (\(path))", "entry inflates past the \(cap) bytes its directory declares") }
                }
            } catch let e as SheetError { throw e } catch {
                throw SheetError(at: "\(name) (\(path))", "cannot inflate: \(error)")
            }
            if out.range(of: Data("<!DOCTYPE".utf8)) != nil || out.range(of: Data("<!ENTITY".utf8)) != nil {
                throw SheetError(at: "\(name) (\(path))", "a DTD or entity declaration, which spreadsheets do not write: refused")
            }
            inflated[path] = out
            return out
        }
        func tree(_ path: String) throws(SheetError) -> XMLTree? {
            guard let d = try part(path) else { return nil }
            let t: XMLTree
            switch XMLTree.parse(d) {
            case .tree(let tree): t = tree
            case .tooDeep: throw SheetError(at: "\(name) (\(path))", "elements nested more than \(XMLTree.maxDepth) deep, which spreadsheets do not write: refused")
            case .malformed: throw SheetError(at: "\(name) (\(path))", "not well-formed XML")
            }
            return t
        }
        if let types = try part("[Content_Types].xml"), let text = String(data: types, encoding: .utf8),
           text.contains("macroEnabled") || text.lowercased().contains("vbaproject") {
            throw SheetError(at: "\(name) ([Content_Types].xml)", "the workbook is macro-enabled: save it as .xlsx without macros")
        }
        guard let workbook = try tree("xl/workbook.xml") else { throw SheetError(at: name, "no xl/workbook.xml: not a spreadsheet") }
        if workbook.first("externalReferences") != nil {
            throw SheetError(at: "\(name) (xl/workbook.xml)", "the workbook links to other workbooks (external links): copy the values in and remove the links")
        }
        var targets: [String: String] = [:]
        if let rels = try tree("xl/_rels/workbook.xml.rels") {
            for r in rels.all("Relationship") {
                if r.attributes["TargetMode"] == "External" || (r.attributes["Type"] ?? "").hasSuffix("/externalLink") {
                    throw SheetError(at: "\(name) (xl/_rels/workbook.xml.rels)", "the workbook links to \(r.attributes["Target"] ?? "another file"): copy the values in and remove the links")
                }
                if let id = r.attributes["Id"], let t = r.attributes["Target"] { targets[id] = t }
            }
        }
        var shared: [String] = []
        if let sst = try tree("xl/sharedStrings.xml") {
            for si in sst.all("si") { shared.append(si.text(excluding: ["rPh"])) }
        }
        // Which styles show a number as a date or time.
        var dateStyles = Set<Int>()
        if let styles = try tree("xl/styles.xml") {
            var custom: [Int: String] = [:]
            for f in styles.all("numFmt") { if let id = f.attributes["numFmtId"].flatMap(Int.init) { custom[id] = f.attributes["formatCode"] ?? "" } }
            if let xfs = styles.first("cellXfs") {
                for (i, xf) in xfs.children.filter({ $0.name == "xf" }).enumerated() {
                    let id = xf.attributes["numFmtId"].flatMap(Int.init) ?? 0
                    if (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id) { dateStyles.insert(i) }
                    else if let code = custom[id], isDateFormat(code) { dateStyles.insert(i) }
                }
            }
        }
        var sheets: [Sheet] = []
        var readTargets = Set<String>()
        var cellCount = 0
        let sheetElements = workbook.all("sheet")
        guard sheetElements.count <= Self.maxSheets else {
            throw SheetError(at: "\(name) (xl/workbook.xml)", "\(sheetElements.count) sheets, more than the \(Self.maxSheets) an import reads: not a decision table export")
        }
        for s in sheetElements {
            let sheetName = s.attributes["name"] ?? "?"
            guard let rid = s.attributes["r:id"] ?? s.attributes.first(where: { $0.key.hasSuffix(":id") })?.value, let target = targets[rid] else {
                throw SheetError(at: "\(name) (sheet \(sheetName))", "the sheet's part is not named in the workbook's relationships")
            }
            let path = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
            guard readTargets.insert(path).inserted else {
                throw SheetError(at: "\(name) (sheet \(sheetName))", "the sheet's part \(path) is another sheet's too: each sheet has its own")
            }
            guard let ws = try tree(path) else { throw SheetError(at: "\(name) (\(path))", "the sheet \(sheetName)'s part is missing") }
            var rows: [[Cell]] = []
            var nextRow = 0
            for row in ws.all("row") {
                let r = row.attributes["r"].flatMap(Int.init).map { $0 - 1 } ?? nextRow
                // A spreadsheet's rows are 1 to 1,048,576 and its columns A to XFD (16,384).
                guard (0..<Self.maxRows).contains(r) else {
                    throw SheetError(at: "\(sheetName) (\(path))", "a row numbered \(r + 1), outside 1 to \(Self.maxRows)")
                }
                nextRow = r + 1
                var cells: [Cell] = []
                var nextCol = 0
                for c in row.children where c.name == "c" {
                    let pos = c.attributes["r"].flatMap(CellName.parse)
                    let col = pos?.column ?? nextCol
                    guard (0..<Self.maxColumns).contains(col), pos.map({ $0.row == r }) ?? true else {
                        throw SheetError(at: "\(sheetName)!\(c.attributes["r"] ?? "?")", "a cell outside its row or past column XFD")
                    }
                    // Counted with the empty cells a far column pads its row with.
                    cellCount += max(col + 1 - cells.count, 1)
                    guard cellCount <= Self.maxCells else {
                        throw SheetError(at: name, "more than \(Self.maxCells) cells: not a decision table export")
                    }
                    nextCol = col + 1
                    let type = c.attributes["t"] ?? "n"
                    let v = c.first("v")?.text() ?? ""
                    var cell: Cell
                    if let f = c.first("f") {
                        cell = .formula("=" + f.text())
                    } else {
                        switch type {
                        case "s":
                            guard let i = Int(v), i >= 0, i < shared.count else {
                                throw SheetError(at: "\(sheetName)!\(CellName.cell(row: r, column: col))", "refers to a shared string that is not there")
                            }
                            cell = .text(shared[i])
                        case "inlineStr": cell = .text(c.first("is")?.text(excluding: ["rPh"]) ?? "")
                        case "str": cell = .text(v)
                        case "b": cell = .bool(v == "1")
                        case "e": cell = .error(v)
                        case "d": cell = .date(v)
                        default:
                            if v.isEmpty { cell = .empty }
                            else if let st = c.attributes["s"].flatMap(Int.init), dateStyles.contains(st) { cell = .date(v) }
                            else { cell = .number(v) }
                        }
                    }
                    if case .text(let t) = cell { cell = .text(unescapeControl(t)) }
                    if cells.count < col { cells += Array(repeating: .empty, count: col - cells.count) }
                    if col < cells.count { cells[col] = cell } else { cells.append(cell) }
                }
                if rows.count < r { rows += Array(repeating: [], count: r - rows.count) }
                if r < rows.count { rows[r] = cells } else { rows.append(cells) }
            }
            let merged = ws.all("mergeCell").compactMap { $0.attributes["ref"] }
            sheets.append(Sheet(name: sheetName, rows: rows, merged: merged))
        }
        return Workbook(sheets: sheets)
    }

    static func isDateFormat(_ code: String) -> Bool {
        // Letters of dates and times outside quoted text and [colour] brackets.
        var inQuote = false, inBracket = false
        for ch in code.lowercased() {
            if ch == "\"" { inQuote.toggle(); continue }
            if inQuote { continue }
            if ch == "[" { inBracket = true; continue }
            if ch == "]" { inBracket = false; continue }
            if inBracket { continue }
            if "dmyhs".contains(ch) { return true }
        }
        return false
    }

    /// `_x000D_` back to a carriage return, as OOXML escapes characters XML cannot hold.
    static func unescapeControl(_ s: String) -> String {
        guard s.contains("_x") else { return s }
        var out = "", chars = Array(s), i = 0
        while i < chars.count {
            if chars[i] == "_", i + 6 < chars.count, chars[i + 1] == "x", chars[i + 6] == "_",
               let v = UInt32(String(chars[(i + 2)...(i + 5)]), radix: 16), let u = UnicodeScalar(v) {
                out.unicodeScalars.append(u); i += 7
            } else { out.append(chars[i]); i += 1 }
        }
        return out
    }
}

/// An XML element read whole (the parts of an xlsx are bounded before they are read).
final class XMLTree {
    let name: String
    var attributes: [String: String]
    var children: [XMLTree] = []
    var content = ""

    init(name: String, attributes: [String: String]) { self.name = name; self.attributes = attributes }

    /// How deep elements may nest: a spreadsheet part nests six or seven deep; the limit keeps the
    /// tree's recursive reads and its release within the stack.
    static let maxDepth = 64

    enum Parsed { case tree(XMLTree), tooDeep, malformed }

    static func parse(_ data: Data) -> Parsed {
        let d = Builder()
        let p = XMLParser(data: data)
        p.shouldResolveExternalEntities = false
        p.shouldProcessNamespaces = false
        p.delegate = d
        let ok = p.parse()
        if d.tooDeep { return .tooDeep }
        guard ok, let root = d.root else { return .malformed }
        return .tree(root)
    }

    /// The local name (without a namespace prefix).
    var local: String { name.split(separator: ":").last.map(String.init) ?? name }

    func first(_ local: String) -> XMLTree? {
        for c in children {
            if c.local == local { return c }
            if let f = c.first(local) { return f }
        }
        return nil
    }

    func all(_ local: String) -> [XMLTree] {
        var out: [XMLTree] = []
        var stack: [XMLTree] = [self]
        while let n = stack.popLast() {
            if n.local == local, n !== self { out.append(n) }
            stack.append(contentsOf: n.children.reversed())
        }
        return out
    }

    /// All text inside, leaving out the elements named.
    func text(excluding: Set<String> = []) -> String {
        var s = content
        for c in children where !excluding.contains(c.local) { s += c.text(excluding: excluding) }
        return s
    }

    final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTree] = []
        var root: XMLTree?
        var tooDeep = false
        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
            guard stack.count < XMLTree.maxDepth else {
                tooDeep = true
                parser.abortParsing()
                return
            }
            let n = XMLTree(name: elementName, attributes: attributeDict)
            stack.last?.children.append(n)
            if root == nil { root = n }
            stack.append(n)
        }
        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            _ = stack.popLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            // Text belongs to the innermost element that has no children yet (`<t>`, `<v>`, `<f>`).
            if let last = stack.last, last.children.isEmpty { last.content += string }
        }
    }
}
