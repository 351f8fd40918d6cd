import Testing
@testable import Verdict

@Suite("Expression parser")
struct ExprParserTests {
    /// Renders a parsed expression back in a fully parenthesised form.
    func show(_ e: ExprSyntax) -> String {
        switch e.kind {
        case .name(let n), .number(let n), .duration(let n): return n
        case .string(let s): return "\"\(s)\""
        case .bool(let b): return String(b)
        case .not(let x): return "(not \(show(x)))"
        case .negate(let x): return "(-\(show(x)))"
        case let .and(a, b): return "(\(show(a)) and \(show(b)))"
        case let .or(a, b): return "(\(show(a)) or \(show(b)))"
        case let .arith(op, a, b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
        case let .compare(op, a, b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
        case let .member(a, b, neg): return "(\(show(a)) \(neg ? "not in" : "in") \(show(b)))"
        case let .range(lo, li, hi, hiIncl): return "\(li ? "[" : "(")\(show(lo))..\(show(hi))\(hiIncl ? "]" : ")")"
        case .list(let items): return "[" + items.map(show).joined(separator: ", ") + "]"
        case let .call(n, args): return "\(n)(" + args.map(show).joined(separator: ", ") + ")"
        }
    }

    @Test("precedence and forms", arguments: [
        ("a or b and c", "(a or (b and c))"),
        ("not a and b", "((not a) and b)"),
        ("cost in (300..1000]", "(cost in (300..1000])"),
        ("cost in [0..300)", "(cost in [0..300))"),
        ("problem not in malignant", "(problem not in malignant)"),
        ("problem in [fly, needle]", "(problem in [fly, needle])"),
        ("resolved_at + 5d", "(resolved_at + 5d)"),
        ("received_at + 1d12h <= now", "((received_at + 1d12h) <= now)"),
        ("region == \"Henan\" and not (branch == \"Zhengzhou\")", "((region == \"Henan\") and (not (branch == \"Zhengzhou\")))"),
        ("present(resolved_at)", "present(resolved_at)"),
        ("cost > -5", "(cost > (-5))"),
        ("地区 == \"河南\"", "(地区 == \"河南\")"),
    ])
    func parses(_ input: String, _ expected: String) throws {
        #expect(show(try ExprParser.parse(input)) == expected)
    }

    @Test("errors point at the offending token", arguments: [
        ("cost = 300", 5, "use `==` to compare"),
        ("a && b", 2, "use `and` instead of `&&`"),
        ("cost in (300..1000", 18, "expected `]` or `)` to close the range"),
        ("", 0, "empty expression"),
        ("a b", 2, "unexpected `b` after the end of the expression"),
        ("cost > \"300", 7, "unterminated string"),
        ("cost # 3", 5, "unexpected character `#`"),
    ])
    func errors(_ input: String, _ offset: Int, _ message: String) {
        do {
            _ = try ExprParser.parse(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.start == offset)
            #expect(error.message == message)
        }
    }

    @Test func spansCoverTheirText() throws {
        let e = try ExprParser.parse("tier == 1 and cost <= 100")
        guard case let .and(a, b) = e.kind else { Issue.record("not an and"); return }
        #expect((a.start, a.end) == (0, 9))
        #expect((b.start, b.end) == (14, 25))
    }

    @Test("nesting deeper than the limit is a located error, never a crash", arguments: [
        String(repeating: "(", count: 7000) + "a" + String(repeating: ")", count: 7000),
        String(repeating: "not ", count: 4000) + "a",
        String(repeating: "-", count: 10000) + "1 > 0",
        (0..<10000).map { "n\($0)" }.joined(separator: " + ") + " > 0",
        (0..<100_000).map { "b\($0)" }.joined(separator: " and "),
    ])
    func tooDeep(_ input: String) {
        do {
            _ = try ExprParser.parse(input)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "expression nests too deeply (more than 100 levels)")
            #expect(error.start >= 0 && error.start < input.unicodeScalars.count)
        }
    }

    @Test func nestingUpToTheLimitParses() throws {
        let e = try ExprParser.parse((0..<100).map { "b\($0)" }.joined(separator: " and "))
        #expect(e.depth == 100)
        #expect(throws: ExprParser.Failure.self) { try ExprParser.parse((0..<101).map { "b\($0)" }.joined(separator: " and ")) }
    }

    @Test("durations that do not fit are refused, not wrapped", arguments: [
        "106751991168d", "9223372036854775807s", "P106751991168D", "PT9223372036854775807H", "106751991166d23h59m59s1000s",
    ])
    func durationOverflow(_ text: String) {
        #expect(throws: TimeFormatError.self) { try ClockDuration(text: text) }
    }

    @Test func durationConstructorsSaturate() {
        #expect(ClockDuration.days(.max).milliseconds == .max)
        #expect(ClockDuration.hours(.min).milliseconds == .min)
        #expect(ClockDuration.minutes(90).description == "1h30m")
    }
}
