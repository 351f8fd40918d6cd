import Foundation
import Verdict

/// One replacement of bytes in a policy file, and the cell it came from.
struct ByteEdit {
    var start: Int
    var end: Int
    var text: String
    var cell: String
}

/// What an import found: refusals (nothing written) or the files it changed.
public struct ImportReport: Sendable {
    /// Every problem, each `sheet!cell: …` and, when it is in YAML, `file:line:column`.
    public var problems: [String] = []
    /// The files rewritten, relative to the set's folder.
    public var changedFiles: [String] = []
    /// The cells whose values changed the YAML (`approval!D6`).
    public var changedCells: [String] = []
    /// The YAML tests run on the changed set, when it checked clean.
    public var testsPassed = 0
    public var written = false
}

/// Reads edited tables back into a policy set: each changed cell rewrites only the bytes of the
/// value it came from (a scalar, a list, a `when`), an added, removed or moved row only its rule's
/// lines; the rest of every file stays byte for byte. The changed set is checked and its YAML tests
/// run in a copy beside the folder, and the files are replaced (temporary file and rename) only when
/// all of it is clean.
public enum TableImport {
    /// Reads `path`: an `.xlsx` file, or a folder of CSV files as `table export --format csv` writes.
    public static func readWorkbook(_ path: String) throws(SheetError) -> Workbook {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw SheetError(at: path, "no such file or folder") }
        if isDir.boolValue {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
            var sheets: [Sheet] = []
            for n in names {
                let p = (path as NSString).appendingPathComponent(n)
                let size = (try? FileManager.default.attributesOfItem(atPath: p)[.size] as? NSNumber)?.intValue ?? 0
                guard size <= XLSXReader.Limits().fileBytes else { throw SheetError(at: n, "the file is \(size) bytes, more than an import reads") }
                guard let d = FileManager.default.contents(atPath: p) else { throw SheetError(at: p, "cannot read the file") }
                sheets.append(try CSVFormat.read(d, name: String(n.dropLast(4))))
            }
            let index = sheets.firstIndex { $0.name == TableLayout.indexSheet }
            if let index { sheets.insert(sheets.remove(at: index), at: 0) }
            return Workbook(sheets: sheets, fromCSV: true)
        }
        return try XLSXReader.read(URL(fileURLWithPath: path))
    }

    /// Imports `workbook` into the set in `directory` — into the folder's own files, or with `version` into
    /// that version's files — and writes only when `write` and every check is clean. A workbook exported
    /// from another version of a set with several (its index records the version, `verdict!C1`) is refused.
    public static func run(_ workbook: Workbook, into directory: String, version: String? = nil, write: Bool = true) throws -> ImportReport {
        let tables = try PolicyTables(directory: directory, version: version)
        var report = ImportReport()
        var edits: [String: [ByteEdit]] = [:]
        // The index names the sheets the export wrote.
        guard let index = workbook.sheet(named: TableLayout.indexSheet) else {
            report.problems.append("\(TableLayout.indexSheet): the index sheet is missing (the export writes it first, naming every sheet): export again and edit that file")
            return report
        }
        // The version the workbook was exported from must be the version imported into.
        let from = index.cell(row: 0, column: 2).text
        if tables.versions.count > 1, from != tables.version {
            let target = tables.versionFolder.isEmpty ? "the folder's own files" : tables.versionFolder
            let hint = tables.versions.contains(where: { $0.version == from }) ? "import it with --version \(from), or export version \(tables.version)'s tables to edit them" : "the set has \(PolicyTables.describe(tables.versions))"
            report.problems.append("\(TableLayout.indexSheet)!C1: the workbook holds the tables of version `\(from)`, not of version \(tables.version) (\(target)) that this import writes into: \(hint)")
            return report
        }
        var expected: [(sheet: String, decision: String, row: Int)] = []
        for (r, row) in index.rows.enumerated().dropFirst(2) where !row.allSatisfy({ $0.text.isEmpty }) {
            expected.append((row.first?.text ?? "", row.count > 1 ? row[1].text : "", r))
        }
        let layouts = tables.layouts()
        let names = Set(expected.map(\.sheet))
        for s in workbook.sheets where s.name != TableLayout.indexSheet && !names.contains(s.name) {
            report.problems.append("\(s.name): this sheet is not one the export wrote (\(expected.map(\.sheet).joined(separator: ", "))): was it renamed?")
        }
        for e in expected {
            guard let layout = layouts.first(where: { $0.sheetName == e.sheet && $0.decision == e.decision }) else {
                report.problems.append("\(TableLayout.indexSheet)!A\(e.row + 1): `\(e.sheet)` is not a table of this set (\(layouts.map(\.sheetName).joined(separator: ", ")))")
                continue
            }
            guard let sheet = workbook.sheet(named: e.sheet) else {
                report.problems.append("\(e.sheet): the sheet is missing (renamed or deleted?): the index names it, and the import needs every sheet it names")
                continue
            }
            var found = SheetReader(layout: layout, sheet: sheet, tables: tables, isCSV: workbook.fromCSV)
            found.read()
            report.problems += found.problems
            report.changedCells += found.changedCells
            edits[layout.file.relativePath, default: []] += found.edits
        }
        guard report.problems.isEmpty else { return report }
        // The new texts.
        var newTexts: [String: (text: String, map: [(Range<Int>, String)])] = [:]
        for f in tables.files {
            guard let list = edits[f.relativePath], !list.isEmpty else { continue }
            let sorted = list.sorted { $0.start < $1.start }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.end > b.start {
                report.problems.append("\(a.cell) and \(b.cell): both change the same YAML in \(f.relativePath): change one of them at a time")
            }
            var out: [UInt8] = [], at = 0, map: [(Range<Int>, String)] = []
            for e in sorted where e.start >= at {
                out += f.bytes[at..<e.start]
                let s = out.count
                out += Array(e.text.utf8)
                map.append((s..<max(out.count, s + 1), e.cell))
                at = e.end
            }
            out += f.bytes[at...]
            let text = String(decoding: out, as: UTF8.self)
            if text != f.text { newTexts[f.relativePath] = (text, map) }
        }
        guard report.problems.isEmpty else { return report }
        report.changedFiles = newTexts.keys.sorted()
        if newTexts.isEmpty { return report }
        // Check and test a copy beside the folder (so `include: ../…` reads what the set reads).
        let dirURL = URL(fileURLWithPath: directory).standardized
        // A name no other import (nor anything already there) has: nothing is removed but what this made.
        let copy = dirURL.deletingLastPathComponent().appendingPathComponent(".\(dirURL.lastPathComponent).import-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: dirURL, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        for (rel, t) in newTexts {
            // The copy keeps a symbolic link as a link: writing through it would change the file it points
            // at, outside the copy. The link is replaced by the new text instead.
            let target = copy.appendingPathComponent(rel)
            try? FileManager.default.removeItem(at: target)
            try Data(t.text.utf8).write(to: target)
        }
        func place(_ loc: SourceLocation?) -> String {
            guard let loc else { return "" }
            let rel = loc.path.hasPrefix(copy.path + "/") ? String(loc.path.dropFirst(copy.path.count + 1)) : loc.path
            let shown = (directory as NSString).appendingPathComponent(rel)
            var cell = ""
            if let t = newTexts[rel] {
                let file = SourceFile(path: rel, text: t.text)
                let offset = byteOffset(file.text, line: loc.line, column: loc.column)
                if let hit = t.map.first(where: { $0.0.contains(offset) }) ?? t.map.first(where: { lineOf(file.text, $0.0.lowerBound) == loc.line }) {
                    cell = hit.1 + ": "
                }
            }
            return "\(cell)\(shown):\(loc.line):\(loc.column)"
        }
        let set: PolicyVersions
        do { set = try PolicyVersions.load(directory: copy.path) } catch {
            for d in error.diagnostics where d.severity == .error {
                report.problems.append("\(place(d.location)): error[\(d.code)]: \(d.message)")
            }
            if report.problems.isEmpty { report.problems.append(error.description) }
            return report
        }
        let folders = set.folders.count == set.versions.count ? set.folders : [copy.path]
        for (policy, folder) in zip(set.versions, folders) {
            let suite = PolicyTestSuite.load(directory: folder)
            for d in suite.diagnostics where d.severity == .error { report.problems.append("\(place(d.location)): error[\(d.code)]: \(d.message)") }
            let r = PolicyTestRunner.run(suite, against: policy)
            report.testsPassed += r.passed
            for f in r.failures {
                report.problems.append("test \(f.test) (\(place(f.location))) fails with the change (\(report.changedCells.joined(separator: ", "))): \(f.problems.joined(separator: "; "))")
            }
        }
        guard report.problems.isEmpty, write else { return report }
        for rel in report.changedFiles {
            try Atomic.write(Data(newTexts[rel]!.text.utf8), to: (directory as NSString).appendingPathComponent(rel))
        }
        report.written = true
        return report
    }

    static func byteOffset(_ text: String, line: Int, column: Int) -> Int {
        var l = 1, offset = 0
        var it = text.unicodeScalars.makeIterator()
        var col = 1
        while let u = it.next() {
            if l == line && col == column { return offset }
            offset += String(u).utf8.count
            if u == "\n" { l += 1; col = 1; if l > line { return offset } } else if l == line { col += 1 }
        }
        return offset
    }

    static func lineOf(_ text: String, _ offset: Int) -> Int {
        1 + text.utf8.prefix(offset).filter { $0 == 0x0A }.count
    }
}
