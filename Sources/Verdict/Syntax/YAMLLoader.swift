import CYaml

/// Reads one YAML file into a ``YAMLNode`` tree, turning LibYAML's errors into located diagnostics.
///
/// Built from LibYAML's event stream rather than a composed document, so that what a policy must
/// not contain is refused where it is written, before anything is expanded: an alias (a "billion
/// laughs" file would otherwise expand to billions of nodes), an explicit tag (`!!str 2`,
/// `!!python/object`), a merge key (`<<:`), a repeated key (every one, not only the first), more
/// than ``maxNodes`` nodes or more than ``maxDepth`` levels. The tree is built with an explicit
/// stack, so no input drives recursion here.
enum YAMLLoader {
    /// The most nodes one file may hold: far above any policy a person writes (a 100,000-member enum
    /// is 100,001), and a bound on the memory a file can claim.
    static let maxNodes = 1_000_000
    /// The deepest a file may nest mappings and lists; policies nest a handful of levels.
    static let maxDepth = 64

    static func load(_ file: SourceFile, into diagnostics: inout DiagnosticBag) -> YAMLNode? {
        var composer = Composer(file: file)
        let root = composer.run()
        for d in composer.problems { diagnostics.add(d) }
        return composer.problems.isEmpty ? root : nil
    }

    /// One pass over the events of one file.
    private struct Composer {
        /// A mapping or list being built.
        struct Open {
            var location: SourceLocation
            var isMapping: Bool
            /// Written `{…}` (or `[…]`) rather than as a block.
            var isFlow = false
            var items: [YAMLNode] = []
            /// For a flow mapping: the byte offsets where each item starts and ends, parallel to `items`.
            var spans: [Range<Int>] = []
            /// Keys without values found in it, reported once it closes (a syntax error inside it says more).
            var pending: [Diagnostic] = []
            /// For a mapping: where each scalar key was first written.
            var keys: [String: SourceLocation] = [:]
        }

        let file: SourceFile
        var problems: [Diagnostic] = []
        var stack: [Open] = []
        var root: YAMLNode?
        var nodes = 0
        var tooMany = false
        /// A cursor from LibYAML's character positions to byte offsets: marks only move forward, so
        /// converting them all costs one pass over the file.
        var cursor = (character: 0, byte: 0)

        init(file: SourceFile) { self.file = file }

        func at(_ mark: yaml_mark_t, length: Int = 1) -> SourceLocation {
            SourceLocation(path: file.path, line: mark.line + 1, column: mark.column + 1, length: length)
        }

        mutating func run() -> YAMLNode? {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                problems.append(.error(.yamlSyntax, "cannot read YAML: out of memory", at: nil))
                return nil
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            let bytes = Array(file.text.utf8)
            return bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
                yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
                var documents = 0
                while true {
                    var event = yaml_event_t()
                    guard yaml_parser_parse(&parser, &event) == 1 else {
                        problems.append(syntaxError(parser, bytes))
                        return nil
                    }
                    defer { yaml_event_delete(&event) }
                    switch event.type {
                    case YAML_STREAM_END_EVENT:
                        return root
                    case YAML_DOCUMENT_START_EVENT:
                        documents += 1
                        if documents == 2 {
                            problems.append(.error(.yamlSyntax, "YAML syntax error: a second document (`---`) in one file", at: at(event.start_mark),
                                                   help: "a policy file holds one document; put the rest in its own file"))
                            return nil
                        }
                    case YAML_ALIAS_EVENT:
                        let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                        problems.append(.error(.yamlAlias, "YAML aliases are not supported in policies: `*\(name)`", at: at(event.start_mark, length: name.count + 1),
                                               help: "write the value out where it is used"))
                        add(YAMLNode(kind: .null, location: at(event.start_mark)))
                    case YAML_SCALAR_EVENT:
                        let s = event.data.scalar
                        refuseTag(s.tag, event)
                        let value = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
                        if let top = stack.last, top.isMapping, top.isFlow {
                            let start = byteOffset(ofCharacter: event.start_mark.index, in: bytes)
                            if value.isEmpty, s.style == YAML_PLAIN_SCALAR_STYLE, let problem = splitValue(top, at: start, bytes) {
                                stack[stack.count - 1].pending.append(problem)
                            }
                            stack[stack.count - 1].spans.append(start..<byteOffset(ofCharacter: event.end_mark.index, in: bytes))
                        }
                        add(scalar(value, style: s.style, plainImplicit: s.plain_implicit == 1, event))
                    case YAML_SEQUENCE_START_EVENT:
                        refuseTag(event.data.sequence_start.tag, event)
                        if let top = stack.last, top.isMapping, top.isFlow {
                            let start = byteOffset(ofCharacter: event.start_mark.index, in: bytes)
                            stack[stack.count - 1].spans.append(start..<start)
                        }
                        open(Open(location: at(event.start_mark), isMapping: false))
                    case YAML_MAPPING_START_EVENT:
                        refuseTag(event.data.mapping_start.tag, event)
                        if let top = stack.last, top.isMapping, top.isFlow {
                            let start = byteOffset(ofCharacter: event.start_mark.index, in: bytes)
                            stack[stack.count - 1].spans.append(start..<start)
                        }
                        open(Open(location: at(event.start_mark), isMapping: true, isFlow: event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE))
                    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                        let done = stack.removeLast()
                        problems += done.pending
                        if done.isMapping {
                            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                            pairs.reserveCapacity(done.items.count / 2)
                            var i = 0
                            while i + 1 < done.items.count { pairs.append((done.items[i], done.items[i + 1])); i += 2 }
                            add(YAMLNode(kind: .mapping(pairs), location: done.location), counted: true)
                        } else {
                            add(YAMLNode(kind: .sequence(done.items), location: done.location), counted: true)
                        }
                    default:
                        break
                    }
                    if tooMany { return nil }
                }
            }
        }

        mutating func open(_ node: Open) {
            if stack.count >= YAMLLoader.maxDepth {
                problems.append(.error(.yamlSyntax, "YAML nests too deeply (more than \(YAMLLoader.maxDepth) levels of mappings and lists)",
                                       at: node.location, help: "a policy nests a few levels; flatten this value"))
                tooMany = true
            }
            count(node.location)
            stack.append(node)
        }

        mutating func count(_ location: SourceLocation) {
            nodes += 1
            if nodes > YAMLLoader.maxNodes, !tooMany {
                problems.append(.error(.yamlSyntax, "the file holds more than \(YAMLLoader.maxNodes) YAML nodes", at: location,
                                       help: "split the policy into several files"))
                tooMany = true
            }
        }

        /// Adds a finished node to the mapping or list being built (or makes it the document).
        mutating func add(_ node: YAMLNode, counted: Bool = false) {
            if !counted { count(node.location) }
            guard !stack.isEmpty else { root = node; return }
            let top = stack.count - 1
            if stack[top].isMapping, stack[top].items.count % 2 == 0 {
                // A key: refuse merge keys and repeats, where they are written.
                if case .scalar(let key, let quoted) = node.kind {
                    if key == "<<", !quoted {
                        problems.append(.error(.yamlMerge, "YAML merge keys (`<<`) are not supported in policies", at: node.location,
                                               help: "write the merged entries out in this mapping"))
                    } else if let first = stack[top].keys[key] {
                        problems.append(.error(.duplicateKey, "duplicate key `\(key)`", at: node.location,
                                               notes: [.init("first defined here", at: first)],
                                               help: "a key may appear once in a mapping; merge the two entries"))
                    } else {
                        stack[top].keys[key] = node.location
                    }
                }
            }
            stack[top].items.append(node)
        }

        mutating func refuseTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, _ event: yaml_event_t) {
            guard let tag else { return }
            let name = String(cString: tag)
            let shown = name.hasPrefix("tag:yaml.org,2002:") ? "!!" + name.dropFirst("tag:yaml.org,2002:".count) : name
            problems.append(.error(.yamlTag, "YAML tags are not supported in policies: `\(shown)`", at: at(event.start_mark, length: shown.count),
                                   help: "remove the tag: what a value means comes from where it stands (quote it to make it text)"))
        }

        func scalar(_ value: String, style: yaml_scalar_style_t, plainImplicit: Bool, _ event: yaml_event_t) -> YAMLNode {
            let loc = at(event.start_mark)
            let quoted = style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE
            let block = style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE
            if style == YAML_PLAIN_SCALAR_STYLE, value.isEmpty || value == "~" || value == "null" {
                return YAMLNode(kind: .null, location: loc)
            }
            let length = block ? 1 : value.unicodeScalars.count + (quoted ? 2 : 0)
            var n = YAMLNode(kind: .scalar(value, quoted: quoted), location: SourceLocation(path: file.path, line: loc.line, column: loc.column, length: length))
            n.contentOffset = quoted ? 1 : 0
            // A plain or quoted scalar whose text is not on its line as written was folded over lines.
            n.multiline = block || value.contains("\n") || event.start_mark.line != event.end_mark.line
            return n
        }

        /// A LibYAML error as a diagnostic at the place it names, in words a policy author knows.
        func syntaxError(_ parser: yaml_parser_t, _ bytes: [UInt8]) -> Diagnostic {
            let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
            if parser.error == YAML_READER_ERROR {
                let where_ = SourceFile.location(ofByte: parser.problem_offset, in: bytes, path: file.path)
                let value = parser.problem_value
                let what = value == 0 ? "a NUL byte" : value >= 0 && value < 0x20 || value == 0x7F ? "control character \(Self.hex(value))" : Self.hex(value)
                return .error(.yamlSyntax, "YAML syntax error: \(what) is not allowed in YAML text", at: where_,
                              help: value == 0 ? "the file may be binary or UTF-16; save it as UTF-8 text" : "remove the character, or write it escaped in a double-quoted string")
            }
            let mark = parser.problem_mark
            var notes: [Diagnostic.Note] = []
            if let context = parser.context { notes.append(.init(String(cString: context), at: at(parser.context_mark))) }
            let character = file.line(mark.line + 1).unicodeScalars.dropFirst(mark.column).first
            if character == "\t" {
                return .error(.yamlSyntax, "YAML syntax error: a tab character, which YAML does not allow in indentation or before a value here", at: at(mark),
                              notes: notes, help: "indent with spaces, not tabs")
            }
            if problem.hasPrefix("Maximum nesting level reached") {
                return .error(.yamlSyntax, "YAML nests too deeply (more than \(YAMLLoader.maxDepth) levels of mappings and lists)", at: at(mark),
                              help: "a policy nests a few levels; flatten this value")
            }
            let help = problem.hasPrefix("did not find expected ',' or '}'") ? quoting(inFlowMappingAt: parser.context_mark, problem: mark) : nil
            return .error(.yamlSyntax, "YAML syntax error: \(problem)", at: at(mark), notes: notes, help: help)
        }

        /// A key of a flow mapping written with no `:` and no value right after a plain value: the
        /// comma that ended that value (`{en: critical, 1 store hour}`) was meant as part of it.
        func splitValue(_ map: Open, at: Int, _ bytes: [UInt8]) -> Diagnostic? {
            let n = map.items.count
            guard n % 2 == 1, n >= 3, map.spans.count == n,
                  case .scalar(let key, false) = map.items[n - 1].kind, case .scalar(_, false) = map.items[n - 2].kind,
                  case .scalar(let previousKey, _) = map.items[n - 3].kind else { return nil }
            let keyEnd = map.spans[n - 1].upperBound, valueStart = map.spans[n - 2].lowerBound
            // A `:` after the key means it was written with an empty value, not cut from the one before.
            guard valueStart <= keyEnd, keyEnd <= at, at <= bytes.count,
                  !bytes[keyEnd..<at].contains(UInt8(ascii: ":")) else { return nil }
            let whole = String(decoding: bytes[valueStart..<keyEnd], as: UTF8.self)
            return .error(.yamlSyntax, "YAML syntax error: `\(key)` is a key without a value: inside `{…}` a comma ends a value",
                          at: map.items[n - 1].location,
                          help: "if the comma belongs to the value of `\(previousKey)`, quote it: `\(previousKey): \(Self.quoted(whole))`")
        }

        /// For a flow mapping LibYAML could not read on one line (`{due: f(x, 1)}`): which value to quote.
        func quoting(inFlowMappingAt open: yaml_mark_t, problem: yaml_mark_t) -> String? {
            guard open.line == problem.line else { return nil }
            let line = Array(file.line(open.line + 1).unicodeScalars)
            guard open.column < line.count, line[open.column] == "{" else { return nil }
            // The entries at the mapping's own level, with brackets and quotes kept whole: as meant.
            var entries: [(text: String, end: Int)] = []
            var depth = 0, quote: Unicode.Scalar?, current = ""
            var i = open.column + 1
            scan: while i < line.count {
                let c = line[i]
                if let q = quote {
                    if c == q { quote = nil }
                } else {
                    switch c {
                    case "\"", "'": quote = c
                    case "(", "[", "{": depth += 1
                    case ")", "]": depth -= 1
                    case "}":
                        if depth == 0 { entries.append((current, i)); current = ""; break scan }
                        depth -= 1
                    case "," where depth == 0:
                        entries.append((current, i)); current = ""; i += 1; continue scan
                    default: break
                    }
                }
                current.unicodeScalars.append(c)
                i += 1
            }
            if !current.isEmpty { entries.append((current, line.count)) }
            guard let entry = entries.first(where: { $0.end >= problem.column }) ?? entries.last,
                  let colon = entry.text.range(of: ": ") else { return nil }
            let key = entry.text[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
            let value = entry.text[colon.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, !value.isEmpty else { return nil }
            return "inside `{…}` a comma ends a value: quote the value of `\(key)`, as `\(key): \(Self.quoted(value))`"
        }

        /// The byte offset in UTF-8 `bytes` of the character LibYAML's mark `index` counts to (its
        /// marks count characters, each one to four bytes: a Chinese comment above moves every byte
        /// offset). Moves the cursor forward; an earlier position starts it again from the top.
        mutating func byteOffset(ofCharacter index: Int, in bytes: [UInt8]) -> Int {
            if index < cursor.character { cursor = (0, 0) }
            var (c, b) = cursor
            while c < index, b < bytes.count {
                b += 1
                while b < bytes.count, bytes[b] & 0xC0 == 0x80 { b += 1 }
                c += 1
            }
            cursor = (c, b)
            return b
        }

        /// A value in the quotes YAML reads it back from: single quotes around one holding `"`, else double.
        static func quoted(_ value: String) -> String {
            if value.contains("\"") { return "'" + value.replacingOccurrences(of: "'", with: "''") + "'" }
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\") + "\""
        }

        static func hex(_ v: Int32) -> String {
            let h = String(UInt32(bitPattern: v), radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - h.count)) + h
        }
    }
}
