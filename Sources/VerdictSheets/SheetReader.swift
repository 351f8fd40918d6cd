import Foundation
import Verdict

/// Reads one edited sheet against the table it was exported from, into byte edits of its file.
struct SheetReader {
    let layout: SheetLayout
    let sheet: Sheet
    let tables: PolicyTables
    var problems: [String] = []
    var edits: [ByteEdit] = []
    var changedCells: [String] = []

    let isCSV: Bool

    init(layout: SheetLayout, sheet: Sheet, tables: PolicyTables, isCSV: Bool) {
        self.isCSV = isCSV
        self.layout = layout
        self.sheet = sheet
        self.tables = tables
    }

    var file: PolicyFileSource { layout.file }
    func ref(_ r: Int, _ c: Int) -> String { "\(sheet.name)!\(CellName.cell(row: r, column: c))" }
    func yamlPlace(_ n: SpanNode) -> String { "\((tables.directory as NSString).appendingPathComponent(file.relativePath)):\(n.line):\(n.column)" }

    mutating func refuse(_ r: Int, _ c: Int, _ why: String) { problems.append("\(ref(r, c)): \(why)") }

    mutating func read() {
        // Merged ranges are reported after the sheet's other problems, which they do not hide.
        defer {
            for m in sheet.merged {
                problems.append("\(sheet.name)!\(m): merged cells: unmerge them (each rule keeps its own cells)")
            }
        }
        // The header block: the same titles in the same rows.
        for (r, h) in layout.header.enumerated() {
            let got = sheet.cell(row: r, column: 0).text
            if got != h.title {
                refuse(r, 0, "expected `\(h.title)` here, found `\(got)`: the header block's rows were moved or renamed (export again to see them)")
                continue
            }
            if h.title == "decision" || h.title == "file" {
                let want = h.title == "decision" ? layout.decision : file.relativePath
                if sheet.cell(row: r, column: 1).text != want { refuse(r, 1, "expected `\(want)`: the sheet belongs to that \(h.title)") }
                continue
            }
            if h.title == "output" {
                let name = h.bindings[1]?[1] ?? ""
                if sheet.cell(row: r, column: 1).text != name {
                    refuse(r, 1, "expected the output `\(name)`: outputs are added, removed and renamed in the YAML (\(yamlPlace(layout.decisionNode)))")
                    continue
                }
            }
            for (i, b) in h.bindings.enumerated() {
                guard let b else { continue }
                let c = h.title == "output" ? i + 1 : i + 1
                _ = i
                apply(value(r, c, numeric: false), path: b, in: layout.decisionNode, row: r, column: c,
                      canonical: ["label", "quote", "reading", "note", "hit", "complete", "priority", "outputs", "rules", "overrides"])
            }
        }
        if !sheet.cell(row: layout.header.count, column: 0).text.isEmpty {
            refuse(layout.header.count, 0, "expected an empty row between the header block and the table")
        }
        // The table's column titles, in order.
        let tr = layout.tableRow
        let width = max(sheet.rows.count > tr ? sheet.rows[tr].count : 0, layout.columns.count)
        for c in 0..<width {
            let want = c < layout.columns.count ? layout.columns[c].title : ""
            let got = sheet.cell(row: tr, column: c).text
            if got != want {
                refuse(tr, c, want.isEmpty ? "an extra column `\(got)`: the table's columns are fixed (add conditions and outputs in the YAML)"
                                           : "expected the column `\(want)`, found `\(got.isEmpty ? "nothing" : got)`: columns were moved, renamed or removed")
                return
            }
        }
        guard problems.isEmpty else { return }
        readRows()
    }

    /// A cell's value as text, or nil (refused) for a formula, an error, a date, or a number where text belongs (and the reverse).
    mutating func value(_ r: Int, _ c: Int, numeric: Bool) -> String? {
        switch sheet.cell(row: r, column: c) {
        case .empty: return ""
        case .text(let s), .heading(let s):
            if numeric, !s.isEmpty, Decimal(string: s.trimmingCharacters(in: .whitespaces)) != nil,
               s.trimmingCharacters(in: .whitespaces).allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" }), !isCSV {
                refuse(r, c, "the number `\(s)` is typed as text: enter it as a number (this output is \(numericType(c)))")
                return nil
            }
            return s
        case .number(let s):
            if !numeric {
                refuse(r, c, "a number (\(s)) where text belongs: type it as text (prefix it with ' in a spreadsheet), as the export wrote it")
                return nil
            }
            return s
        case .bool(let b): return b ? "true" : "false"
        case .formula(let f):
            refuse(r, c, "a formula (\(f)) instead of a value: type the value itself")
            return nil
        case .date(let s):
            refuse(r, c, "a date (serial \(s)) where \(numeric ? "an amount" : "text") belongs: format the cell as \(numeric ? "a number" : "text")")
            return nil
        case .error(let e):
            refuse(r, c, "an error value (\(e))")
            return nil
        }
    }


    func numericType(_ c: Int) -> String { c < layout.columns.count ? (layout.columns[c].outputType ?? "a number") : "a number" }

    /// The rows of the table: matched to the rules by id, then their cells compared with the YAML.
    mutating func readRows() {
        let items = layout.items
        var byID: [String: Int] = [:]
        for (i, it) in items.enumerated() { if let id = it["id"]?.scalar { byID[id] = i } }
        var order: [(row: Int, item: Int?)] = []
        var seen: [String: Int] = [:]
        var usedNoID = Set<Int>()
        for r in (layout.tableRow + 1)..<max(sheet.rows.count, layout.tableRow + 1) {
            let row = sheet.rows[r]
            if row.allSatisfy({ $0.text.isEmpty }) { continue }
            if row.count > layout.columns.count, row[layout.columns.count...].contains(where: { !$0.text.isEmpty }) {
                refuse(r, layout.columns.count, "a value outside the table's columns")
            }
            guard let id = value(r, 0, numeric: false) else { continue }
            if !id.isEmpty, let first = seen[id] {
                refuse(r, 0, "the id `\(id)` is already the rule in row \(first + 1): ids name one rule each")
                continue
            }
            if !id.isEmpty { seen[id] = r }
            if !id.isEmpty, let i = byID[id] { order.append((r, i)); continue }
            if id.isEmpty, let i = items.indices.first(where: { items[$0]["id"] == nil && !usedNoID.contains($0) }) {
                usedNoID.insert(i); order.append((r, i)); continue
            }
            if id.isEmpty { refuse(r, 0, "a new row needs an id"); continue }
            order.append((r, nil))
        }
        guard problems.isEmpty else { return }
        // Cell edits inside each kept item.
        var itemEdits: [Int: [ByteEdit]] = [:]
        for (r, i) in order {
            guard let i else { continue }
            let before = edits.count
            editItem(items[i], row: r)
            itemEdits[i] = Array(edits[before...])
            edits.removeSubrange(before...)
        }
        let kept = order.compactMap(\.item)
        let structural = kept != Array(items.indices) || order.contains { $0.item == nil }
        if !structural {
            for i in items.indices { edits += itemEdits[i] ?? [] }
            return
        }
        guard let seq = layout.decisionNode[layout.itemsKey], !seq.flow, let first = items.first else {
            problems.append("\(sheet.name): rows were added, removed or moved, but the \(layout.itemsKey) of `\(layout.decision)` are written as a flow list: edit them in the YAML")
            return
        }
        _ = seq
        // Each item's lines, moved as a block; its own cell edits applied inside.
        func chunk(_ i: Int) -> (Int, Int) {
            let s = file.lineStart(items[i].start)
            let e = i + 1 < items.count ? file.lineStart(items[i + 1].start) : file.lineEnd(after: items[i].contentEnd)
            return (s, e)
        }
        let regionStart = chunk(0).0, regionEnd = chunk(items.count - 1).1
        var text = ""
        let dashIndent = String(repeating: " ", count: max(0, first.column - 3))
        for (r, i) in order {
            if let i {
                let (s, e) = chunk(i)
                var bytes = Array(file.bytes[s..<e])
                for ed in (itemEdits[i] ?? []).sorted(by: { $0.start > $1.start }) {
                    bytes.replaceSubrange((ed.start - s)..<(ed.end - s), with: Array(ed.text.utf8))
                }
                var t = String(decoding: bytes, as: UTF8.self)
                if !t.hasSuffix("\n") { t += "\n" }
                text += t
            } else {
                guard let t = newItem(row: r, indent: dashIndent) else { continue }
                text += t
                changedCells.append(ref(r, 0))
            }
        }
        if !file.slice(regionStart, regionEnd).hasSuffix("\n"), text.hasSuffix("\n") { text.removeLast() }
        edits.append(ByteEdit(start: regionStart, end: regionEnd, text: text, cell: "\(sheet.name)!A\(layout.tableRow + 2)"))
        for i in items.indices where !kept.contains(i) { changedCells.append("\(sheet.name): removed \(items[i]["id"]?.scalar ?? "row")") }
    }

    /// The cell edits of one kept rule.
    mutating func editItem(_ item: SpanNode, row r: Int) {
        let canonical = ["id", "label", "quote", "reading", "note", "output", "when", "then", "except", "replace", "remove", "insert"]
        var whenCells: [(Int, String)] = []
        for (c, col) in layout.columns.enumerated() {
            switch col.kind {
            case .labels: continue
            case .when:
                guard let v = value(r, c, numeric: false) else { continue }
                whenCells.append((c, v))
            case .path(let p):
                guard let v = value(r, c, numeric: col.numeric) else { continue }
                apply(v, path: p, in: item, row: r, column: c, canonical: canonical, numeric: col.numeric)
            }
        }
        // `when`: the conditions as a list; a scalar stays a scalar, a list keeps its form when only items change.
        let old = TableLayout.conditions(item)
        let new = whenCells.map(\.1).filter { !$0.isEmpty }
        let oldValues = old.map { TableLayout.text($0, in: file) }
        guard new != oldValues else { return }
        let firstWhen = whenCells.first?.0 ?? 0
        if let w = item["when"], old.count == new.count, old.allSatisfy({ $0.scalar != nil }) {
            for (k, (o, n)) in zip(old, new).enumerated() where TableLayout.text(o, in: file) != n {
                let c = whenCells.filter { !$0.1.isEmpty }[k].0
                replace(o, with: YAMLText.scalar(n, inFlow: o.inFlow, wasPlain: o.scalar != nil && isPlain(o)), row: r, column: c)
            }
            _ = w
            return
        }
        if let w = item["when"] {
            if new.isEmpty { delete(key: "when", in: item, row: r, column: firstWhen); return }
            let t = new.count == 1 ? YAMLText.scalar(new[0], inFlow: w.inFlow, wasPlain: true) : YAMLText.list(new)
            replace(w, with: t, end: w.contentEnd, row: r, column: firstWhen)
        } else {
            let t = new.count == 1 ? YAMLText.scalar(new[0], inFlow: false, wasPlain: true) : YAMLText.list(new)
            insert(key: "when", text: t, in: item, row: r, column: firstWhen, canonical: canonical)
        }
    }

    func isPlain(_ n: SpanNode) -> Bool { if case .scalar(_, let p) = n.kind { return p } else { return false } }

    /// Compares a cell with the value at `path` and records the edit that makes the YAML say what the cell says.
    mutating func apply(_ v: String?, path: [String], in base: SpanNode, row r: Int, column c: Int, canonical: [String], numeric: Bool = false) {
        guard let v else { return }
        let old = TableLayout.lookup(base, path)
        let oldText = TableLayout.text(old, in: file)
        if oldText == v { return }
        if numeric, let a = Decimal(string: oldText), let b = Decimal(string: v), a == b { return }
        if let old, !TableLayout.isSimple(old) {
            refuse(r, c, "`\(path.joined(separator: "."))` is written as a structure in the YAML (\(yamlPlace(old))): edit it there")
            return
        }
        if let old, case .sequence(let items) = old.kind, let list = YAMLText.parseList(v), list == items.compactMap(\.scalar) { return }
        // A step on the way that is not a mapping (a label written as one text for both languages).
        var n = base
        for (k, step) in path.dropLast().enumerated() {
            guard let next = n[step] else { break }
            if case .mapping = next.kind { n = next; continue }
            refuse(r, c, "`\(path.prefix(k + 1).joined(separator: "."))` is written as one text in the YAML (\(yamlPlace(next))): edit it there")
            return
        }
        if let old {
            if v.isEmpty {
                guard let parent = TableLayout.lookup(base, Array(path.dropLast())) else { return }
                delete(key: path.last!, in: parent, row: r, column: c)
                return
            }
            let t: String
            if let list = YAMLText.parseList(v), case .sequence = old.kind { t = YAMLText.list(list) }
            else if let list = YAMLText.parseList(v), tablesOutputIsList(path) { t = YAMLText.list(list) }
            else { t = YAMLText.scalar(v, inFlow: old.inFlow, wasPlain: isPlain(old) || !(old.scalar != nil)) }
            replace(old, with: t, end: old.contentEnd, row: r, column: c)
            return
        }
        if v.isEmpty { return }
        // Absent: insert into the deepest mapping that exists.
        var parent = base
        var depth = 0
        while depth < path.count - 1, let next = parent[path[depth]] { parent = next; depth += 1 }
        var t = tablesOutputIsList(path) ? (YAMLText.parseList(v).map(YAMLText.list) ?? YAMLText.scalar(v, inFlow: true, wasPlain: true))
                                         : YAMLText.scalar(v, inFlow: true, wasPlain: true)
        for k in path[(depth + 1)...].reversed() { t = "{\(k): \(t)}" }
        insert(key: path[depth], text: t, in: parent, row: r, column: c, canonical: canonical)
    }

    func tablesOutputIsList(_ path: [String]) -> Bool {
        guard path.count == 2, path[0] == "then" else { return false }
        return layout.columns.first { $0.kind == .path(path) }?.outputType?.hasPrefix("list<") ?? false
    }

    mutating func replace(_ node: SpanNode, with text: String, end: Int? = nil, row r: Int, column c: Int) {
        edits.append(ByteEdit(start: node.start, end: end ?? node.end, text: text, cell: ref(r, c)))
        changedCells.append(ref(r, c))
    }

    /// Removes `key` and its value from a mapping.
    mutating func delete(key: String, in mapping: SpanNode, row r: Int, column c: Int) {
        let pairs = mapping.pairs
        guard let i = pairs.firstIndex(where: { $0.key.scalar == key }) else { return }
        let (k, v) = pairs[i]
        if mapping.flow {
            let (s, e) = i > 0 ? (pairs[i - 1].value.contentEnd, v.contentEnd) : (k.start, i + 1 < pairs.count ? pairs[i + 1].key.start : v.contentEnd)
            edits.append(ByteEdit(start: s, end: e, text: "", cell: ref(r, c)))
        } else {
            let s = file.lineStart(k.start)
            guard file.slice(s, k.start).allSatisfy({ $0 == " " }) else {
                refuse(r, c, "cannot remove `\(key)` here without touching its neighbours: remove it in the YAML (\(yamlPlace(k)))")
                return
            }
            edits.append(ByteEdit(start: s, end: file.lineEnd(after: v.contentEnd), text: "", cell: ref(r, c)))
        }
        changedCells.append(ref(r, c))
    }

    /// Adds `key: text` to a mapping: in a flow mapping before its `}`, in a block mapping as a line
    /// before the next key in the usual order (or after the last).
    mutating func insert(key: String, text: String, in mapping: SpanNode, row r: Int, column c: Int, canonical: [String]) {
        let pairs = mapping.pairs
        if mapping.flow {
            let closing = mapping.end - 1
            let sep = pairs.isEmpty ? "" : ", "
            edits.append(ByteEdit(start: closing, end: closing, text: "\(sep)\(key): \(text)", cell: ref(r, c)))
        } else if let first = pairs.first {
            let indent = String(repeating: " ", count: first.key.column - 1)
            let rank = canonical.firstIndex(of: key) ?? canonical.count
            if let next = pairs.first(where: { p in (canonical.firstIndex(of: p.key.scalar ?? "") ?? canonical.count) > rank }),
               next.key.start != first.key.start || file.slice(file.lineStart(first.key.start), first.key.start).allSatisfy({ $0 == " " }) {
                let at = file.lineStart(next.key.start)
                edits.append(ByteEdit(start: at, end: at, text: "\(indent)\(key): \(text)\n", cell: ref(r, c)))
            } else {
                let at = file.lineEnd(after: pairs.last!.value.contentEnd)
                let nl = at > 0 && file.bytes[at - 1] == 0x0A ? "" : "\n"
                edits.append(ByteEdit(start: at, end: at, text: "\(nl)\(indent)\(key): \(text)\n", cell: ref(r, c)))
            }
        } else {
            refuse(r, c, "cannot add `\(key)` to an empty mapping: add it in the YAML (\(yamlPlace(mapping)))")
            return
        }
        changedCells.append(ref(r, c))
    }

    /// A new rule's lines, in block style, from its row.
    mutating func newItem(row r: Int, indent: String) -> String? {
        var lines: [String] = []
        let k = indent + "  "
        func cell(_ title: String) -> (Int, String)? {
            guard let c = layout.columns.firstIndex(where: { $0.title == title }) else { return nil }
            return (c, sheet.cell(row: r, column: c).text)
        }
        let before = problems.count
        for c in layout.columns.indices {
            if case .labels = layout.columns[c].kind { continue }
            _ = value(r, c, numeric: layout.columns[c].numeric)
        }
        guard problems.count == before, let id = cell("id")?.1 else { return nil }
        lines.append("\(indent)- id: \(YAMLText.scalar(id, inFlow: false, wasPlain: true))")
        func localized(_ key: String) {
            let en = cell("\(key).en")?.1 ?? "", zh = cell("\(key).zh")?.1 ?? ""
            var parts: [String] = []
            if !en.isEmpty { parts.append("en: \(YAMLText.scalar(en, inFlow: true, wasPlain: true))") }
            if !zh.isEmpty { parts.append("zh: \(YAMLText.scalar(zh, inFlow: true, wasPlain: true))") }
            if !parts.isEmpty { lines.append("\(k)\(key): {\(parts.joined(separator: ", "))}") }
        }
        localized("label")
        if let q = cell("quote")?.1, !q.isEmpty { lines.append("\(k)quote: \(YAMLText.scalar(q, inFlow: false, wasPlain: true))") }
        localized("reading")
        localized("note")
        if layout.kind == .overrides, let o = cell("output")?.1, !o.isEmpty {
            lines.append("\(k)output: \(YAMLText.scalar(o, inFlow: false, wasPlain: true))")
        }
        let whens = layout.columns.indices.filter { if case .when = layout.columns[$0].kind { return true } else { return false } }
            .map { sheet.cell(row: r, column: $0).text }.filter { !$0.isEmpty }
        if whens.count == 1 { lines.append("\(k)when: \(YAMLText.scalar(whens[0], inFlow: false, wasPlain: true))") }
        else if whens.count > 1 { lines.append("\(k)when:"); for w in whens { lines.append("\(k)  - \(YAMLText.scalar(w, inFlow: false, wasPlain: true))") } }
        var thens: [String] = []
        for col in layout.columns {
            guard case .path(let p) = col.kind, p.first == "then", let v = cell(col.title)?.1, !v.isEmpty else { continue }
            let t = col.outputType?.hasPrefix("list<") == true ? (YAMLText.parseList(v).map(YAMLText.list) ?? v) : YAMLText.scalar(v, inFlow: false, wasPlain: true)
            thens.append("\(k)  \(p[1]): \(t)")
        }
        if !thens.isEmpty { lines.append("\(k)then:"); lines += thens }
        // A new override's `except`, `replace`, `remove` and `insert`, as the cell holds them (the YAML the
        // export shows): on the lines below the key, the first line indented under it and the others as
        // written — the export's own indentation, the same as the new override's when a row is copied
        // within the sheet; one line in flow style (`{a: b}`, `[x]`) on the key's line. The set's check
        // refuses what does not read as YAML there.
        if layout.kind == .overrides {
            for key in ["except", "replace", "remove", "insert"] {
                guard let (_, v) = cell(key), !v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
                let parts = v.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                    .map { String($0).replacingOccurrences(of: "\r", with: "") }
                    .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                let first = parts[0].trimmingCharacters(in: .whitespaces)
                if parts.count == 1, first.hasPrefix("{") || first.hasPrefix("[") {
                    lines.append("\(k)\(key): \(first)")   // flow style stays on the key's line
                    continue
                }
                lines.append("\(k)\(key):")
                lines.append("\(k)  \(first)")
                lines += parts.dropFirst()
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
