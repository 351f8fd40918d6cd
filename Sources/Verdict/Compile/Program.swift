/// The policy's decisions flattened for the untraced evaluator: plain structs in contiguous memory
/// addressed by index, so evaluating touches no reference counts. (A shared policy's reference
/// counts are atomic; bouncing their cache lines between cores stops threads from scaling.)
///
/// Built once at load time from the same checked model the explanation path walks; the two are
/// kept equal by tests that decide thousands of generated cases both ways.
struct ProgramBuilder {
    enum Op: UInt8, Sendable {
        case constant, field, output, not, and, or
        case eq, ne, lt, le, gt, ge
        case inBits, inList, inRange, contains, present
        case add, subtract, negate, list, workingTime, workingDays
    }

    /// One expression node. `a`, `b`, `c` are indexes whose meaning depends on `op`:
    /// constant/inList/inRange index `constants`; and/or/list index `children`; inBits indexes `words`.
    struct Node: Sendable {
        var op: Op
        var a: Int32 = 0
        var b: Int32 = 0
        var c: Int32 = 0
    }

    struct Rule: Sendable {
        var condition: Int32  // -1: always
        var assignmentStart: Int32
        var assignmentCount: Int32
    }

    struct Assignment: Sendable {
        var output: Int32
        var value: Int32
    }

    struct Override: Sendable {
        var output: Int32
        var condition: Int32  // -1: always
        var exceptionStart: Int32  // into `children`: condition nodes
        var exceptionCount: Int32
        var replacementStart: Int32  // into `constants`: from, to, from, to, ...
        var replacementCount: Int32
    }

    /// A clock target: 0 none, 1 clock time (`amount` ms), 2 working time (`amount` ms), 3 working days (`amount`).
    struct Target: Sendable {
        var kind: UInt8 = 0
        var amount: Int64 = 0
        var calendar: Int32 = -1
    }

    struct Clock: Sendable {
        var condition: Int32  // -1: always
        var start: Int32
        var target: Target
        var atRisk: Target
        var agreed: Int32  // field slot or -1
        var stop: Int32
        var dueOutput: Int32
        var atRiskOutput: Int32
    }

    struct Decision: Sendable {
        var hit: HitPolicy
        var ruleStart: Int32
        var ruleCount: Int32
        var overrideStart: Int32
        var overrideCount: Int32
        var priorityOutput: Int32  // -1: none
        var priorityStart: Int32  // into `constants`, best first
        var priorityCount: Int32
    }

    var nodes: [Node] = []
    var children: [Int32] = []
    var constants: [Value] = []
    var words: [UInt64] = []
    var calendars: [WorkingCalendar] = []
    var rules: [Rule] = []
    var assignments: [Assignment] = []
    var overrides: [Override] = []
    var decisions: [Decision] = []
    var clocks: [Clock] = []

    init(_ model: PolicyModel) {
        for c in model.clocks {
            clocks.append(Clock(condition: c.condition.isAlways ? -1 : emit(c.condition.fast), start: emit(c.start),
                                target: target(c.target), atRisk: c.atRisk.map { target($0) } ?? Target(),
                                agreed: Int32(c.agreed ?? -1), stop: Int32(c.stop ?? -1),
                                dueOutput: Int32(c.dueOutput ?? -1), atRiskOutput: Int32(c.atRiskOutput ?? -1)))
        }
        for d in model.decisions {
            let ruleStart = Int32(rules.count)
            for r in d.rules {
                let start = Int32(assignments.count)
                for a in r.assignments { assignments.append(Assignment(output: Int32(a.output), value: emit(a.value))) }
                rules.append(Rule(condition: r.condition.isAlways ? -1 : emit(r.condition.fast), assignmentStart: start, assignmentCount: Int32(r.assignments.count)))
            }
            let overrideStart = Int32(overrides.count)
            for o in d.overrides {
                let exceptions = o.exceptions.map { emit($0.condition.fast) }
                let exceptionStart = Int32(children.count)
                children.append(contentsOf: exceptions)
                let replacementStart = Int32(constants.count)
                for (f, t) in o.replacements { constants.append(f); constants.append(t) }
                overrides.append(Override(output: Int32(o.output), condition: o.condition.isAlways ? -1 : emit(o.condition.fast),
                                          exceptionStart: exceptionStart, exceptionCount: Int32(exceptions.count),
                                          replacementStart: replacementStart, replacementCount: Int32(o.replacements.count)))
            }
            let priorityStart = Int32(constants.count)
            constants.append(contentsOf: d.priorityOrder)
            decisions.append(Decision(hit: d.hit, ruleStart: ruleStart, ruleCount: Int32(d.rules.count),
                                      overrideStart: overrideStart, overrideCount: Int32(d.overrides.count),
                                      priorityOutput: Int32(d.priorityOutput ?? -1), priorityStart: priorityStart,
                                      priorityCount: Int32(d.priorityOrder.count)))
        }
    }

    private mutating func target(_ t: ClockTarget) -> Target {
        switch t.kind {
        case .clock(let d): return Target(kind: 1, amount: d.milliseconds)
        case let .workingTime(c, d):
            calendars.append(c)
            return Target(kind: 2, amount: d.milliseconds, calendar: Int32(calendars.count - 1))
        case let .workingDays(c, n):
            calendars.append(c)
            return Target(kind: 3, amount: Int64(n), calendar: Int32(calendars.count - 1))
        }
    }

    private mutating func constant(_ v: Value) -> Int32 {
        constants.append(v)
        return Int32(constants.count - 1)
    }

    private mutating func node(_ n: Node) -> Int32 {
        nodes.append(n)
        return Int32(nodes.count - 1)
    }

    private mutating func group(_ items: [Expr]) -> (Int32, Int32) {
        let ids = items.map { emit($0) }
        let start = Int32(children.count)
        children.append(contentsOf: ids)
        return (start, Int32(ids.count))
    }

    /// Appends the nodes of an expression; returns the index of its root.
    mutating func emit(_ e: Expr) -> Int32 {
        switch e {
        case .constant(let v): return node(Node(op: .constant, a: constant(v)))
        case .field(let i): return node(Node(op: .field, a: Int32(i)))
        case .output(let i): return node(Node(op: .output, a: Int32(i)))
        case .span(_, let inner): return emit(inner)
        case .not(let inner): return node(Node(op: .not, a: emit(inner)))
        case .and(let items):
            let (s, n) = group(items)
            return node(Node(op: .and, a: s, b: n))
        case .or(let items):
            let (s, n) = group(items)
            return node(Node(op: .or, a: s, b: n))
        case .list(let items):
            let (s, n) = group(items)
            return node(Node(op: .list, a: s, b: n))
        case let .compare(op, a, b):
            let codes: [CompareOp: Op] = [.eq: .eq, .ne: .ne, .lt: .lt, .le: .le, .gt: .gt, .ge: .ge]
            return node(Node(op: codes[op]!, a: emit(a), b: emit(b)))
        case let .inMembers(inner, bits):
            let start = Int32(words.count)
            words.append(contentsOf: bits)
            return node(Node(op: .inBits, a: emit(inner), b: start, c: Int32(bits.count)))
        case let .inList(inner, values):
            let start = Int32(constants.count)
            constants.append(contentsOf: values)
            return node(Node(op: .inList, a: emit(inner), b: start, c: Int32(values.count)))
        case let .inRange(inner, lower, lowerInclusive, upper, upperInclusive):
            let start = Int32(constants.count)
            constants.append(lower)
            constants.append(upper)
            return node(Node(op: .inRange, a: emit(inner), b: start, c: (lowerInclusive ? 1 : 0) | (upperInclusive ? 2 : 0)))
        case let .contains(list, element): return node(Node(op: .contains, a: emit(list), b: emit(element)))
        case .present(let inner): return node(Node(op: .present, a: emit(inner)))
        case let .add(a, b): return node(Node(op: .add, a: emit(a), b: emit(b)))
        case let .subtract(a, b): return node(Node(op: .subtract, a: emit(a), b: emit(b)))
        case .negate(let inner): return node(Node(op: .negate, a: emit(inner)))
        case let .workingTime(c, a, b):
            calendars.append(c)
            return node(Node(op: .workingTime, a: emit(a), b: emit(b), c: Int32(calendars.count - 1)))
        case let .workingDays(c, a, b):
            calendars.append(c)
            return node(Node(op: .workingDays, a: emit(a), b: emit(b), c: Int32(calendars.count - 1)))
        }
    }
}

/// Memory for one array of the flat program, allocated once and freed with the policy.
final class FlatArray<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
    private let allocation: UnsafeMutablePointer<Element>

    init(_ array: [Element]) {
        allocation = UnsafeMutablePointer<Element>.allocate(capacity: max(array.count, 1))
        let b = UnsafeMutableBufferPointer(start: allocation, count: array.count)
        _ = b.initialize(from: array)
        buffer = UnsafeBufferPointer(b)
    }

    deinit {
        allocation.deinitialize(count: buffer.count)
        allocation.deallocate()
    }
}

/// The flat program, immutable after load. Its buffers are plain pointers: reading them counts nothing.
/// `@unchecked Sendable`: the memory is written once in `init` and only read afterwards.
final class Program: @unchecked Sendable {
    typealias Node = ProgramBuilder.Node
    let nodes: UnsafeBufferPointer<ProgramBuilder.Node>
    let children: UnsafeBufferPointer<Int32>
    let constants: UnsafeBufferPointer<Value>
    let words: UnsafeBufferPointer<UInt64>
    let rules: UnsafeBufferPointer<ProgramBuilder.Rule>
    let assignments: UnsafeBufferPointer<ProgramBuilder.Assignment>
    let overrides: UnsafeBufferPointer<ProgramBuilder.Override>
    let decisions: UnsafeBufferPointer<ProgramBuilder.Decision>
    let clocks: UnsafeBufferPointer<ProgramBuilder.Clock>
    let calendars: UnsafeBufferPointer<WorkingCalendar>
    let clockNames: UnsafeBufferPointer<String>
    private let owners: [AnyObject & Sendable]

    init(_ model: PolicyModel) {
        let b = ProgramBuilder(model)
        let n = FlatArray(b.nodes), ch = FlatArray(b.children), co = FlatArray(b.constants), w = FlatArray(b.words)
        let r = FlatArray(b.rules), a = FlatArray(b.assignments), o = FlatArray(b.overrides), d = FlatArray(b.decisions), c = FlatArray(b.clocks)
        let cal = FlatArray(b.calendars), names = FlatArray(model.clocks.map(\.name))
        nodes = n.buffer
        children = ch.buffer
        constants = co.buffer
        words = w.buffer
        rules = r.buffer
        assignments = a.buffer
        overrides = o.buffer
        decisions = d.buffer
        clocks = c.buffer
        calendars = cal.buffer
        clockNames = names.buffer
        owners = [n, ch, co, w, r, a, o, d, c, cal, names]
    }
}
