import Foundation
import Verdict

/// The decision tables of a policy set, read for export and import: the set's own YAML files with
/// their byte spans, and the checked policy for the labels of enum members and roles.
public struct PolicyTables {
    public let directory: String
    let files: [PolicyFileSource]
    let outline: PolicyOutline
    let policy: CompiledPolicy

    /// Loads the set (it must check clean) and reads its own YAML files (not `*.test.yaml`, not `versions/`).
    public init(directory: String) throws {
        let versions: PolicyVersions
        do { versions = try PolicyVersions.load(directory: directory) } catch {
            throw SheetError(at: directory, "the policy set does not load:\n\(error.description)")
        }
        let folders = versions.folders.count == versions.versions.count ? versions.folders : [directory]
        let own = zip(versions.versions, folders).first { URL(fileURLWithPath: $0.1).standardized.path == URL(fileURLWithPath: directory).standardized.path }?.0
            ?? versions.versions.last!
        self.directory = directory
        self.policy = own
        self.outline = PolicyOutline(own)
        // The set's policy files as the loader reads them: every `*.yaml` or `*.yml` below the folder,
        // not hidden, not a test file, and not under `versions/` (other versions of the set).
        var names: [String] = []
        let walker = FileManager.default.enumerator(atPath: directory)
        while let rel = walker?.nextObject() as? String {
            let parts = rel.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix(".") }) || parts.first == "versions" { continue }
            if (rel.hasSuffix(".yaml") || rel.hasSuffix(".yml")) && !rel.hasSuffix(".test.yaml") && !rel.hasSuffix(".test.yml") { names.append(rel) }
        }
        var files: [PolicyFileSource] = []
        for name in names.sorted() {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw SheetError(at: path, "cannot read the file as UTF-8")
            }
            do { files.append(try PolicyFileSource(relativePath: name, text: text)) } catch {
                throw SheetError(at: path, "\(error)")
            }
        }
        self.files = files
    }

    /// The decision names in file order.
    public var decisionNames: [String] { files.flatMap { $0.decisions.map(\.name) } }

    func layouts(only: String? = nil) -> [SheetLayout] {
        files.flatMap { f in
            f.decisions.filter { only == nil || $0.name == only }.flatMap { TableLayout.layouts(for: f, decision: $0.name, node: $0.node) }
        }
    }

    /// The workbook of the set's tables (or of one), with an index sheet `verdict` (last) naming each sheet,
    /// its decision and its file, so that an import knows a missing or renamed sheet.
    public func workbook(decision: String? = nil) throws -> Workbook {
        if let decision, !decisionNames.contains(decision) {
            throw SheetError(at: directory, "no decision table `\(decision)`: the set has \(decisionNames.joined(separator: ", "))")
        }
        let layouts = layouts(only: decision)
        var index: [[Cell]] = [
            [.heading("policy"), .text(policy.identity.name), .text(policy.identity.version)],
            [.heading("sheet"), .heading("decision"), .heading("file"), .heading("kind")],
        ]
        for l in layouts {
            index.append([.text(l.sheetName), .text(l.decision), .text(l.file.relativePath), .text(l.kind == .rules ? "rules" : "overrides")])
        }
        // The index goes last, so that a spreadsheet program opens on the first table.
        var sheets = layouts.map(sheet)
        sheets.append(Sheet(name: TableLayout.indexSheet, rows: index, widths: [24, 24, 28, 10]))
        return Workbook(sheets: sheets)
    }

    func sheet(_ l: SheetLayout) -> Sheet {
        var rows: [[Cell]] = []
        for (title, bindings) in l.header {
            var row: [Cell] = [.heading(title)]
            switch title {
            case "decision": row.append(.text(l.decision))
            case "file": row.append(.text(l.file.relativePath))
            default: break
            }
            if title == "output", let b = bindings[1], b.count > 1 { row.append(.text(b[1])) }
            for b in bindings.dropFirst(title == "output" ? 1 : 0) {
                guard let b else { continue }
                row.append(cellFor(TableLayout.text(TableLayout.lookup(l.decisionNode, b), in: l.file), numeric: false))
            }
            rows.append(row)
        }
        rows.append([])
        rows.append(l.columns.map { .heading($0.title) })
        for item in l.items {
            rows.append(l.columns.map { c in cell(c, item, l) })
        }
        // Each column as wide as its longest value up to 60 characters (a Chinese character counts two).
        let widths = l.columns.indices.map { c -> Int in
            let longest = rows.dropFirst(l.tableRow).map { $0.count > c ? $0[c].text : "" }
                .map { $0.unicodeScalars.reduce(0) { $0 + ($1.value > 0x2E80 ? 2 : 1) } }.max() ?? 0
            return min(60, max(10, longest + 2))
        }
        return Sheet(name: l.sheetName, rows: rows, widths: widths)
    }

    func cell(_ c: Column, _ item: SpanNode, _ l: SheetLayout) -> Cell {
        switch c.kind {
        case .path(let p):
            return cellFor(TableLayout.text(TableLayout.lookup(item, p), in: l.file), numeric: c.numeric)
        case .when(let i):
            let conds = TableLayout.conditions(item)
            return i < conds.count ? cellFor(TableLayout.text(conds[i], in: l.file), numeric: false) : .empty
        case .labels(let output):
            guard let v = TableLayout.lookup(item, ["then", output]), let type = c.outputType else { return .empty }
            let names = v.scalar.map { [$0] } ?? v.items.compactMap(\.scalar)
            let labels = names.map { n -> String in
                guard let l = outline.label(ofMember: n, in: type) else { return n }
                return [l.en, l.zh].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " / ")
            }
            return labels.isEmpty ? .empty : .text(labels.joined(separator: "; "))
        }
    }

    func cellFor(_ text: String, numeric: Bool) -> Cell {
        if text.isEmpty { return .empty }
        if numeric, Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) != nil, text.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }) {
            return .number(text)
        }
        return .text(text)
    }

    /// Writes the tables as one xlsx file.
    public func exportXLSX(decision: String? = nil, to path: String) throws {
        let data = try XLSXWriter.write(workbook(decision: decision))
        try Atomic.write(data, to: path)
    }

    /// Writes the tables as CSV files in `folder` (made when missing): one per sheet, `verdict.csv` the index.
    /// Returns the files written.
    @discardableResult
    public func exportCSV(decision: String? = nil, to folder: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var written: [String] = []
        for s in try workbook(decision: decision).sheets {
            let path = (folder as NSString).appendingPathComponent(s.name + ".csv")
            try Atomic.write(CSVFormat.write(s), to: path)
            written.append(path)
        }
        return written
    }
}

/// Writes through a temporary file in the same folder and a rename, so a reader never sees half a file.
enum Atomic {
    static func write(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(atPath: tmp, contents: data) else {
            throw SheetError(at: path, "cannot write \(tmp)")
        }
        if rename(tmp, path) != 0 {
            let e = errno
            unlink(tmp)
            throw SheetError(at: path, "cannot replace the file: \(String(cString: strerror(e)))")
        }
    }
}
