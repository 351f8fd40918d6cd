import CYaml
import Verdict

/// A YAML node of a policy file with the exact bytes it was written in: what the import rewrites.
///
/// Read from LibYAML's event stream (through Yams' CYaml, the parser the library's Syntax stage uses),
/// keeping for every node its start and end as byte offsets into the file, so that an import can
/// replace one scalar, one list or one rule and leave every other byte of the file as it was.
struct SpanNode: Sendable {
    enum Kind: Sendable {
        case scalar(String, plain: Bool)
        case mapping([(key: SpanNode, value: SpanNode)])
        case sequence([SpanNode])
    }
    var kind: Kind
    /// Byte offsets of the node in the file: `start..<end`.
    var start: Int
    var end: Int
    /// 1-based line and column of the start.
    var line: Int
    var column: Int
    /// Written `{…}` or `[…]`.
    var flow: Bool
    /// Inside a flow collection, where `,[]{}` end a plain scalar.
    var inFlow = false

    var scalar: String? { if case let .scalar(s, _) = kind { return s } else { return nil } }
    var isNull: Bool { if case let .scalar(s, plain) = kind { return plain && (s.isEmpty || s == "~" || s == "null") } else { return false } }

    /// The value of `key` in a mapping.
    subscript(key: String) -> SpanNode? {
        guard case let .mapping(pairs) = kind else { return nil }
        return pairs.first { $0.key.scalar == key }?.value
    }
    /// The key node of `key` in a mapping.
    func keyNode(_ key: String) -> SpanNode? {
        guard case let .mapping(pairs) = kind else { return nil }
        return pairs.first { $0.key.scalar == key }?.key
    }
    var pairs: [(key: SpanNode, value: SpanNode)] { if case let .mapping(p) = kind { return p } else { return [] } }
    var items: [SpanNode] { if case let .sequence(i) = kind { return i } else { return [] } }

    /// The last byte any scalar or flow collection inside this node ends at: a block collection's
    /// end mark is where the next token starts, which may be lines further on.
    var contentEnd: Int {
        switch kind {
        case .scalar: return end
        case .mapping(let pairs): return flow ? end : (pairs.last.map { max($0.key.contentEnd, $0.value.contentEnd) } ?? end)
        case .sequence(let items): return flow ? end : (items.last?.contentEnd ?? end)
        }
    }
}

/// Why a file could not be read as YAML for the import.
struct SpanReadError: Error, CustomStringConvertible {
    var description: String
}

/// Reads one file into a ``SpanNode`` tree. Aliases, anchors and tags are refused (policies have none).
enum SpanReader {
    static func read(_ text: String, path: String) throws -> SpanNode {
        let bytes = Array(text.utf8)
        // LibYAML counts characters; the table turns a character index into a byte offset.
        var offsets: [Int] = []
        offsets.reserveCapacity(bytes.count + 1)
        var i = 0
        while i < bytes.count {
            offsets.append(i)
            let b = bytes[i]
            i += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        }
        offsets.append(bytes.count)
        func byte(_ index: Int) -> Int { index < offsets.count ? offsets[index] : bytes.count }

        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SpanReadError(description: "\(path): cannot read YAML: out of memory") }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        struct Open { var node: SpanNode; var children: [SpanNode] }
        var stack: [Open] = []
        var root: SpanNode?
        return try bytes.withUnsafeBufferPointer { buffer -> SpanNode in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            func add(_ n: SpanNode) {
                var n = n
                n.inFlow = stack.contains { $0.node.flow }
                if stack.isEmpty { root = n } else { stack[stack.count - 1].children.append(n) }
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let m = parser.problem_mark
                    throw SpanReadError(description: "\(path):\(m.line + 1):\(m.column + 1): \(parser.problem.map { String(cString: $0) } ?? "YAML syntax error")")
                }
                defer { yaml_event_delete(&event) }
                let s = event.start_mark, e = event.end_mark
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    guard let root else { throw SpanReadError(description: "\(path): the file is empty") }
                    return root
                case YAML_ALIAS_EVENT:
                    throw SpanReadError(description: "\(path):\(s.line + 1):\(s.column + 1): an alias, which policies do not use")
                case YAML_SCALAR_EVENT:
                    let d = event.data.scalar
                    let value = String(decoding: UnsafeBufferPointer(start: d.value, count: d.length), as: UTF8.self)
                    add(SpanNode(kind: .scalar(value, plain: d.style == YAML_PLAIN_SCALAR_STYLE), start: byte(Int(s.index)), end: byte(Int(e.index)),
                                 line: Int(s.line) + 1, column: Int(s.column) + 1, flow: false))
                case YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT:
                    let isMap = event.type == YAML_MAPPING_START_EVENT
                    let flow = isMap ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                    stack.append(Open(node: SpanNode(kind: isMap ? .mapping([]) : .sequence([]), start: byte(Int(s.index)), end: 0,
                                                     line: Int(s.line) + 1, column: Int(s.column) + 1, flow: flow), children: []))
                case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
                    var open = stack.removeLast()
                    open.node.end = byte(Int(e.index))
                    if case .mapping = open.node.kind {
                        var pairs: [(key: SpanNode, value: SpanNode)] = []
                        var k = 0
                        while k + 1 < open.children.count { pairs.append((open.children[k], open.children[k + 1])); k += 2 }
                        open.node.kind = .mapping(pairs)
                    } else {
                        open.node.kind = .sequence(open.children)
                    }
                    add(open.node)
                default:
                    continue
                }
            }
        }
    }
}
