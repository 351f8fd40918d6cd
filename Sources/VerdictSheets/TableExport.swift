import Foundation
import Verdict

/// The decision tables of a policy set, read for export and import: the set's own YAML files with
/// their byte spans, and the checked policy for the labels of enum members and roles.
public struct PolicyTables {
    public let directory: String
    let files: [PolicyFileSource]
    let outline: PolicyOutline
    let policy: CompiledPolicy

    /// The version whose files these are (`1.0.0`), and its folder relative to the set's (`""` for the
    /// folder's own files, `versions/2.0.0` for another version).
    public let version: String
    public let versionFolder: String
    /// Every version of the set, earliest first, with its folder relative to the set's.
    public let versions: [(version: String, folder: String)]

    /// Loads the set (it must check clean) and reads one version's YAML files (not `*.test.yaml`): by default
    /// the folder's own files (not `versions/`); with `version`, the files of that version, which may be a
    /// folder under `versions/`. File paths are relative to the set's folder (`versions/2.0.0/a5-approval.yaml`).
    public init(directory: String, version: String? = nil) throws {
        let loaded: PolicyVersions
        do { loaded = try PolicyVersions.load(directory: directory) } catch {
            throw SheetError(at: directory, "the policy set does not load:\n\(error.description)")
        }
        let base = URL(fileURLWithPath: directory).standardized.path
        let folders = loaded.folders.count == loaded.versions.count ? loaded.folders : [directory]
        let relative = folders.map { f -> String in
            let p = URL(fileURLWithPath: f).standardized.path
            return p == base ? "" : p.hasPrefix(base + "/") ? String(p.dropFirst(base.count + 1)) : p
        }
        let all = zip(loaded.versions, relative).map { ($0.0, $0.1) }
        self.versions = all.map { ($0.0.identity.version, $0.1) }
        let chosen: (CompiledPolicy, String)
        if let version {
            guard let hit = all.first(where: { $0.0.identity.version == version }) else {
                throw SheetError(at: directory, "no version `\(version)`: the set has \(PolicyTables.describe(versions))")
            }
            chosen = hit
        } else {
            chosen = all.first { $0.1 == "" } ?? all.last!
        }
        self.directory = directory
        self.policy = chosen.0
        self.version = chosen.0.identity.version
        self.versionFolder = chosen.1
        self.outline = PolicyOutline(chosen.0)
        // The version's policy files as the loader reads them: every `*.yaml` or `*.yml` below its folder,
        // not hidden, not a test file, and (for the folder's own files) not under `versions/`.
        let root = versionFolder.isEmpty ? directory : (directory as NSString).appendingPathComponent(versionFolder)
        let prefix = versionFolder.isEmpty ? "" : versionFolder + "/"
        var names: [String] = []
        let walker = FileManager.default.enumerator(atPath: root)
        while let rel = walker?.nextObject() as? String {
            let parts = rel.split(separator: "/")
            if parts.contains(where: { $0.hasPrefix(".") }) || (prefix.isEmpty && parts.first == "versions") { continue }
            if (rel.hasSuffix(".yaml") || rel.hasSuffix(".yml")) && !rel.hasSuffix(".test.yaml") && !rel.hasSuffix(".test.yml") { names.append(prefix + rel) }
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

    /// `1.0.0 (the folder's own files), 2.0.0 (versions/2.0.0)`.
    static func describe(_ versions: [(version: String, folder: String)]) -> String {
        versions.map { "\($0.version) (\($0.folder.isEmpty ? "the folder's own files" : $0.folder))" }.joined(separator: ", ")
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
