import Foundation
import Verdict

/// One YAML file of a policy set, read with the byte span of every node.
struct PolicyFileSource {
    var relativePath: String
    var text: String
    var bytes: [UInt8]
    var root: SpanNode

    init(relativePath: String, text: String) throws {
        self.relativePath = relativePath
        self.text = text
        self.bytes = Array(text.utf8)
        self.root = try SpanReader.read(text, path: relativePath)
    }

    func slice(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    /// The decision tables written in this file, in order.
    var decisions: [(name: String, node: SpanNode)] {
        guard let d = root["decisions"] else { return [] }
        return d.pairs.compactMap { p in p.key.scalar.map { ($0, p.value) } }
    }

    /// The start of the line holding byte `offset`.
    func lineStart(_ offset: Int) -> Int {
        var i = offset
        while i > 0, bytes[i - 1] != 0x0A { i -= 1 }
        return i
    }

    /// The byte after the end of the line holding byte `offset - 1` (past its newline).
    func lineEnd(after offset: Int) -> Int {
        var i = offset
        while i < bytes.count, bytes[i] != 0x0A { i += 1 }
        return min(i + 1, bytes.count)
    }

    /// 1-based line and column of a byte offset.
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, start = 0
        for i in 0..<min(offset, bytes.count) where bytes[i] == 0x0A { line += 1; start = i + 1 }
        return (line, String(decoding: bytes[start..<min(offset, bytes.count)], as: UTF8.self).count + 1)
    }
}

/// What a column of a table's sheet holds.
enum ColumnKind: Equatable {
    /// A value at a path in the rule (or override): `["label", "en"]`, `["then", "approver"]`.
    case path([String])
    /// The `n`th condition (0-based) of `when`, a scalar or a list.
    case when(Int)
    /// The labels of the members an output's value names: written for people, not read back.
    case labels(output: String)
}

struct Column {
    var title: String
    var kind: ColumnKind
    /// An `integer` or `money` output: its literals are number cells.
    var numeric = false
    /// A list or another structure the sheet shows as written; an edit of it is refused when it is not a list of plain values.
    var outputType: String?
}

/// The layout of one sheet: a header block of named rows, then a table of rules (or overrides).
struct SheetLayout {
    enum Kind { case rules, overrides }
    var kind: Kind
    var sheetName: String
    var decision: String
    var file: PolicyFileSource
    var decisionNode: SpanNode
    /// Header rows: title in column A, then cells bound to paths in the decision (nil: shown, not read back).
    var header: [(title: String, bindings: [[String]?])]
    var columns: [Column]
    /// Row (0-based) of the table's column titles.
    var tableRow: Int { header.count + 1 }
    var items: [SpanNode] { decisionNode[kind == .rules ? "rules" : "overrides"]?.items ?? [] }
    var itemsKey: String { kind == .rules ? "rules" : "overrides" }
}

enum TableLayout {
    static let overridesSuffix = ".overrides"
    static let indexSheet = "verdict"

    /// A sheet's name for a decision: Excel allows 31 characters and none of `[]:*?/\`.
    static func sheetName(_ decision: String, overrides: Bool) -> String {
        var base = String(decision.map { "[]:*?/\\".contains($0) ? "_" : $0 })
        let suffix = overrides ? overridesSuffix : ""
        if base.count + suffix.count > 31 { base = String(base.prefix(31 - suffix.count)) }
        return base + suffix
    }

    static func layouts(for file: PolicyFileSource, decision name: String, node: SpanNode) -> [SheetLayout] {
        let outputs: [(String, String)] = (node["outputs"]?.pairs ?? []).compactMap { p in
            guard let n = p.key.scalar else { return nil }
            return (n, p.value["type"]?.scalar ?? p.value.scalar ?? "")
        }
        func whenCount(_ items: [SpanNode]) -> Int {
            max(1, items.map { i -> Int in
                guard let w = i["when"] else { return 0 }
                if case .sequence(let s) = w.kind { return s.count } else { return 1 }
            }.max() ?? 1)
        }
        let notes: [Column] = [
            Column(title: "quote", kind: .path(["quote"])),
            Column(title: "reading.en", kind: .path(["reading", "en"])), Column(title: "reading.zh", kind: .path(["reading", "zh"])),
            Column(title: "note.en", kind: .path(["note", "en"])), Column(title: "note.zh", kind: .path(["note", "zh"])),
        ]
        var header: [(String, [[String]?])] = [
            ("decision", [nil]), ("file", [nil]),
            ("label.en", [["label", "en"]]), ("label.zh", [["label", "zh"]]),
            ("hit", [["hit"]]), ("complete", [["complete"]]), ("priority", [["priority"]]),
            ("quote", [["quote"]]), ("reading.en", [["reading", "en"]]), ("reading.zh", [["reading", "zh"]]),
            ("note.en", [["note", "en"]]), ("note.zh", [["note", "zh"]]),
        ]
        for (o, _) in outputs {
            header.append(("output", [nil, ["outputs", o, "type"], ["outputs", o, "label", "en"], ["outputs", o, "label", "zh"]]))
        }
        let rules = node["rules"]?.items ?? []
        var columns = [Column(title: "id", kind: .path(["id"])),
                       Column(title: "label.en", kind: .path(["label", "en"])), Column(title: "label.zh", kind: .path(["label", "zh"]))]
        for i in 0..<whenCount(rules) { columns.append(Column(title: "when.\(i + 1)", kind: .when(i))) }
        for (o, type) in outputs {
            columns.append(Column(title: "then.\(o)", kind: .path(["then", o]), numeric: type == "integer" || type == "money", outputType: type))
            if isMemberType(type) { columns.append(Column(title: "then.\(o) (labels)", kind: .labels(output: o), outputType: type)) }
        }
        columns += notes
        var out = [SheetLayout(kind: .rules, sheetName: sheetName(name, overrides: false), decision: name, file: file,
                               decisionNode: node, header: header, columns: columns)]
        if let overrides = node["overrides"], !overrides.items.isEmpty {
            var oc = [Column(title: "id", kind: .path(["id"])),
                      Column(title: "label.en", kind: .path(["label", "en"])), Column(title: "label.zh", kind: .path(["label", "zh"])),
                      Column(title: "output", kind: .path(["output"]))]
            for i in 0..<whenCount(overrides.items) { oc.append(Column(title: "when.\(i + 1)", kind: .when(i))) }
            for k in ["except", "replace", "remove", "insert"] { oc.append(Column(title: k, kind: .path([k]))) }
            oc += notes
            out.append(SheetLayout(kind: .overrides, sheetName: sheetName(name, overrides: true), decision: name, file: file,
                                   decisionNode: node, header: [("decision", [nil]), ("file", [nil])], columns: oc))
        }
        return out
    }

    static func isMemberType(_ type: String) -> Bool {
        let t = type.hasPrefix("list<") ? String(type.dropFirst(5).dropLast()) : type
        return !["bool", "integer", "money", "string", "timestamp", "date", "duration", ""].contains(t)
    }

    /// The node at `path` below `node`, nil when absent; `complex` when a step is not a mapping.
    static func lookup(_ node: SpanNode, _ path: [String]) -> SpanNode? {
        var n = node
        for k in path {
            guard let next = n[k] else { return nil }
            n = next
        }
        return n
    }

    /// True when the value is a scalar or a list of scalars: what a cell can hold and an edit can write.
    static func isSimple(_ n: SpanNode) -> Bool {
        switch n.kind {
        case .scalar: return true
        case .sequence(let items): return items.allSatisfy { $0.scalar != nil }
        case .mapping: return false
        }
    }

    /// What a cell shows for a node: a scalar's text, a list of scalars as `[a, b]`, anything else as written.
    static func text(_ n: SpanNode?, in file: PolicyFileSource) -> String {
        guard let n else { return "" }
        switch n.kind {
        case .scalar(let s, _): return n.isNull ? "" : s
        case .sequence(let items) where items.allSatisfy({ $0.scalar != nil }):
            return "[" + items.map { YAMLText.scalar($0.scalar!, inFlow: true, wasPlain: true) }.joined(separator: ", ") + "]"
        default:
            return file.slice(n.start, n.contentEnd)
        }
    }

    /// The conditions of `when` as a list (a scalar is one).
    static func conditions(_ item: SpanNode) -> [SpanNode] {
        guard let w = item["when"] else { return [] }
        if case .sequence(let s) = w.kind { return s }
        return [w]
    }
}

/// Writing YAML scalars and lists for an import's edits.
enum YAMLText {
    /// `s` as a YAML scalar: plain when it reads back as the same text (and the original was plain), else double-quoted.
    static func scalar(_ s: String, inFlow: Bool, wasPlain: Bool) -> String {
        if wasPlain, isSafePlain(s, inFlow: inFlow) { return s }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 { out += String(format: "\\x%02X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func isSafePlain(_ s: String, inFlow: Bool) -> Bool {
        guard let first = s.first, let last = s.last, first != " ", last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
            // `-5` and `[a]`-like starts: only a negative number is safe.
            if first == "-", s.count > 1, s.dropFirst().first!.isNumber { } else { return false }
        }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") || s.contains("\n") || s.contains("\t") { return false }
        if inFlow, s.contains(where: { ",[]{}".contains($0) }) { return false }
        if ["true", "false", "null", "~", "yes", "no", "on", "off"].contains(s.lowercased()) { return false }
        return true
    }

    /// A flow list of plain-or-quoted items.
    static func list(_ items: [String]) -> String {
        "[" + items.map { scalar($0, inFlow: true, wasPlain: true) }.joined(separator: ", ") + "]"
    }

    /// Reads a cell's `[a, b, "c, d"]` as its items; nil when it is not a list.
    static func parseList(_ s: String) -> [String]? {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard t.hasPrefix("["), t.hasSuffix("]") else { return nil }
        let inner = t.dropFirst().dropLast()
        var items: [String] = [], cur = "", quoted = false, escaped = false, wasQuoted = false, depth = 0
        for ch in inner {
            if quoted {
                if escaped { cur.append(ch == "n" ? "\n" : ch); escaped = false }
                else if ch == "\\" { escaped = true }
                else if ch == "\"" { quoted = false }
                else { cur.append(ch) }
                continue
            }
            switch ch {
            case "\"" where cur.trimmingCharacters(in: .whitespaces).isEmpty: quoted = true; wasQuoted = true; cur = ""
            case "(", "[": depth += 1; cur.append(ch)
            case ")", "]": depth -= 1; cur.append(ch)
            case "," where depth <= 0:
                items.append(wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces)); cur = ""; wasQuoted = false
            default: if !(wasQuoted && ch == " ") { cur.append(ch) }
            }
        }
        if quoted { return nil }
        let last = wasQuoted ? cur : cur.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty || wasQuoted || !items.isEmpty { items.append(last) }
        return items
    }
}
