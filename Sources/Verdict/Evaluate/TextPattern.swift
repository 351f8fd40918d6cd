/// A `pattern:` constraint on a string field, matched in time linear in the text: the pattern is
/// compiled to a Thompson NFA and simulated over the text's Unicode scalars, one set of states at a
/// time, so no input can make it backtrack.
///
/// The syntax is a subset of regular expressions, with the meaning JSON Schema's (ECMA-262) gives
/// it, and always matches the **whole** text (a leading `^` and a trailing `$` may be written; they
/// change nothing):
/// - a character stands for itself, `.` for any character but a line break;
/// - `[abc]`, `[a-z0-9_]`, `[^…]` are classes; `\d` (ASCII digits), `\w` (ASCII letters, digits, `_`),
///   `\s` (white space) and `\D`, `\W`, `\S` their complements, in and out of classes;
/// - `\` before any of `\ . [ ] ( ) { } | * + ? ^ $ -` and `/` makes it literal; `\n`, `\r`, `\t` are line feed,
///   carriage return and tab;
/// - `(…)` groups (`(?:…)` too), `|` separates alternatives;
/// - `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}` repeat what precedes them (counts up to 1000).
/// Back-references, look-around and lazy quantifiers are not in the subset: they are what makes
/// other matchers backtrack.
struct TextPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    let source: String
    /// The same pattern for JSON Schema, whose `pattern` matches anywhere unless anchored: `^(?:…)$`.
    let schemaPattern: String
    private let program: [Step]
    private let classes: [CharacterClass]

    var description: String { source }

    static func == (a: TextPattern, b: TextPattern) -> Bool { a.source == b.source }
    func hash(into h: inout Hasher) { h.combine(source) }

    struct SyntaxError: Error, Sendable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// One NFA instruction.
    private enum Step: Sendable, Hashable {
        case scalar(UInt32)
        case any  // any scalar but a line terminator
        case set(Int)  // classes[i]
        case split(Int, Int)
        case jump(Int)
        case match
    }

    /// Sorted closed ranges of scalar values, possibly negated.
    struct CharacterClass: Sendable, Hashable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool

        func contains(_ c: UInt32) -> Bool {
            var lo = 0, hi = ranges.count - 1
            var found = false
            while lo <= hi {
                let mid = (lo + hi) / 2
                if c < ranges[mid].lowerBound { hi = mid - 1 } else if c > ranges[mid].upperBound { lo = mid + 1 } else { found = true; break }
            }
            return found != negated
        }
    }

    /// The largest program a pattern may compile to (repetition counts multiply its size).
    static let maxSteps = 20_000

    init(_ source: String) throws(SyntaxError) {
        self.source = source
        var parser = Parser(Array(source.unicodeScalars))
        let tree = try parser.parse()
        var compiler = Compiler()
        try compiler.emit(tree)
        compiler.steps.append(.match)
        program = compiler.steps
        classes = parser.classes
        let scalars = Array(source.unicodeScalars)
        let body = scalars[(parser.anchoredStart ? 1 : 0)..<(scalars.count - (parser.anchoredEnd ? 1 : 0))]
        schemaPattern = "^(?:" + String(String.UnicodeScalarView(body)) + ")$"
    }

    /// Whether the whole text matches.
    func matches(_ text: String) -> Bool {
        var current = StateSet(capacity: program.count), next = StateSet(capacity: program.count)
        add(0, to: &current)
        for scalar in text.unicodeScalars {
            let c = scalar.value
            next.clear()
            for k in 0..<current.count {
                let pc = current.dense[k]
                switch program[pc] {
                case .scalar(let s): if s == c { add(pc + 1, to: &next) }
                case .any: if !Self.isLineTerminator(c) { add(pc + 1, to: &next) }
                case .set(let i): if classes[i].contains(c) { add(pc + 1, to: &next) }
                default: break
                }
            }
            swap(&current, &next)
            if current.count == 0 { return false }
        }
        for k in 0..<current.count where program[current.dense[k]] == .match { return true }
        return false
    }

    /// A random text the pattern matches, for generated cases: a walk through the automaton that
    /// takes the first branch at each choice while the text is shorter than `minLength`, a random
    /// one until it is `maxLength` long, then always the branch that leaves a repetition (or takes
    /// the last alternative), so the text is as long as the bounds ask when the pattern allows.
    /// `random(n)` is uniform in `0..<n`. Nil when the walk meets a class it cannot pick a character
    /// from (a negated class excluding all of printable ASCII) or runs too long.
    func sample(minLength: Int, maxLength: Int, _ random: (UInt64) -> UInt64) -> String? {
        var out = String.UnicodeScalarView()
        var pc = 0, count = 0, steps = 0
        while steps < 100_000 {
            steps += 1
            switch program[pc] {
            case .match: return String(out)
            case .jump(let to): pc = to
            case let .split(a, b): pc = count < minLength ? a : count < maxLength && random(2) == 0 ? a : b
            case .scalar(let c):
                guard let u = Unicode.Scalar(c) else { return nil }
                out.append(u)
                count += 1
                pc += 1
            case .any:
                out.append(Unicode.Scalar(UInt8(0x21 + random(0x7E - 0x21 + 1))))
                count += 1
                pc += 1
            case .set(let i):
                guard let c = Self.pick(classes[i], random), let u = Unicode.Scalar(c) else { return nil }
                out.append(u)
                count += 1
                pc += 1
            }
        }
        return nil
    }

    /// A random character of a class: from one of its ranges (printable ASCII first when a range
    /// holds some), or for a negated class a printable ASCII character outside it.
    private static func pick(_ c: CharacterClass, _ random: (UInt64) -> UInt64) -> UInt32? {
        let printable: ClosedRange<UInt32> = 0x21...0x7E
        if c.negated {
            let allowed = printable.filter { c.contains($0) }
            return allowed.isEmpty ? nil : allowed[Int(random(UInt64(allowed.count)))]
        }
        guard !c.ranges.isEmpty else { return nil }
        let ascii = c.ranges.compactMap { $0.overlaps(printable) ? $0.clamped(to: printable) : nil }
        let pool = ascii.isEmpty ? c.ranges.filter { !(0xD800...0xDFFF).contains($0.lowerBound) } : ascii
        guard !pool.isEmpty else { return nil }
        let r = pool[Int(random(UInt64(pool.count)))]
        return r.lowerBound + UInt32(random(UInt64(r.upperBound - r.lowerBound) + 1))
    }

    /// Adds a state and everything it reaches without reading (an explicit stack: no recursion).
    private func add(_ start: Int, to set: inout StateSet) {
        var stack = [start]
        while let pc = stack.popLast() {
            guard set.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let to): stack.append(to)
            case let .split(a, b):
                stack.append(b)
                stack.append(a)
            default: break
            }
        }
    }

    static func isLineTerminator(_ c: UInt32) -> Bool { c == 10 || c == 13 || c == 0x2028 || c == 0x2029 }

    /// A sparse set of program counters: clear in O(1), insert and test in O(1).
    private struct StateSet {
        var dense: [Int]
        var sparse: [Int]
        var count = 0

        init(capacity: Int) {
            dense = [Int](repeating: 0, count: capacity)
            sparse = [Int](repeating: 0, count: capacity)
        }

        mutating func clear() { count = 0 }

        /// False when it was already in the set.
        mutating func insert(_ x: Int) -> Bool {
            let i = sparse[x]
            if i < count, dense[i] == x { return false }
            sparse[x] = count
            dense[count] = x
            count += 1
            return true
        }
    }

    // MARK: Parsing

    private indirect enum Node {
        case empty
        case scalar(UInt32)
        case any
        case set(Int)
        case concat([Node])
        case alternate([Node])
        case `repeat`(Node, min: Int, max: Int?)
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var classes: [CharacterClass] = []

        init(_ s: [Unicode.Scalar]) { self.s = s }

        static let digits: [ClosedRange<UInt32>] = [48...57]
        static let word: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]
        static let space: [ClosedRange<UInt32>] = [9...13, 32...32, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
                                                   0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF]
        static let literalEscapes = Set("\\.[](){}|*+?^$-/".unicodeScalars.map(\.value))

        func fail(_ message: String) -> SyntaxError {
            SyntaxError(message: "pattern `\(String(String.UnicodeScalarView(s)))`: \(message) (at character \(i + 1))")
        }

        /// Whether the pattern was written with a leading `^` or a trailing `$`.
        var anchoredStart = false, anchoredEnd = false

        mutating func parse() throws(SyntaxError) -> Node {
            if i < s.count, s[i] == "^" { i += 1; anchoredStart = true }
            let node = try alternation()
            if i < s.count, s[i] == "$", i == s.count - 1 { i += 1; anchoredEnd = true }
            if i < s.count { throw fail(s[i] == ")" ? "`)` without `(`" : "unexpected `\(s[i])`") }
            return node
        }

        mutating func alternation() throws(SyntaxError) -> Node {
            var options = [try concatenation()]
            while i < s.count, s[i] == "|" {
                i += 1
                options.append(try concatenation())
            }
            return options.count == 1 ? options[0] : .alternate(options)
        }

        mutating func concatenation() throws(SyntaxError) -> Node {
            var items: [Node] = []
            while i < s.count, s[i] != "|", s[i] != ")" {
                if s[i] == "$", i == s.count - 1 { break }
                var atom = try self.atom()
                var repeated = false
                while i < s.count, "*+?{".unicodeScalars.contains(s[i]) {
                    if repeated, s[i] == "?" { throw fail("lazy repetition is not supported (the whole text is matched, so it would change nothing)") }
                    if repeated { throw fail("a repetition cannot repeat directly; group it with `(…)`") }
                    guard let q = try quantifier() else { break }
                    atom = .repeat(atom, min: q.0, max: q.1)
                    repeated = true
                }
                items.append(atom)
            }
            return items.isEmpty ? .empty : items.count == 1 ? items[0] : .concat(items)
        }

        mutating func quantifier() throws(SyntaxError) -> (Int, Int?)? {
            switch s[i] {
            case "*": i += 1; return (0, nil)
            case "+": i += 1; return (1, nil)
            case "?":
                i += 1
                return (0, 1)
            case "{":
                i += 1
                let lo = try number()
                var hi: Int? = lo
                if i < s.count, s[i] == "," {
                    i += 1
                    if i < s.count, s[i] != "}" { hi = try number() } else { hi = nil }
                }
                guard i < s.count, s[i] == "}" else { throw fail("expected `}` to close a repetition count") }
                i += 1
                if let hi, hi < lo { throw fail("repetition `{\(lo),\(hi)}` has its maximum below its minimum") }
                if (hi ?? lo) > 1000 { throw fail("repetition counts are at most 1000") }
                return (lo, hi)
            default: return nil
            }
        }

        mutating func number() throws(SyntaxError) -> Int {
            var n = 0, any = false
            while i < s.count, s[i].value >= 48, s[i].value <= 57 {
                n = min(n * 10 + Int(s[i].value - 48), 100_000)
                any = true
                i += 1
            }
            guard any else { throw fail("expected a number in a repetition count") }
            return n
        }

        mutating func atom() throws(SyntaxError) -> Node {
            let c = s[i]
            switch c {
            case "(":
                i += 1
                if i + 1 < s.count, s[i] == "?", s[i + 1] == ":" { i += 2 } else if i < s.count, s[i] == "?" {
                    throw fail("look-around and named groups are not supported")
                }
                let inner = try alternation()
                guard i < s.count, s[i] == ")" else { throw fail("expected `)`") }
                i += 1
                return inner
            case ".":
                i += 1
                return .any
            case "[":
                return .set(try characterClass())
            case "\\":
                i += 1
                guard i < s.count else { throw fail("`\\` at the end") }
                if let ranges = Self.classEscape(s[i]) {
                    i += 1
                    return .set(add(CharacterClass(ranges: ranges.ranges, negated: ranges.negated)))
                }
                return .scalar(try escaped())
            case "*", "+", "?", "{":
                throw fail("`\(c)` has nothing to repeat")
            case "^", "$":
                throw fail("`\(c)` may only begin or end the pattern (patterns match the whole text)")
            case "]", "}":
                throw fail("write `\\\(c)` for a literal `\(c)`")
            default:
                i += 1
                return .scalar(c.value)
            }
        }

        /// After `\`: a literal (`\.`), or `\n`, `\r`, `\t`.
        mutating func escaped() throws(SyntaxError) -> UInt32 {
            let c = s[i]
            switch c {
            case "n", "r", "t":
                i += 1
                return c == "n" ? 10 : c == "r" ? 13 : 9
            default:
                if c.value >= 49, c.value <= 57 {
                    throw fail("back-references (`\\\(c)`) are not supported: they cannot be matched without backtracking")
                }
                guard Self.literalEscapes.contains(c.value) else { throw fail("unknown escape `\\\(c)`") }
                i += 1
                return c.value
            }
        }

        static func classEscape(_ c: Unicode.Scalar) -> (ranges: [ClosedRange<UInt32>], negated: Bool)? {
            switch c {
            case "d": return (digits, false)
            case "D": return (digits, true)
            case "w": return (word, false)
            case "W": return (word, true)
            case "s": return (space, false)
            case "S": return (space, true)
            default: return nil
            }
        }

        mutating func add(_ c: CharacterClass) -> Int {
            classes.append(c)
            return classes.count - 1
        }

        mutating func characterClass() throws(SyntaxError) -> Int {
            i += 1  // [
            var negated = false
            if i < s.count, s[i] == "^" { negated = true; i += 1 }
            var ranges: [ClosedRange<UInt32>] = []
            var first = true
            while true {
                guard i < s.count else { throw fail("expected `]` to close a class") }
                if s[i] == "]", !first { i += 1; break }
                if s[i] == "]" { throw fail("an empty class `[]` matches nothing; write `\\]` for a literal `]`") }
                first = false
                let lo: UInt32
                if s[i] == "\\" {
                    i += 1
                    guard i < s.count else { throw fail("`\\` at the end") }
                    if let e = Self.classEscape(s[i]) {
                        i += 1
                        ranges += e.negated ? Self.complement(e.ranges) : e.ranges
                        continue
                    }
                    lo = try escaped()
                } else {
                    lo = s[i].value
                    i += 1
                }
                if i + 1 < s.count, s[i] == "-", s[i + 1] != "]" {
                    i += 1
                    let hi: UInt32
                    if s[i] == "\\" {
                        i += 1
                        guard i < s.count else { throw fail("`\\` at the end") }
                        if Self.classEscape(s[i]) != nil { throw fail("a range cannot end in a class escape") }
                        hi = try escaped()
                    } else {
                        hi = s[i].value
                        i += 1
                    }
                    guard lo <= hi else { throw fail("range is out of order") }
                    ranges.append(lo...hi)
                } else {
                    ranges.append(lo...lo)
                }
            }
            return add(CharacterClass(ranges: Self.normalise(ranges), negated: negated))
        }

        static func normalise(_ r: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var out: [ClosedRange<UInt32>] = []
            for x in r.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                if let last = out.last, x.lowerBound <= last.upperBound &+ 1 {
                    out[out.count - 1] = last.lowerBound...max(last.upperBound, x.upperBound)
                } else {
                    out.append(x)
                }
            }
            return out
        }

        static func complement(_ r: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
            var out: [ClosedRange<UInt32>] = []
            var next: UInt32 = 0
            for x in normalise(r) {
                if x.lowerBound > next { out.append(next...(x.lowerBound - 1)) }
                next = x.upperBound + 1
            }
            if next <= 0x10FFFF { out.append(next...0x10FFFF) }
            return out
        }
    }

    // MARK: Compiling

    private struct Compiler {
        var steps: [Step] = []

        mutating func append(_ s: Step) throws(SyntaxError) -> Int {
            guard steps.count < TextPattern.maxSteps else {
                throw SyntaxError(message: "pattern is too large once its repetitions are expanded (over \(TextPattern.maxSteps) steps)")
            }
            steps.append(s)
            return steps.count - 1
        }

        mutating func emit(_ n: Node) throws(SyntaxError) {
            switch n {
            case .empty: break
            case .scalar(let c): _ = try append(.scalar(c))
            case .any: _ = try append(.any)
            case .set(let i): _ = try append(.set(i))
            case .concat(let items): for x in items { try emit(x) }
            case .alternate(let options):
                // split L1, next; L1: a; jump end; next: split L2, … ; last option without a split.
                var jumps: [Int] = []
                for (k, option) in options.enumerated() {
                    if k < options.count - 1 {
                        let split = try append(.split(0, 0))
                        try emit(option)
                        jumps.append(try append(.jump(0)))
                        steps[split] = .split(split + 1, steps.count)
                    } else {
                        try emit(option)
                    }
                }
                for j in jumps { steps[j] = .jump(steps.count) }
            case let .repeat(inner, lo, hi):
                for _ in 0..<lo { try emit(inner) }
                if let hi {
                    // Each optional copy: split into it or past all the rest.
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(try append(.split(0, 0)))
                        try emit(inner)
                    }
                    for sp in splits { steps[sp] = .split(sp + 1, steps.count) }
                } else {
                    // L: split body, end; body; jump L.
                    let split = try append(.split(0, 0))
                    try emit(inner)
                    _ = try append(.jump(split))
                    steps[split] = .split(split + 1, steps.count)
                }
            }
        }
    }
}
