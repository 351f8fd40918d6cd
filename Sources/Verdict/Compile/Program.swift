/// The policy's decisions, clocks and measures flattened into plain structs in contiguous memory,
/// addressed by index: the one form the evaluator runs, with or without a tracer. Evaluating it
/// touches no reference counts (a shared policy's reference counts are atomic; bouncing their cache
/// lines between cores stops threads from scaling).
///
/// Built once at load time from the checked model by ``ProgramBuilder``.
final class Program: @unchecked Sendable {
    // `@unchecked Sendable`: the memory is written once in `init` and only read afterwards.
    let instructions: UnsafeBufferPointer<Instruction>
    /// Parallel to `instructions`: the written sub-expression (index into the policy's spans) whose
    /// value an instruction computes, or -1. Only a tracer reads it.
    let spanOfInstruction: UnsafeBufferPointer<Int32>
    let children: UnsafeBufferPointer<Int32>
    let constants: UnsafeBufferPointer<Value>
    /// Parallel to `constants`: each constant's typed-slot form (``Value/scalar``), the immediate the
    /// typed instructions compare with.
    let constantScalars: UnsafeBufferPointer<Int64>
    /// How many field slots come before the output slots in the typed slots (``Program/Instruction``'s
    /// `scalar…` cases address field `i` as `i` and output `o` as `fieldCount + o`).
    let fieldCount: Int
    let words: UnsafeBufferPointer<UInt64>
    let rules: UnsafeBufferPointer<Rule>
    let assignments: UnsafeBufferPointer<Assignment>
    let overrides: UnsafeBufferPointer<Override>
    let chainOperations: UnsafeBufferPointer<Operation>
    let exceptions: UnsafeBufferPointer<Condition>
    /// The written conjuncts of conditions, for explanations (see ``ConjunctTree``).
    let conjunctTrees: UnsafeBufferPointer<ConjunctTree>
    let conjunctChildren: UnsafeBufferPointer<Int32>
    /// For each of the policy's written sub-expressions, the fields and outputs it reads.
    let spanReferences: UnsafeBufferPointer<SpanReferences>
    let references: UnsafeBufferPointer<Int32>
    let decisions: UnsafeBufferPointer<Decision>
    let clocks: UnsafeBufferPointer<Clock>
    let calendars: UnsafeBufferPointer<WorkingCalendar>
    /// `calendars[i].table`, unretained: the arithmetic is called through these without touching the
    /// tables' reference count (the calendars above keep them alive).
    let calendarTables: UnsafeBufferPointer<CalendarReference>
    /// The root instruction of each measure's `of` and `where`, in the policy's order.
    let measures: UnsafeBufferPointer<Measure>
    let clockNames: UnsafeBufferPointer<String>
    /// `calendars[i].name`, read without copying the calendar.
    let calendarNames: UnsafeBufferPointer<String>
    /// The zones the date functions read instants in (the policy's, or a calendar's).
    let zones: UnsafeBufferPointer<Zone>
    /// For each output, its place among the list-typed outputs (the only ones a `collect` table or an
    /// override builds), or -1: where ``Evaluator/lists`` keeps the storage it builds that list in.
    let listOfOutput: UnsafeBufferPointer<Int32>
    /// How many outputs are lists.
    let listCount: Int
    private let owners: [AnyObject & Sendable]

    init(_ b: ProgramBuilder, clockNames: [String]) {
        var owners: [AnyObject & Sendable] = []
        func flat<E>(_ a: [E]) -> UnsafeBufferPointer<E> {
            let f = FlatArray(a)
            owners.append(f)
            return f.buffer
        }
        instructions = flat(b.instructions)
        spanOfInstruction = flat(b.spanOfInstruction)
        children = flat(b.children)
        constants = flat(b.constants)
        constantScalars = flat(b.constants.map(\.scalar))
        fieldCount = b.fieldTypes.count
        words = flat(b.words)
        rules = flat(b.rules)
        assignments = flat(b.assignments)
        overrides = flat(b.overrides)
        chainOperations = flat(b.chainOperations)
        exceptions = flat(b.exceptions)
        conjunctTrees = flat(b.conjunctTrees)
        conjunctChildren = flat(b.conjunctChildren)
        spanReferences = flat(b.spanReferences)
        references = flat(b.references)
        decisions = flat(b.decisions)
        clocks = flat(b.clocks)
        calendars = flat(b.calendars)
        calendarTables = flat(b.calendars.map { CalendarReference($0.table) })
        measures = flat(b.measures)
        self.clockNames = flat(clockNames)
        calendarNames = flat(b.calendars.map(\.name))
        zones = flat(b.zones)
        var lists: [Int32] = []
        var listCount: Int32 = 0
        for t in b.outputTypes {
            if case .list = t {
                lists.append(listCount)
                listCount += 1
            } else {
                lists.append(-1)
            }
        }
        listOfOutput = flat(lists)
        self.listCount = Int(listCount)
        self.owners = owners
    }
}

extension Program {
    /// One step of an expression. Operands are indexes of other instructions unless named otherwise.
    enum Instruction: Sendable {
        case constant(Int32)  // index into `constants`
        case field(Int32)  // a case field's slot
        case output(Int32)  // an output's slot
        case not(Int32)
        /// `children[start..<start+count]` are the operands.
        case and(start: Int32, count: Int32)
        case or(start: Int32, count: Int32)
        case list(start: Int32, count: Int32)
        case compare(CompareOp, Int32, Int32)
        /// A field or output (a ``Slot``) compared with a constant: the commonest condition, in one step.
        case compareSlot(CompareOp, slot: Slot, constant: Int32)
        /// A typed slot (a field `i` as `i`, an output `o` as `fieldCount + o`) whose declared type is
        /// the constant's, compared as `Int64`s with the constant's ``Program/constantScalars`` entry.
        /// Only a slot holding ``Value/noScalar`` (absent, or an integer that is `Int64.min`) is read
        /// as a `Value`.
        case scalarCompare(CompareOp, slot: Int32, constant: Int32)
        /// An enum-typed slot's member id in a constant set (`words[start..<start+count]`), read as a typed slot.
        case scalarInBits(slot: Int32, start: Int32, count: Int32)
        /// A typed slot in a range whose bounds are constants of its type (`constants[bounds]`, `[bounds + 1]`).
        case scalarInRange(slot: Int32, bounds: Int32, lowerInclusive: Bool, upperInclusive: Bool)
        /// A `bool` field or output read as a typed slot (1 true, 0 false).
        case scalarBool(slot: Int32)
        /// A typed slot plus or minus a constant (`constants[constant]`), computed on the `Int64`s
        /// (`resolved_at + 5d`, `cost - 100`): a timestamp or duration slot with a duration, an integer
        /// with an integer, money with money. The result's kind is `result`; an overflow (or a time
        /// out of range) is a failure, as ``Value/add(_:_:)`` and ``Value/subtract(_:_:)`` say.
        case scalarArithmetic(slot: Int32, constant: Int32, subtract: Bool, result: ArithmeticResult)
        /// A field or output that is an enum member, in a constant set (`problem in malignant_matter`).
        case slotInBits(Slot, start: Int32, count: Int32)
        /// An enum member in a constant set: `words[start..<start+count]` is its bitset over member ids.
        case inBits(Int32, start: Int32, count: Int32)
        /// A value in a constant list: `constants[start..<start+count]`.
        case inList(Int32, start: Int32, count: Int32)
        /// A value in a range: `constants[bounds]` and `constants[bounds + 1]`.
        case inRange(Int32, bounds: Int32, lowerInclusive: Bool, upperInclusive: Bool)
        case contains(list: Int32, element: Int32)
        case present(Int32)
        case add(Int32, Int32)
        case subtract(Int32, Int32)
        case negate(Int32)
        /// A timestamp plus working time in `calendars[calendar]`.
        case workingTime(calendar: Int32, start: Int32, amount: Int32)
        /// The end of the N-th working day after a timestamp's date, in `calendars[calendar]`.
        case workingDays(calendar: Int32, start: Int32, amount: Int32)
        /// A part of an instant read in `zones[zone]`, or of a date; months and weekdays are members
        /// numbered from `members`.
        case datePart(DatePart, zone: Int16, operand: Int32, members: Int32)
        case daysBetween(Int32, Int32)
        case isWorkingTime(calendar: Int32, Int32)
        case isWorkingDay(calendar: Int32, Int32)
    }

    /// The reference-counted values an evaluation copies out of the program: the constants outputs
    /// are assigned from (strings, lists such as a signer chain) and the names clock results carry.
    /// A ``Decider`` has its own copies, so their reference counts are not shared between threads
    /// (an atomic count that two cores both write bounces between them on every decision).
    struct CountedValues: @unchecked Sendable {
        var constants: UnsafeBufferPointer<Value>
        var clocks: UnsafeBufferPointer<String>
        var calendars: UnsafeBufferPointer<String>
    }

    var countedValues: CountedValues { CountedValues(constants: constants, clocks: clockNames, calendars: calendarNames) }

    /// A calendar's tables, unretained (see ``Program/calendarTables``).
    struct CalendarReference: @unchecked Sendable {
        let unretained: Unmanaged<CalendarTable>

        init(_ table: CalendarTable) { unretained = .passUnretained(table) }

        /// Runs `body` with the table, without retaining it.
        @inline(__always)
        func with<R, E: Error>(_ body: (CalendarTable) throws(E) -> R) throws(E) -> R {
            try unretained._withUnsafeGuaranteedRef { table in Result { () throws(E) -> R in try body(table) } }.get()
        }
    }

    /// A field slot (`index` >= 0) or an output slot `o` (as `index == -o - 1`).
    struct Slot: Sendable {
        var index: Int32
    }

    /// A condition's root instruction (or -1: always true), and its conjunct tree (-1: none).
    /// What a ``Instruction/scalarArithmetic(slot:constant:subtract:result:)`` makes of its `Int64`.
    enum ArithmeticResult: UInt8, Sendable {
        case time, duration, integer, money
    }

    struct Condition: Sendable {
        var root: Int32
        var tree: Int32
        static let always = Condition(root: -1, tree: -1)
        var isAlways: Bool { root < 0 }
    }

    /// The written sub-conditions an explanation may point at when a condition is not true: the
    /// first conjunct of an `and` that is not true, and within it its own first, down to the
    /// smallest one written. A node with `span` -1 is an unwritten `and` (a `when:` list).
    /// Children are `conjunctChildren[childStart..<childStart+childCount]`, indexes of other trees.
    struct ConjunctTree: Sendable {
        var span: Int32
        var childStart: Int32
        var childCount: Int32
    }

    struct Rule: Sendable {
        var condition: Condition
        /// Under `priority`: the position of the rule's constant priority value in the declared order
        /// (`Int32.max`: not in it), or -1 when the value is computed and must be ranked per case.
        var priorityRank: Int32 = -1
        /// `assignments[assignmentStart..<assignmentStart+assignmentCount]`.
        var assignmentStart: Int32
        var assignmentCount: Int32
    }

    struct Assignment: Sendable {
        var output: Int32
        var value: Int32
        /// The constant assigned (an index into `constants`), or -1 when the value is computed per case.
        var constant: Int32 = -1
    }

    struct Override: Sendable {
        var output: Int32
        var condition: Condition
        /// `exceptions[exceptionStart..<exceptionStart+exceptionCount]` are the exceptions' conditions.
        var exceptionStart: Int32
        var exceptionCount: Int32
        /// `chainOperations[operationStart..<operationStart+operationCount]`, in the order they apply;
        /// the first `replacementCount` are the replacements (applied together, in one pass).
        var operationStart: Int32
        var operationCount: Int32
        var replacementCount: Int32
    }

    /// One of an override's changes to its chain (see ``ChainOperation``), its members in `constants`.
    struct Operation: Sendable {
        var kind: ChainOperation.Kind
        /// The member replaced, removed or inserted.
        var member: Int32
        /// The member that replaces it, or that an insert goes next to; -1 for a removal.
        var other: Int32
    }

    /// How far a clock runs from its start.
    enum Target: Sendable {
        case none
        case clockTime(milliseconds: Int64)
        case workingTime(calendar: Int32, milliseconds: Int64)
        case workingDays(calendar: Int32, days: Int64)
        /// Per case: the value of an output slot (a `duration`, or an `integer` of whole hours or days).
        case clockTimeOf(output: Int32)
        case workingTimeOf(calendar: Int32, output: Int32, integerHours: Bool)
        case workingDaysOf(calendar: Int32, output: Int32)

        var calendar: Int32? {
            switch self {
            case .workingTime(let c, _), .workingDays(let c, _), .workingTimeOf(let c, _, _), .workingDaysOf(let c, _): return c
            case .none, .clockTime, .clockTimeOf: return nil
            }
        }
    }

    struct Clock: Sendable {
        var condition: Condition
        var start: Int32
        var target: Target
        var atRisk: Target
        var agreedField: Int32  // a field slot, or -1
        var stopField: Int32  // a field slot, or -1
        var dueOutput: Int32  // an output slot, or -1
        var atRiskOutput: Int32  // an output slot, or -1
    }

    struct Decision: Sendable {
        var hit: HitPolicy
        var ruleStart: Int32
        var ruleCount: Int32
        var overrideStart: Int32
        var overrideCount: Int32
        /// For `priority`: the output that ranks matches (-1: none) and its values best first, in `constants`.
        var priorityOutput: Int32
        var priorityStart: Int32
        var priorityCount: Int32
    }

    /// The fields and outputs a written sub-expression reads: `references[start..<start+count]`,
    /// each a field slot (>= 0) or an output slot `o` as `-o - 1`.
    struct SpanReferences: Sendable {
        var start: Int32
        var count: Int32
    }

    struct Measure: Sendable {
        var of: Int32
        var `where`: Condition
    }
}

/// Lays a checked policy out as a ``Program``.
struct ProgramBuilder {
    typealias Instruction = Program.Instruction
    var instructions: [Instruction] = []
    var spanOfInstruction: [Int32] = []
    var children: [Int32] = []
    var constants: [Value] = []
    var words: [UInt64] = []
    var calendars: [WorkingCalendar] = []
    var zones: [Zone] = []
    var rules: [Program.Rule] = []
    var assignments: [Program.Assignment] = []
    var overrides: [Program.Override] = []
    var chainOperations: [Program.Operation] = []
    var exceptions: [Program.Condition] = []
    var conjunctTrees: [Program.ConjunctTree] = []
    var conjunctChildren: [Int32] = []
    var spanReferences: [Program.SpanReferences] = []
    var references: [Int32] = []
    var decisions: [Program.Decision] = []
    var clocks: [Program.Clock] = []
    var measures: [Program.Measure] = []
    /// The declared types of the fields and outputs, which decide where a typed instruction applies.
    let fieldTypes: [ValueType]
    let outputTypes: [ValueType]

    init(_ model: CheckedPolicy) {
        fieldTypes = model.fields.map(\.type)
        outputTypes = model.outputs.map(\.type)
        for span in model.spans {
            spanReferences.append(.init(start: Int32(references.count), count: Int32(span.references.count)))
            for r in span.references {
                switch r {
                case .field(let i): references.append(Int32(i))
                case .output(let i): references.append(-Int32(i) - 1)
                }
            }
        }
        for d in model.decisions {
            let ruleStart = Int32(rules.count)
            for r in d.rules {
                let start = Int32(assignments.count)
                for a in r.assignments {
                    let value = emit(a.value)
                    var constant: Int32 = -1
                    if case .constant(let k) = instructions[Int(value)] { constant = k }
                    assignments.append(.init(output: Int32(a.output), value: value, constant: constant))
                }
                var rank: Int32 = -1
                if d.hit == .priority, let slot = d.priorityOutput, let a = r.assignments.first(where: { $0.output == slot }),
                   let v = a.value.constantValue {
                    rank = d.priorityOrder.firstIndex(of: v).map(Int32.init) ?? .max
                }
                rules.append(.init(condition: condition(r.condition), priorityRank: rank, assignmentStart: start,
                                   assignmentCount: Int32(r.assignments.count)))
            }
            let overrideStart = Int32(overrides.count)
            for o in d.overrides {
                let cond = condition(o.condition)
                let exceptionStart = Int32(exceptions.count)
                for x in o.exceptions { exceptions.append(condition(x.condition)) }
                let operationStart = Int32(chainOperations.count)
                for op in o.operations {
                    let member = Int32(constants.count)
                    constants.append(op.member)
                    var other: Int32 = -1
                    if op.kind != .remove { other = Int32(constants.count); constants.append(op.other) }
                    chainOperations.append(.init(kind: op.kind, member: member, other: other))
                }
                overrides.append(.init(output: Int32(o.output), condition: cond,
                                       exceptionStart: exceptionStart, exceptionCount: Int32(o.exceptions.count),
                                       operationStart: operationStart, operationCount: Int32(o.operations.count),
                                       replacementCount: Int32(o.operations.count { $0.kind == .replace })))
            }
            let priorityStart = Int32(constants.count)
            constants.append(contentsOf: d.priorityOrder)
            decisions.append(.init(hit: d.hit, ruleStart: ruleStart, ruleCount: Int32(d.rules.count),
                                   overrideStart: overrideStart, overrideCount: Int32(d.overrides.count),
                                   priorityOutput: Int32(d.priorityOutput ?? -1), priorityStart: priorityStart,
                                   priorityCount: Int32(d.priorityOrder.count)))
        }
        for c in model.clocks {
            clocks.append(.init(condition: condition(c.condition), start: emit(c.start),
                                target: target(c.target), atRisk: c.atRisk.map { target($0) } ?? .none,
                                agreedField: Int32(c.agreed ?? -1), stopField: Int32(c.stop ?? -1),
                                dueOutput: Int32(c.dueOutput ?? -1), atRiskOutput: Int32(c.atRiskOutput ?? -1)))
        }
        for m in model.measures {
            measures.append(.init(of: emit(m.of), where: condition(m.where)))
        }
    }

    private mutating func condition(_ c: Condition) -> Program.Condition {
        c.isAlways ? .always : .init(root: emit(c.expr), tree: tree(c.expr))
    }

    /// The conjunct tree of a condition (see ``Program/ConjunctTree``), or -1 when it has no written part.
    private mutating func tree(_ e: Expr) -> Int32 {
        let span: Int32
        let items: [Expr]
        switch e {
        case .span(let id, let inner):
            span = Int32(id)
            if case .and(let conjuncts) = inner { items = conjuncts } else { items = [] }
        case .and(let conjuncts):
            span = -1
            items = conjuncts
        default:
            return -1
        }
        let kids = items.map { tree($0) }.filter { $0 >= 0 }
        if span < 0, kids.isEmpty { return -1 }
        let start = Int32(conjunctChildren.count)
        conjunctChildren.append(contentsOf: kids)
        conjunctTrees.append(.init(span: span, childStart: start, childCount: Int32(kids.count)))
        return Int32(conjunctTrees.count - 1)
    }

    private mutating func target(_ t: ClockTarget) -> Program.Target {
        switch t.kind {
        case .clock(let d): return .clockTime(milliseconds: d.milliseconds)
        case let .workingTime(c, d): return .workingTime(calendar: calendar(c), milliseconds: d.milliseconds)
        case let .workingDays(c, n): return .workingDays(calendar: calendar(c), days: Int64(n))
        case .output(let p):
            switch p.unit {
            case .clockTime: return .clockTimeOf(output: Int32(p.output))
            case .workingTime(let c): return .workingTimeOf(calendar: calendar(c), output: Int32(p.output), integerHours: p.integer)
            case .workingDays(let c): return .workingDaysOf(calendar: calendar(c), output: Int32(p.output))
            }
        }
    }

    private mutating func calendar(_ c: WorkingCalendar) -> Int32 {
        if let i = calendars.firstIndex(where: { $0.name == c.name }) { return Int32(i) }
        calendars.append(c)
        return Int32(calendars.count - 1)
    }

    private mutating func zone(_ z: Zone) -> Int16 {
        if let i = zones.firstIndex(of: z) { return Int16(i) }
        zones.append(z)
        return Int16(zones.count - 1)
    }

    private mutating func constant(_ v: Value) -> Int32 {
        constants.append(v)
        return Int32(constants.count - 1)
    }

    /// `a + b` or `a - b` as ``Program/Instruction/scalarArithmetic(slot:constant:subtract:result:)``
    /// when `a` is a field or output whose type makes the sum one of a typed slot and `b` a constant;
    /// nil otherwise.
    private mutating func scalarArithmetic(_ a: Expr, _ b: Expr, subtract: Bool) -> Int32? {
        guard let slot = Self.slot(a), let v = b.constantValue, v.scalar != Value.noScalar else { return nil }
        let type = slot.index >= 0 ? fieldTypes[Int(slot.index)] : outputTypes[Int(-slot.index - 1)]
        let result: Program.ArithmeticResult
        switch (type, v) {
        case (.timestamp, .duration): result = .time
        case (.duration, .duration): result = .duration
        case (.integer, .int): result = .integer
        case (.money, .money): result = .money
        default: return nil
        }
        let s = slot.index >= 0 ? slot.index : Int32(fieldTypes.count) + (-slot.index - 1)
        return add(.scalarArithmetic(slot: s, constant: constant(v), subtract: subtract, result: result))
    }

    private mutating func add(_ i: Instruction) -> Int32 {
        instructions.append(i)
        spanOfInstruction.append(-1)
        return Int32(instructions.count - 1)
    }

    private mutating func group(_ items: [Expr]) -> (start: Int32, count: Int32) {
        let ids = items.map { emit($0) }
        let start = Int32(children.count)
        children.append(contentsOf: ids)
        return (start, Int32(ids.count))
    }

    /// A field or output read directly (through span markers), or nil.
    private static func slot(_ e: Expr) -> Program.Slot? {
        switch e.unwrapped {
        case .field(let i): return .init(index: Int32(i))
        case .output(let i): return .init(index: -Int32(i) - 1)
        default: return nil
        }
    }

    /// The typed-slot index of a field or output whose declared type is `v`'s kind (so the slot holds
    /// only values of that kind, or absent), or nil: comparing it as `Int64`s is comparing the values.
    private func scalarSlot(_ slot: Program.Slot, _ v: Value) -> Int32? {
        let type = slot.index >= 0 ? fieldTypes[Int(slot.index)] : outputTypes[Int(-slot.index - 1)]
        switch (type, v) {
        case (.integer, .int), (.money, .money), (.timestamp, .time), (.duration, .duration), (.date, .date), (.bool, .bool),
             (.enumeration, .member):
            return slot.index >= 0 ? slot.index : Int32(fieldTypes.count) + (-slot.index - 1)
        default:
            return nil
        }
    }

    /// The typed-slot index of a `bool` field or output read directly, or nil.
    private func boolSlot(_ e: Expr) -> Int32? {
        guard let slot = Self.slot(e) else { return nil }
        return scalarSlot(slot, .bool(false))
    }

    /// A set of enum members as a bitset over member ids; nil for other values.
    private static func bitset(_ values: [Value]) -> [UInt64]? {
        let ids = values.compactMap { v -> Int32? in if case .member(let m) = v { return m } else { return nil } }
        guard !values.isEmpty, ids.count == values.count else { return nil }
        var bits = [UInt64](repeating: 0, count: Int(ids.max()!) / 64 + 1)
        for id in ids { bits[Int(id) >> 6] |= 1 << UInt64(id & 63) }
        return bits
    }

    /// Appends the instructions of an expression; returns the index of its root.
    ///
    /// A written sub-expression (a span) is not an instruction of its own: the instruction that
    /// computes its value is marked with it, so the evaluator pays nothing for spans it is not tracing.
    /// Of nested spans over one instruction, the outermost (the text as written) is kept.
    mutating func emit(_ e: Expr) -> Int32 {
        switch e {
        case .span(let id, let inner):
            let i = emit(inner)
            spanOfInstruction[Int(i)] = Int32(id)
            return i
        case .constant(let v): return add(.constant(constant(v)))
        case .field(let i):
            if let s = boolSlot(e) { return add(.scalarBool(slot: s)) }
            return add(.field(Int32(i)))
        case .output(let i):
            if let s = boolSlot(e) { return add(.scalarBool(slot: s)) }
            return add(.output(Int32(i)))
        case .not(let inner): return add(.not(emit(inner)))
        case .and(let items):
            let g = group(items)
            return add(.and(start: g.start, count: g.count))
        case .or(let items):
            let g = group(items)
            return add(.or(start: g.start, count: g.count))
        case .list(let items):
            let g = group(items)
            return add(.list(start: g.start, count: g.count))
        case let .compare(op, a, b):
            // `field op constant` (either way round) is one instruction.
            // A typed slot compared with a constant of its type never reads a `Value` (``Program/Instruction/scalarCompare``).
            if let slot = Self.slot(a), case .constant(let v) = b.unwrapped {
                if let s = scalarSlot(slot, v) { return add(.scalarCompare(op, slot: s, constant: constant(v))) }
                return add(.compareSlot(op, slot: slot, constant: constant(v)))
            }
            if let slot = Self.slot(b), case .constant(let v) = a.unwrapped {
                if let s = scalarSlot(slot, v) { return add(.scalarCompare(op.flipped, slot: s, constant: constant(v))) }
                return add(.compareSlot(op.flipped, slot: slot, constant: constant(v)))
            }
            let x = emit(a), y = emit(b)
            return add(.compare(op, x, y))
        case let .inList(inner, values):
            if let slot = Self.slot(inner), let bits = Self.bitset(values) {
                let start = Int32(words.count)
                words.append(contentsOf: bits)
                if let s = scalarSlot(slot, values[0]) { return add(.scalarInBits(slot: s, start: start, count: Int32(bits.count))) }
                return add(.slotInBits(slot, start: start, count: Int32(bits.count)))
            }
            let x = emit(inner)
            // A set of enum members becomes a bitset over member ids.
            if let bits = Self.bitset(values) {
                let start = Int32(words.count)
                words.append(contentsOf: bits)
                return add(.inBits(x, start: start, count: Int32(bits.count)))
            }
            let start = Int32(constants.count)
            constants.append(contentsOf: values)
            return add(.inList(x, start: start, count: Int32(values.count)))
        case let .inRange(inner, lower, lowerInclusive, upper, upperInclusive):
            if let slot = Self.slot(inner), let s = scalarSlot(slot, lower), scalarSlot(slot, upper) != nil {
                let bounds = constant(lower)
                _ = constant(upper)
                return add(.scalarInRange(slot: s, bounds: bounds, lowerInclusive: lowerInclusive, upperInclusive: upperInclusive))
            }
            let x = emit(inner)
            let bounds = constant(lower)
            _ = constant(upper)
            return add(.inRange(x, bounds: bounds, lowerInclusive: lowerInclusive, upperInclusive: upperInclusive))
        case let .contains(list, element):
            let l = emit(list), x = emit(element)
            return add(.contains(list: l, element: x))
        case .present(let inner): return add(.present(emit(inner)))
        case let .add(a, b):
            if let i = scalarArithmetic(a, b, subtract: false) { return i }
            let x = emit(a), y = emit(b)
            return add(.add(x, y))
        case let .subtract(a, b):
            if let i = scalarArithmetic(a, b, subtract: true) { return i }
            let x = emit(a), y = emit(b)
            return add(.subtract(x, y))
        case .negate(let inner): return add(.negate(emit(inner)))
        case let .workingTime(c, a, b):
            let x = emit(a), y = emit(b)
            return add(.workingTime(calendar: calendar(c), start: x, amount: y))
        case let .workingDays(c, a, b):
            let x = emit(a), y = emit(b)
            return add(.workingDays(calendar: calendar(c), start: x, amount: y))
        case let .datePart(part, a, zone, members):
            let x = emit(a)
            return add(.datePart(part, zone: self.zone(zone), operand: x, members: members))
        case let .daysBetween(a, b):
            let x = emit(a), y = emit(b)
            return add(.daysBetween(x, y))
        case let .isWorkingTime(c, a): return add(.isWorkingTime(calendar: calendar(c), emit(a)))
        case let .isWorkingDay(c, a): return add(.isWorkingDay(calendar: calendar(c), emit(a)))
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
