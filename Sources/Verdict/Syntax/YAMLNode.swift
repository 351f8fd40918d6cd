import Yams

/// A YAML node with its source location: the raw material of the policy syntax tree.
///
/// Built from `Yams.compose` so that every node keeps its mark; scalars keep their text untyped,
/// because what a scalar means (an expression, a money amount, a name) depends on where it stands.
struct YAMLNode: Sendable {
    enum Kind: Sendable {
        case scalar(String, quoted: Bool)
        case mapping([(key: YAMLNode, value: YAMLNode)])
        case sequence([YAMLNode])
        case null
    }

    var kind: Kind
    var location: SourceLocation
    /// Columns between the node's mark and its first content character (1 for a quoted scalar).
    var contentOffset: Int = 0
    /// True when the scalar spans several lines (block or folded): offsets within it are approximate.
    var multiline = false

    /// What kind of YAML this is, in words, for "expected a mapping, found a list".
    var kindName: String {
        switch kind {
        case .scalar: return "a scalar"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .null: return "nothing"
        }
    }

    var scalar: String? {
        if case let .scalar(s, _) = kind { return s }
        return nil
    }

    /// The location of a span `offset` scalars into this scalar's content, `length` long.
    func location(atOffset offset: Int, length: Int) -> SourceLocation {
        if multiline { return location.advanced(by: contentOffset, length: 1) }
        return location.advanced(by: contentOffset + offset, length: length)
    }
}

/// Reads one YAML file into a ``YAMLNode`` tree, turning Yams errors into located diagnostics.
enum YAMLLoader {
    static func load(_ file: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: file.text)
        } catch let error as YamlError {
            diagnostics.add(diagnostic(for: error, in: file))
            return nil
        } catch {
            diagnostics.error(.yamlSyntax, "cannot read YAML: \(error)", at: SourceLocation(path: file.path, line: 1, column: 1))
            return nil
        }
        guard let root else { return nil }
        return convert(root, file: file, diagnostics: &diagnostics)
    }

    private static func convert(_ node: Node, file: SourceFile, diagnostics: inout DiagnosticBag) -> YAMLNode {
        let mark = node.mark
        let loc = SourceLocation(path: file.path, line: mark?.line ?? 1, column: mark?.column ?? 1)
        switch node {
        case .scalar(let s):
            let quoted = s.style == .singleQuoted || s.style == .doubleQuoted
            let block = s.style == .literal || s.style == .folded
            if s.style == .plain, s.string.isEmpty || s.string == "~" || s.string == "null" {
                return YAMLNode(kind: .null, location: loc)
            }
            let length = block ? 1 : s.string.unicodeScalars.count + (quoted ? 2 : 0)
            var n = YAMLNode(kind: .scalar(s.string, quoted: quoted), location: SourceLocation(path: file.path, line: loc.line, column: loc.column, length: length))
            n.contentOffset = quoted ? 1 : 0
            n.multiline = block || s.string.contains("\n") || (s.style == .plain && !file.line(loc.line).contains(s.string))
            return n
        case .mapping(let m):
            return YAMLNode(kind: .mapping(m.map { (convert($0.key, file: file, diagnostics: &diagnostics),
                                                   convert($0.value, file: file, diagnostics: &diagnostics)) }),
                            location: loc)
        case .sequence(let s):
            return YAMLNode(kind: .sequence(s.map { convert($0, file: file, diagnostics: &diagnostics) }), location: loc)
        case .alias:
            diagnostics.error(.yamlAlias, "YAML aliases are not supported in policies", at: loc,
                              help: "write the value out where it is used")
            return YAMLNode(kind: .null, location: loc)
        }
    }

    private static func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
        func at(_ mark: Mark) -> SourceLocation {
            SourceLocation(path: file.path, line: max(1, mark.line), column: max(1, mark.column))
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let notes = context.map { [Diagnostic.Note($0.text, at: at($0.mark))] } ?? []
            return .error(.yamlSyntax, "YAML syntax error: \(problem)", at: at(mark), notes: notes)
        case let .duplicatedKeysInMapping(duplicates, context):
            let first = at(context.mark)
            let key = duplicates.first ?? ""
            let second = findRepeat(of: key, after: first, in: file)
            return .error(.duplicateKey, "duplicate key `\(key)`", at: second ?? first,
                          notes: second == nil ? [] : [.init("first defined here", at: first)],
                          help: "a key may appear once in a mapping; merge the two entries")
        case let .reader(problem, _, _, _):
            return .error(.yamlSyntax, "cannot read YAML: \(problem)", at: SourceLocation(path: file.path, line: 1, column: 1))
        default:
            return .error(.yamlSyntax, "cannot read YAML: \(error)", at: SourceLocation(path: file.path, line: 1, column: 1))
        }
    }

    /// Where `key` is written again in the same mapping as the key at `first`: the same column on a
    /// later line of a block mapping (before the mapping ends), or later on the same line of a flow one.
    private static func findRepeat(of key: String, after first: SourceLocation, in file: SourceFile) -> SourceLocation? {
        let line = Array(file.line(first.line).unicodeScalars)
        let keyScalars = Array(key.unicodeScalars)
        // Flow mapping: look further along the same line.
        var c = first.column - 1 + keyScalars.count
        while c + keyScalars.count <= line.count {
            if Array(line[c..<c + keyScalars.count]) == keyScalars, c + keyScalars.count < line.count,
               line[c + keyScalars.count] == ":", c > 0, line[c - 1] == " " || line[c - 1] == "{" || line[c - 1] == "," {
                return SourceLocation(path: first.path, line: first.line, column: c + 1, length: keyScalars.count)
            }
            c += 1
        }
        let indent = first.column - 1
        var n = first.line + 1
        while n <= file.lines.count {
            let text = Array(file.line(n).unicodeScalars)
            let lead = text.prefix { $0 == " " }.count
            let content = text.dropFirst(lead)
            if content.isEmpty || content.first == "#" { n += 1; continue }
            if lead < indent { return nil }
            if lead == indent {
                let rest = Array(content)
                for candidate in [keyScalars, ["\""] + keyScalars + ["\""], ["'"] + keyScalars + ["'"]] {
                    if rest.count > candidate.count, Array(rest[0..<candidate.count]) == candidate, rest[candidate.count] == ":" {
                        return SourceLocation(path: first.path, line: n, column: indent + 1, length: candidate.count)
                    }
                }
            }
            n += 1
        }
        return nil
    }
}
