/// Parses the expression language.
///
/// ```
/// expr    := or
/// or      := and ("or" and)*
/// and     := not ("and" not)*
/// not     := "not" not | compare
/// compare := sum (("=="|"!="|"<"|"<="|">"|">=") sum | ["not"] "in" set)?
/// set     := range | list | sum
/// range   := ("["|"(") sum ".." sum ("]"|")")
/// sum     := unary (("+"|"-") unary)*
/// unary   := "-" unary | primary
/// primary := number | duration | string | "true" | "false" | name | name "(" args ")" | "(" expr ")" | list
/// ```
struct ExprParser {
    struct Failure: Error {
        var message: String
        var start: Int
        var end: Int
        var help: String?
    }

    private enum Token: Equatable {
        case name(String), number(String), duration(String), string(String)
        case op(String)
        case end
    }

    private var tokens: [(token: Token, start: Int, end: Int)] = []
    private var p = 0
    /// How deep the parser has recursed (parentheses, `not`, unary minus, calls, lists and ranges).
    private var nesting = 0

    /// The deepest an expression may nest, counting each operator of a chain (`a and b and c` is 3):
    /// enough for any rule a person writes, and a bound on every later pass's recursion.
    static let maxDepth = 100

    /// A node, refused when it nests deeper than ``maxDepth``.
    private func node(_ kind: ExprSyntax.Kind, start: Int, end: Int) throws(Failure) -> ExprSyntax {
        let e = ExprSyntax(kind: kind, start: start, end: end)
        if e.depth > Self.maxDepth { throw tooDeep(start, end) }
        return e
    }

    private func tooDeep(_ start: Int, _ end: Int) -> Failure {
        Failure(message: "expression nests too deeply (more than \(Self.maxDepth) levels)", start: start, end: max(end, start + 1),
                help: "split it: give parts their own rules, or list conditions under `when:` (each must hold)")
    }

    /// Parses `text`; the error's offsets are in Unicode scalars.
    static func parse(_ text: String) throws(Failure) -> ExprSyntax {
        var parser = ExprParser()
        try parser.lex(Array(text.unicodeScalars))
        let e = try parser.expr()
        guard case .end = parser.peek else {
            let t = parser.tokens[parser.p]
            throw Failure(message: "unexpected `\(parser.describe(t.token))` after the end of the expression",
                          start: t.start, end: t.end,
                          help: parser.describe(t.token) == "=" ? "compare with `==`" : "join conditions with `and` or `or`")
        }
        return e
    }

    // MARK: Lexer

    private mutating func lex(_ s: [Unicode.Scalar]) throws(Failure) {
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1; continue }
            let start = i
            if ("0"..."9").contains(c) {
                while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
                if i + 1 < s.count, s[i] == ".", ("0"..."9").contains(s[i + 1]) {
                    i += 1
                    while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
                }
                if i < s.count, isNameStart(s[i]) {
                    while i < s.count, isName(s[i]) { i += 1 }
                    tokens.append((.duration(text(s, start, i)), start, i))
                } else {
                    tokens.append((.number(text(s, start, i)), start, i))
                }
                continue
            }
            if isNameStart(c) {
                while i < s.count, isName(s[i]) { i += 1 }
                tokens.append((.name(text(s, start, i)), start, i))
                continue
            }
            if c == "\"" || c == "'" {
                i += 1
                var value = ""
                while i < s.count, s[i] != c {
                    if s[i] == "\\", i + 1 < s.count { i += 1 }
                    value.unicodeScalars.append(s[i])
                    i += 1
                }
                guard i < s.count else { throw Failure(message: "unterminated string", start: start, end: s.count) }
                i += 1
                tokens.append((.string(value), start, i))
                continue
            }
            let two = i + 1 < s.count ? text(s, i, i + 2) : ""
            if ["==", "!=", "<=", ">=", "..", "&&", "||"].contains(two) {
                i += 2
                tokens.append((.op(two), start, i))
                continue
            }
            if "<>+-()[],=!".unicodeScalars.contains(c) {
                i += 1
                tokens.append((.op(String(c)), start, i))
                continue
            }
            throw Failure(message: "unexpected character `\(c)`", start: i, end: i + 1)
        }
        tokens.append((.end, s.count, s.count))
    }

    private func text(_ s: [Unicode.Scalar], _ a: Int, _ b: Int) -> String {
        var out = ""
        out.unicodeScalars.append(contentsOf: s[a..<b])
        return out
    }

    private func describe(_ t: Token) -> String {
        switch t {
        case .name(let n), .number(let n), .duration(let n), .op(let n): return n
        case .string(let s): return "\"\(s)\""
        case .end: return "end of expression"
        }
    }

    // MARK: Parser

    private var peek: Token { tokens[p].token }
    private var here: (token: Token, start: Int, end: Int) { tokens[p] }

    private mutating func take(_ op: String) -> Bool {
        if case .op(op) = peek { p += 1; return true }
        return false
    }

    private mutating func takeWord(_ w: String) -> Bool {
        if case .name(w) = peek { p += 1; return true }
        return false
    }

    private func fail(_ message: String, help: String? = nil) -> Failure {
        let t = here
        return Failure(message: message, start: t.start, end: max(t.end, t.start + 1), help: help)
    }

    private mutating func expect(_ op: String, _ what: String) throws(Failure) {
        guard take(op) else { throw fail("expected `\(op)` \(what), found `\(describe(peek))`") }
    }

    private mutating func expr() throws(Failure) -> ExprSyntax {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxDepth { throw tooDeep(here.start, here.end) }
        return try or()
    }

    private mutating func or() throws(Failure) -> ExprSyntax {
        var lhs = try and()
        while true {
            if case .op("||") = peek { throw fail("use `or` instead of `||`") }
            guard takeWord("or") else { return lhs }
            let rhs = try and()
            lhs = try node(.or(lhs, rhs), start: lhs.start, end: rhs.end)
        }
    }

    private mutating func and() throws(Failure) -> ExprSyntax {
        var lhs = try not()
        while true {
            if case .op("&&") = peek { throw fail("use `and` instead of `&&`") }
            guard takeWord("and") else { return lhs }
            let rhs = try not()
            lhs = try node(.and(lhs, rhs), start: lhs.start, end: rhs.end)
        }
    }

    private mutating func not() throws(Failure) -> ExprSyntax {
        let start = here.start
        if case .op("!") = peek { throw fail("use `not` instead of `!`") }
        if takeWord("not") {
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Self.maxDepth { throw tooDeep(start, here.end) }
            let e = try not()
            return try node(.not(e), start: start, end: e.end)
        }
        return try compare()
    }

    private mutating func compare() throws(Failure) -> ExprSyntax {
        let lhs = try sum()
        if case .op(let o) = peek, let op = CompareOp(rawValue: o) {
            p += 1
            let rhs = try sum()
            return try node(.compare(op, lhs, rhs), start: lhs.start, end: rhs.end)
        }
        if case .op("=") = peek { throw fail("use `==` to compare", help: "`=` is not an operator; write `==`") }
        var negated = false
        if case .name("not") = peek, p + 1 < tokens.count, tokens[p + 1].token == .name("in") {
            p += 1
            negated = true
        }
        if takeWord("in") {
            let rhs = try setOperand()
            return try node(.member(lhs, rhs, negated: negated), start: lhs.start, end: rhs.end)
        }
        return lhs
    }

    /// After `in`: a range `[a..b]`/`(a..b)`, a list `[a, b]`, or any other operand (a set name).
    private mutating func setOperand() throws(Failure) -> ExprSyntax {
        let open = here
        guard case .op(let o) = open.token, o == "[" || o == "(" else { return try sum() }
        // A list or range nests like parentheses (`[[[…]]]` recurses here through `sum`): counted the same.
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxDepth { throw tooDeep(open.start, open.end) }
        p += 1
        if o == "[", take("]") { return try node(.list([]), start: open.start, end: tokens[p - 1].end) }
        let first = try sum()
        if take("..") {
            let second = try sum()
            let close = here
            guard case .op(let c) = close.token, c == "]" || c == ")" else {
                throw fail("expected `]` or `)` to close the range")
            }
            p += 1
            return try node(.range(lower: first, lowerInclusive: o == "[", upper: second, upperInclusive: c == "]"),
                              start: open.start, end: close.end)
        }
        if o == "(" {
            try expect(")", "to close the parenthesis")
            return first
        }
        var items = [first]
        while take(",") { items.append(try sum()) }
        try expect("]", "to close the list")
        return try node(.list(items), start: open.start, end: tokens[p - 1].end)
    }

    private mutating func sum() throws(Failure) -> ExprSyntax {
        var lhs = try unary()
        while case .op(let o) = peek, let op = ArithOp(rawValue: o) {
            p += 1
            let rhs = try unary()
            lhs = try node(.arith(op, lhs, rhs), start: lhs.start, end: rhs.end)
        }
        return lhs
    }

    private mutating func unary() throws(Failure) -> ExprSyntax {
        let start = here.start
        if take("-") {
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Self.maxDepth { throw tooDeep(start, here.end) }
            let e = try unary()
            return try node(.negate(e), start: start, end: e.end)
        }
        return try primary()
    }

    private mutating func primary() throws(Failure) -> ExprSyntax {
        let t = here
        switch t.token {
        case .number(let n): p += 1; return try node(.number(n), start: t.start, end: t.end)
        case .duration(let d): p += 1; return try node(.duration(d), start: t.start, end: t.end)
        case .string(let s): p += 1; return try node(.string(s), start: t.start, end: t.end)
        case .name("true"): p += 1; return try node(.bool(true), start: t.start, end: t.end)
        case .name("false"): p += 1; return try node(.bool(false), start: t.start, end: t.end)
        case .name(let n) where ["and", "or", "not", "in"].contains(n):
            throw fail("expected a value, found the keyword `\(n)`")
        case .name(let n):
            p += 1
            if take("(") {
                var args: [ExprSyntax] = []
                if !take(")") {
                    repeat { args.append(try expr()) } while take(",")
                    try expect(")", "to close the call to `\(n)`")
                }
                return try node(.call(n, args), start: t.start, end: tokens[p - 1].end)
            }
            return try node(.name(n), start: t.start, end: t.end)
        case .op("("):
            p += 1
            let e = try expr()
            try expect(")", "to close the parenthesis")
            return try node(e.kind, start: t.start, end: tokens[p - 1].end)
        case .op("["):
            return try setOperand()
        case .end:
            throw fail(t.start == 0 ? "empty expression" : "expression ends too soon")
        case .op(let o):
            throw fail("unexpected `\(o)`")
        }
    }
}
