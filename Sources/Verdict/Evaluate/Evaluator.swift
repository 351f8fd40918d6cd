/// The evaluator: runs a ``Program`` over one case's slots, with or without a tracer.
///
/// There is one evaluator. A decision with an explanation is this same run with a
/// ``TraceRecorder`` as its tracer; without one it is ``NoTracer``, whose hooks compile away. Both
/// evaluate the same rules in the same order, so they give the same outputs or the same error for
/// every case, by construction.
///
/// Semantics: Kleene's three-valued logic (an absent value makes a comparison unknown, `.absent`;
/// `false and unknown` is false, `true or unknown` is true); a rule matches only when its condition
/// is true. A failure (a calendar year not covered, an overflow) propagates through every operation
/// and ends the decision with a case error.
struct Evaluator<Tracer: EvaluationTracer> {
    // The program's tables, read where they lie. The evaluator holds no reference to the program
    // itself: a strong one would be retained and released on every decision, an atomic count that
    // every thread deciding by the same policy writes (the policy that owns the program is alive for
    // the whole evaluation).
    let instructions: UnsafeBufferPointer<Program.Instruction>
    let spans: UnsafeBufferPointer<Int32>
    let children: UnsafeBufferPointer<Int32>
    /// The program's constants, or a decider's own copies of them.
    var constants: UnsafeBufferPointer<Value> { counted.constants }
    let words: UnsafeBufferPointer<UInt64>
    let decisions: UnsafeBufferPointer<Program.Decision>
    let rules: UnsafeBufferPointer<Program.Rule>
    let assignments: UnsafeBufferPointer<Program.Assignment>
    let overrides: UnsafeBufferPointer<Program.Override>
    let chainOperations: UnsafeBufferPointer<Program.Operation>
    let exceptions: UnsafeBufferPointer<Program.Condition>
    let clocks: UnsafeBufferPointer<Program.Clock>
    let calendarTables: UnsafeBufferPointer<Program.CalendarReference>
    let zones: UnsafeBufferPointer<Zone>
    /// The case's field slots and the outputs decided so far, for the duration of one evaluation
    /// (see ``CompiledPolicy/withEvaluator(fields:outputs:tracer:_:)``).
    let fields: UnsafeBufferPointer<Value>
    let outputs: UnsafeMutableBufferPointer<Value>
    /// The typed slots (``Value/scalar``) of the fields, then of the outputs, kept equal to the
    /// values above: every write of an output writes both.
    let scalars: UnsafeMutablePointer<Int64>
    /// `scalars + fields.count`: the outputs' typed slots.
    let outputScalars: UnsafeMutablePointer<Int64>
    let constantScalars: UnsafeBufferPointer<Int64>
    /// One list per list-typed output (``Program/listOfOutput``), where a `collect` table or an
    /// override builds that output's list: storage a reused ``Decision`` keeps across decisions, so
    /// building a list allocates only when it outgrows the last one (see ``collect(_:_:)``).
    /// Nil for a decision that is not kept: lists are then built as new values, as cheap as it gets.
    let lists: UnsafeMutablePointer<[Value]>?
    let listOfOutput: UnsafeBufferPointer<Int32>
    var tracer: Tracer
    /// The constants and the names clock results carry: the program's, or a decider's own copies
    /// (``Program/CountedValues``).
    let counted: Program.CountedValues
    /// Why the last `.failure` truth failed.
    var failure = EvaluationFailure.overflow

    /// - Parameter scalars: `fields.count + outputs.count` typed slots holding the fields' and the
    ///   outputs' ``Value/scalar`` (``CompiledPolicy/withEvaluator(fields:fieldScalars:outputs:outputsAbsent:lists:tracer:counted:_:)`` fills them).
    /// - Parameter lists: ``Program/listCount`` lists for the outputs' collected and overridden lists.
    init(program: Program, fields: UnsafeBufferPointer<Value>, outputs: UnsafeMutableBufferPointer<Value>,
         scalars: UnsafeMutablePointer<Int64>, lists: UnsafeMutablePointer<[Value]>?, tracer: Tracer, counted: Program.CountedValues? = nil) {
        self.counted = counted ?? program.countedValues
        instructions = program.instructions
        spans = program.spanOfInstruction
        children = program.children
        words = program.words
        decisions = program.decisions
        rules = program.rules
        assignments = program.assignments
        overrides = program.overrides
        chainOperations = program.chainOperations
        exceptions = program.exceptions
        clocks = program.clocks
        calendarTables = program.calendarTables
        zones = program.zones
        self.fields = fields
        self.outputs = outputs
        self.scalars = scalars
        outputScalars = scalars + fields.count
        constantScalars = program.constantScalars
        self.lists = lists
        listOfOutput = program.listOfOutput
        self.tracer = tracer
    }

    /// The value behind typed slot `s` (a field, or an output after the fields).
    ///
    /// `mutating`, like ``setOutput(_:_:)``, though it writes nothing: a non-mutating method called
    /// from a mutating one copies the evaluator (through its value witness, `failure` is not trivial).
    @inline(__always)
    private mutating func slotValue(_ s: Int32) -> UnsafePointer<Value> {
        let i = Int(s)
        return i < fields.count ? fields.baseAddress! + i : UnsafePointer(outputs.baseAddress! + (i - fields.count))
    }

    /// Writes output `o` and its typed slot.
    @inline(__always)
    mutating func setOutput(_ o: Int32, _ v: Value) {
        outputScalars[Int(o)] = v.scalar
        outputs[Int(o)] = v
    }

    /// The value of the expression rooted at instruction `i`.
    ///
    /// Recursion follows the expression's nesting, which the parser bounds (``ExprParser/maxDepth``);
    /// long `and`/`or` chains and lists are loops.
    mutating func value(_ i: Int32) -> Value {
        switch instructions[Int(i)] {
        case .constant(let k): return constants[Int(k)]
        case .field(let s): return fields[Int(s)]
        case .output(let s): return outputs[Int(s)]
        case .scalarBool(let s): return slotValue(s).pointee
        case .not, .and, .or, .compare, .compareSlot, .inBits, .slotInBits, .inList, .inRange, .contains, .present,
             .scalarCompare, .scalarInBits, .scalarInRange:
            switch truth(i) {
            case .true: return .bool(true)
            case .false: return .bool(false)
            case .unknown: return .absent
            case .failure: return .failure(failure)
            }
        case let .list(start, count):
            var items: [Value] = []
            items.reserveCapacity(Int(count))
            for k in Int(start)..<Int(start + count) {
                let v = value(children[k])
                if v.isFailure { return v }
                if !v.isAbsent { items.append(v) }
            }
            return .list(items)
        case let .scalarArithmetic(s, k, subtract, result):
            let a = scalars[Int(s)]
            // Absent, failed, or a real Int64.min (which has no typed form): what the values say.
            if a == Value.noScalar {
                return subtract ? Value.subtract(slotValue(s).pointee, constants[Int(k)]) : Value.add(slotValue(s).pointee, constants[Int(k)])
            }
            let (r, overflow) = subtract ? a.subtractingReportingOverflow(constantScalars[Int(k)]) : a.addingReportingOverflow(constantScalars[Int(k)])
            if overflow { return .failure(.overflow) }
            switch result {
            case .time: return Value.timeRange.contains(r) ? .time(r) : .failure(.overflow)
            case .duration: return .duration(r)
            case .integer: return .int(r)
            case .money: return .money(r)
            }
        case let .add(a, b):
            let x = value(a)
            return Value.add(x, value(b))
        case let .subtract(a, b):
            let x = value(a)
            return Value.subtract(x, value(b))
        case .negate(let a): return Value.negate(value(a))
        case let .workingTime(calendar, start, amount):
            let s = value(start)
            return Value.workingTime(calendarTables[Int(calendar)], s, value(amount))
        case let .workingDays(calendar, start, amount):
            let s = value(start)
            return Value.workingDays(calendarTables[Int(calendar)], s, value(amount))
        case let .datePart(part, zone, operand, members):
            return Value.datePart(part, value(operand), zone: zones.baseAddress! + Int(zone), members: members)
        case let .daysBetween(a, b):
            let x = value(a)
            return Value.daysBetween(x, value(b))
        case let .isWorkingTime(calendar, a): return Value.isWorkingTime(calendarTables[Int(calendar)], value(a))
        case let .isWorkingDay(calendar, a): return Value.isWorkingDay(calendarTables[Int(calendar)], value(a))
        }
    }

    /// Whether the condition rooted at instruction `i` is true, false or unknown (it read an absent
    /// value), or failed (`failure` says why). Conditions are decided here without building values.
    mutating func truth(_ i: Int32) -> Truth {
        let t = decideTruth(instructions[Int(i)], i)
        if Tracer.isTracing, spans[Int(i)] >= 0 { tracer.computed(span: spans[Int(i)], t) }
        return t
    }

    /// ``truth(_:)``, with the commonest leaves (a typed slot compared, in a set, or a bare boolean)
    /// decided here, in the caller, without a call: a call of the recursive ``truth(_:)`` costs more
    /// than the comparison it makes (saving and restoring registers for its largest case). Traced
    /// runs take the one path through ``truth(_:)``, which records every node.
    @inline(__always)
    mutating func leafTruth(_ i: Int32) -> Truth {
        if !Tracer.isTracing {
            switch instructions[Int(i)] {
            case let .scalarCompare(op, s, k):
                let a = scalars[Int(s)]
                if a != Value.noScalar {
                    let b = constantScalars[Int(k)]
                    switch op {
                    case .eq: return a == b ? .true : .false
                    case .ne: return a != b ? .true : .false
                    case .lt: return a < b ? .true : .false
                    case .le: return a <= b ? .true : .false
                    case .gt: return a > b ? .true : .false
                    case .ge: return a >= b ? .true : .false
                    }
                }
            case let .scalarInBits(s, start, count):
                let a = scalars[Int(s)]
                if a != Value.noScalar {
                    let word = Int(a) >> 6
                    return word < Int(count) && words[Int(start) + word] & (1 << UInt64(a & 63)) != 0 ? .true : .false
                }
            case .scalarBool(let s):
                let a = scalars[Int(s)]
                if a != Value.noScalar { return a != 0 ? .true : .false }
            default:
                break
            }
        }
        return truth(i)
    }

    @inline(__always)
    private mutating func decideTruth(_ instruction: Program.Instruction, _ i: Int32) -> Truth {
        switch instruction {
        case .not(let a):
            switch leafTruth(a) {
            case .true: return .false
            case .false: return .true
            case let other: return other
            }
        case let .and(start, count):
            var unknown = false
            for k in Int(start)..<Int(start + count) {
                switch leafTruth(children[k]) {
                case .false: return .false
                case .true: continue
                case .failure: return .failure
                case .unknown: unknown = true
                }
            }
            return unknown ? .unknown : .true
        case let .or(start, count):
            var unknown = false
            for k in Int(start)..<Int(start + count) {
                switch leafTruth(children[k]) {
                case .true: return .true
                case .false: continue
                case .failure: return .failure
                case .unknown: unknown = true
                }
            }
            return unknown ? .unknown : .false
        case let .compareSlot(op, slot, k):
            // Compared where they lie: no value is copied (nor its reference count touched).
            let x = slot.index >= 0 ? fields.baseAddress! + Int(slot.index) : UnsafePointer(outputs.baseAddress! + Int(-slot.index - 1))
            return compare(op, x, constants.baseAddress! + Int(k))
        case let .scalarCompare(op, s, k):
            // Two integers: the slot's typed form and the constant's.
            let a = scalars[Int(s)]
            if a == Value.noScalar { return compare(op, slotValue(s), constants.baseAddress! + Int(k)) }
            let b = constantScalars[Int(k)]
            switch op {
            case .eq: return a == b ? .true : .false
            case .ne: return a != b ? .true : .false
            case .lt: return a < b ? .true : .false
            case .le: return a <= b ? .true : .false
            case .gt: return a > b ? .true : .false
            case .ge: return a >= b ? .true : .false
            }
        case let .scalarInBits(s, start, count):
            let a = scalars[Int(s)]
            if a == Value.noScalar { return Self.absentOrFailure(slotValue(s), &failure) }
            let word = Int(a) >> 6
            return word < Int(count) && words[Int(start) + word] & (1 << UInt64(a & 63)) != 0 ? .true : .false
        case let .scalarInRange(s, bounds, lowerInclusive, upperInclusive):
            let a = scalars[Int(s)]
            if a == Value.noScalar {
                let v = slotValue(s)
                if case .absent = v.pointee { return .unknown }
                if case .failure(let f) = v.pointee { failure = f; return .failure }
                guard let lo = Value.compare(v.pointee, constants[Int(bounds)]), let hi = Value.compare(v.pointee, constants[Int(bounds) + 1]) else {
                    return .unknown
                }
                return (lowerInclusive ? lo >= 0 : lo > 0) && (upperInclusive ? hi <= 0 : hi < 0) ? .true : .false
            }
            let lo = constantScalars[Int(bounds)], hi = constantScalars[Int(bounds) + 1]
            return (lowerInclusive ? a >= lo : a > lo) && (upperInclusive ? a <= hi : a < hi) ? .true : .false
        case .scalarBool(let s):
            let a = scalars[Int(s)]
            if a == Value.noScalar { return Self.truth(slotValue(s), &failure) }
            return a != 0 ? .true : .false
        case let .compare(op, a, b):
            let x = value(a), y = value(b)
            return compare(op, x, y)
        case let .slotInBits(slot, start, count):
            let x = slot.index >= 0 ? fields.baseAddress! + Int(slot.index) : UnsafePointer(outputs.baseAddress! + Int(-slot.index - 1))
            switch x.pointee {
            case .member(let id):
                let word = Int(id) >> 6
                return word < Int(count) && words[Int(start) + word] & (1 << UInt64(id & 63)) != 0 ? .true : .false
            case .failure(let f):
                failure = f
                return .failure
            default: return .unknown
            }
        case let .inBits(a, start, count):
            let v = value(a)
            return member(v, start, count)
        case let .inList(a, start, count):
            let v = value(a)
            if v.isAbsent { return .unknown }
            if case .failure(let f) = v { failure = f; return .failure }
            for k in Int(start)..<Int(start + count) where constants[k] == v { return .true }
            return .false
        case let .inRange(a, bounds, lowerInclusive, upperInclusive):
            let v = value(a)
            if case .failure(let f) = v { failure = f; return .failure }
            guard let lo = Value.compare(v, constants[Int(bounds)]), let hi = Value.compare(v, constants[Int(bounds) + 1]) else { return .unknown }
            return (lowerInclusive ? lo >= 0 : lo > 0) && (upperInclusive ? hi <= 0 : hi < 0) ? .true : .false
        case let .contains(list, element):
            let l = value(list)
            return Self.truth(Value.contains(l, value(element)), &failure)
        case .present(let a):
            let v = value(a)
            if case .failure(let f) = v { failure = f; return .failure }
            return v.isAbsent ? .false : .true
        case .field(let s):
            // A bare boolean field (`hospitalised`) is read where it lies, not copied out.
            return Self.truth(fields.baseAddress! + Int(s), &failure)
        case .output(let s):
            return Self.truth(UnsafePointer(outputs.baseAddress! + Int(s)), &failure)
        case .constant, .list, .add, .subtract, .negate, .workingTime, .workingDays, .datePart, .daysBetween,
             .isWorkingTime, .isWorkingDay, .scalarArithmetic:
            return Self.truth(value(i), &failure)
        }
    }

    @inline(__always)
    private static func truth(_ v: UnsafePointer<Value>, _ failure: inout EvaluationFailure) -> Truth {
        switch v.pointee {
        case .bool(let b): return b ? .true : .false
        case .failure(let f):
            failure = f
            return .failure
        default: return .unknown
        }
    }

    /// Unknown for an absent slot; a failure for a failed one.
    @inline(__always)
    private static func absentOrFailure(_ v: UnsafePointer<Value>, _ failure: inout EvaluationFailure) -> Truth {
        if case .failure(let f) = v.pointee {
            failure = f
            return .failure
        }
        return .unknown
    }

    @inline(__always)
    private static func truth(_ v: Value, _ failure: inout EvaluationFailure) -> Truth {
        switch v {
        case .bool(let b): return b ? .true : .false
        case .failure(let f):
            failure = f
            return .failure
        default: return .unknown
        }
    }

    @inline(__always)
    private mutating func compare(_ op: CompareOp, _ x: Value, _ y: Value) -> Truth {
        if x.isAbsent || y.isAbsent { return .unknown }
        if case .failure(let f) = x { failure = f; return .failure }
        if case .failure(let f) = y { failure = f; return .failure }
        switch op {
        case .eq: return x == y ? .true : .false
        case .ne: return x != y ? .true : .false
        default:
            guard let c = Value.compare(x, y) else { return .unknown }
            switch op {
            case .lt: return c < 0 ? .true : .false
            case .le: return c <= 0 ? .true : .false
            case .gt: return c > 0 ? .true : .false
            default: return c >= 0 ? .true : .false
            }
        }
    }

    /// `x op y` for a slot and a constant of the same type (the checker guarantees it), read in place.
    @inline(__always)
    private mutating func compare(_ op: CompareOp, _ x: UnsafePointer<Value>, _ y: UnsafePointer<Value>) -> Truth {
        let c: Int
        switch x.pointee {
        case .absent: return .unknown
        case .failure(let f):
            failure = f
            return .failure
        case .int(let a), .money(let a), .time(let a), .duration(let a):
            switch y.pointee {
            case .int(let b), .money(let b), .time(let b), .duration(let b): c = a < b ? -1 : (a == b ? 0 : 1)
            default: return compare(op, x.pointee, y.pointee)
            }
        case .date(let a):
            guard case .date(let b) = y.pointee else { return compare(op, x.pointee, y.pointee) }
            c = a < b ? -1 : (a == b ? 0 : 1)
        case .member(let a):
            guard case .member(let b) = y.pointee else { return compare(op, x.pointee, y.pointee) }
            if op == .eq { return a == b ? .true : .false }
            if op == .ne { return a != b ? .true : .false }
            c = a < b ? -1 : (a == b ? 0 : 1)
        case .bool(let a):
            guard case .bool(let b) = y.pointee else { return compare(op, x.pointee, y.pointee) }
            c = a == b ? 0 : (a ? 1 : -1)
        default:
            return compare(op, x.pointee, y.pointee)
        }
        switch op {
        case .eq: return c == 0 ? .true : .false
        case .ne: return c != 0 ? .true : .false
        case .lt: return c < 0 ? .true : .false
        case .le: return c <= 0 ? .true : .false
        case .gt: return c > 0 ? .true : .false
        case .ge: return c >= 0 ? .true : .false
        }
    }

    @inline(__always)
    private mutating func member(_ v: Value, _ start: Int32, _ count: Int32) -> Truth {
        switch v {
        case .member(let id):
            let word = Int(id) >> 6
            return word < Int(count) && words[Int(start) + word] & (1 << UInt64(id & 63)) != 0 ? .true : .false
        case .failure(let f):
            failure = f
            return .failure
        default: return .unknown
        }
    }

    /// Evaluates a condition: true only when it is definitely true; a failure is thrown.
    @inline(__always)
    mutating func holds(_ c: Program.Condition) throws(EvaluationFailure) -> Bool {
        if c.isAlways { return true }
        let t = leafTruth(c.root)
        if t == .failure { throw failure }
        if Tracer.isTracing { tracer.condition(c, t, fields: fields, outputs: outputs) }
        return t == .true
    }

    /// A value that may not be a failure.
    @inline(__always)
    mutating func checkedValue(_ i: Int32) throws(EvaluationFailure) -> Value {
        let v = value(i)
        if case .failure(let f) = v { throw f }
        return v
    }
}

/// A condition's outcome in Kleene's logic, or a failure (the evaluator's `failure` says which).
enum Truth: UInt8, Sendable {
    case `false`, `true`, unknown, failure
}

/// Where in the policy an evaluation failed, for the case error.
enum EvaluationSite: Sendable {
    case rule(decision: Int32, rule: Int32)
    case override(decision: Int32, override: Int32)
    case clock(Int32)
}

/// Why a decision stopped: a failed computation at a site, or two rules of a `unique` table matching.
enum EvaluationError: Error, Sendable {
    case failed(EvaluationFailure, EvaluationSite)
    case conflict(decision: Int32, first: Int32, second: Int32)
}

extension Evaluator {
    /// Runs every decision in dependency order, then every clock. Outputs end up in `outputs`.
    ///
    /// - Parameter now: the instant clocks are judged at, if any.
    /// - Parameter clocks: receives the results of the clocks that apply, in the policy's order. Its
    ///   storage is reused, and so is each result a previous decision of this program left at the
    ///   same place for the same clock (``ClockResult/index``): its names are not copied again.
    mutating func run(now: Timestamp?, clocks: inout [ClockResult]) throws(EvaluationError) {
        for di in 0..<Int32(decisions.count) { try decide(di) }
        clocks.reserveCapacity(self.clocks.count)  // one allocation at most, not one per growth
        var applied = 0
        for ci in 0..<Int32(self.clocks.count) {
            do throws(EvaluationFailure) {
                try clock(ci, now: now, into: &clocks, at: &applied)
            } catch {
                clocks.removeAll(keepingCapacity: true)
                throw .failed(error, .clock(ci))
            }
        }
        if clocks.count > applied { clocks.removeLast(clocks.count - applied) }
    }

    private mutating func decide(_ di: Int32) throws(EvaluationError) {
        let d = decisions[Int(di)]
        var chosen: Int32 = -1
        var chosenRank = Int.max
        var ri = d.ruleStart
        let end = d.ruleStart + d.ruleCount
        while ri < end {
            let rule = rules[Int(ri)]
            let matched: Bool
            do throws(EvaluationFailure) { matched = try holds(rule.condition) } catch {
                throw .failed(error, .rule(decision: di, rule: ri - d.ruleStart))
            }
            if Tracer.isTracing { tracer.rule(di, ri - d.ruleStart, matched: matched) }
            if matched {
                switch d.hit {
                case .first:
                    chosen = ri
                    ri = end
                    continue
                case .unique:
                    if chosen >= 0 { throw .conflict(decision: di, first: chosen - d.ruleStart, second: ri - d.ruleStart) }
                    chosen = ri
                case .priority:
                    var rank = rule.priorityRank == .max || rule.priorityRank < 0 ? Int.max - 1 : Int(rule.priorityRank)
                    if rule.priorityRank < 0 { do throws(EvaluationFailure) {
                        for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount where assignments[Int(k)].output == d.priorityOutput {
                            let v = try checkedValue(assignments[Int(k)].value)
                            for j in 0..<Int(d.priorityCount) where constants[Int(d.priorityStart) + j] == v { rank = j; break }
                        }
                    } catch {
                        throw .failed(error, .rule(decision: di, rule: ri - d.ruleStart))
                    } }
                    if rank < chosenRank { chosen = ri; chosenRank = rank }
                case .collect:
                    do throws(EvaluationFailure) {
                        for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount {
                            let a = assignments[Int(k)]
                            if lists != nil {
                                collect(a.output, try checkedValue(a.value))
                            } else {
                                Self.gather(&outputs[Int(a.output)], try checkedValue(a.value))
                                outputScalars[Int(a.output)] = Value.noScalar  // a list
                            }
                        }
                    } catch {
                        throw .failed(error, .rule(decision: di, rule: ri - d.ruleStart))
                    }
                    if Tracer.isTracing { tracer.selected(di, ri - d.ruleStart) }
                }
            }
            ri += 1
        }
        if chosen >= 0, d.hit != .collect {
            let rule = rules[Int(chosen)]
            do throws(EvaluationFailure) {
                for k in rule.assignmentStart..<rule.assignmentStart + rule.assignmentCount {
                    let a = assignments[Int(k)]
                    if a.constant >= 0 {
                        // The commonest `then:`, copied once, its typed slot from the constant's.
                        outputScalars[Int(a.output)] = constantScalars[Int(a.constant)]
                        outputs[Int(a.output)] = constants[Int(a.constant)]
                    } else {
                        setOutput(a.output, try checkedValue(a.value))
                    }
                }
            } catch {
                throw .failed(error, .rule(decision: di, rule: chosen - d.ruleStart))
            }
            if Tracer.isTracing { tracer.selected(di, chosen - d.ruleStart) }
        }
        for oi in 0..<d.overrideCount {
            do throws(EvaluationFailure) { try override(di, oi, overrides[Int(d.overrideStart + oi)]) } catch {
                throw .failed(error, .override(decision: di, override: oi))
            }
        }
    }

    /// Appends `new` (a value, or each of a list's) to output `o`'s collected list, without repeating
    /// a value already in it: what ``gather(_:_:)`` does, built in the output's kept list
    /// (`lists[listOfOutput[o]]`).
    ///
    /// The output and its kept list share one storage once the list is published; while it grows the
    /// output is absent, so the storage is uniquely referenced and grows in place. A reused decision
    /// keeps the storage for its next case (its outputs are made absent first), so a collected list
    /// allocates nothing once it has held a list as long.
    @inline(never)  // out of the rule loop, which it would make larger for every rule
    private mutating func collect(_ o: Int32, _ new: Value) {
        let i = Int(listOfOutput[Int(o)])
        guard let lists, i >= 0 else {  // not kept (or not a list output: the checker allows none here)
            Self.gather(&outputs[Int(o)], new)
            outputScalars[Int(o)] = Value.noScalar
            return
        }
        if !takeList(o) {
            // The first value collected. A list is taken as it is, as `gather` does.
            if case .list = new {
                setOutput(o, new)
                return
            }
            lists[i].removeAll(keepingCapacity: true)
            lists[i].reserveCapacity(4)  // one allocation for the commonest lists, not one per growth
        }
        switch new {
        case .absent: break
        case .list(let added): for v in added where !lists[i].contains(v) { lists[i].append(v) }
        default: if !lists[i].contains(new) { lists[i].append(new) }
        }
        setOutput(o, .list(lists[i]))
    }

    /// Moves output `o`'s list into its kept list, `lists[listOfOutput[o]]` (a copy of its elements only when it is another list's
    /// storage: a constant signer chain, another case's list) and makes the output absent, so that
    /// `lists[o]` is the only reference to its storage; false, changing nothing, when the output holds
    /// no list.
    @inline(never)
    private mutating func takeList(_ o: Int32) -> Bool {
        let i = Int(listOfOutput[Int(o)])
        guard let lists else { return false }
        guard case .list(let current) = outputs[Int(o)] else { return false }
        let shared = current.withUnsafeBufferPointer { c in lists[i].withUnsafeBufferPointer { c.baseAddress == $0.baseAddress && c.count == $0.count } }
        if !shared {
            lists[i].removeAll(keepingCapacity: true)
            lists[i].reserveCapacity(current.count + 4)  // room for what an override inserts, in one allocation
            lists[i].append(contentsOf: current)
        }
        outputs[Int(o)] = .absent
        return true
    }

    /// Appends to a collected list without repeating a value already in it.
    static func gather(_ current: inout Value, _ new: Value) {
        var items: [Value]
        switch current {
        case .list(let existing):
            items = existing
        default:
            if case .list = new { current = new; return }
            items = []
            items.reserveCapacity(4)  // one allocation for the commonest lists, not one per growth
        }
        current = .absent  // so `items` is the only reference and grows in place
        switch new {
        case .absent: break
        case .list(let added): for v in added where !items.contains(v) { items.append(v) }
        default: if !items.contains(new) { items.append(new) }
        }
        current = .list(items)
    }

    private mutating func override(_ di: Int32, _ oi: Int32, _ o: Program.Override) throws(EvaluationFailure) {
        guard case .list = outputs[Int(o.output)] else {
            if Tracer.isTracing { tracer.override(di, oi, .outputAbsent) }
            return
        }
        // False or unknown (an absent value): the chain stays as it is; the explanation shows the condition.
        guard try holds(o.condition) else {
            if Tracer.isTracing { tracer.override(di, oi, .conditionFailed) }
            return
        }
        for x in 0..<o.exceptionCount where try holds(exceptions[Int(o.exceptionStart + x)]) {
            if Tracer.isTracing { tracer.override(di, oi, .exception(x)) }
            return
        }
        if let lists, listOfOutput[Int(o.output)] >= 0 {
            // Changed in the storage kept for it, in place (see ``takeList(_:)``), and published again.
            _ = takeList(o.output)
            let items = lists + Int(listOfOutput[Int(o.output)])
            _ = apply(o, to: &items.pointee)
            setOutput(o.output, .list(items.pointee))
        } else if case .list(var items) = outputs[Int(o.output)], apply(o, to: &items) {
            setOutput(o.output, .list(items))
        }
        if Tracer.isTracing { tracer.override(di, oi, .applied) }
    }

    /// An override's operations on a chain; whether any changed it.
    private mutating func apply(_ o: Program.Override, to items: inout [Value]) -> Bool {
        var changed = false
        let start = Int(o.operationStart)
        let replaceEnd = start + Int(o.replacementCount)
        if replaceEnd > start {
            // Every replacement at once, in one pass: a member is replaced by the first replacement naming it.
            if Tracer.isTracing {
                for k in start..<replaceEnd {
                    tracer.operation(Int32(k - start), items.contains(constants[Int(chainOperations[k].member)]) ? .done : .notFound)
                }
            }
            for i in items.indices {
                for k in start..<replaceEnd where constants[Int(chainOperations[k].member)] == items[i] {
                    items[i] = constants[Int(chainOperations[k].other)]
                    changed = true
                    break
                }
            }
        }
        for k in replaceEnd..<start + Int(o.operationCount) {
            let op = chainOperations[k]
            let member = constants[Int(op.member)]
            let result: ChainOperationResult
            switch op.kind {
            case .remove:
                let count = items.count
                items.removeAll { $0 == member }
                result = items.count == count ? .notFound : .done
            case .insertBefore, .insertAfter:
                if items.contains(member) {
                    result = .alreadyPresent
                } else if let i = items.firstIndex(of: constants[Int(op.other)]) {
                    items.insert(member, at: op.kind == .insertAfter ? i + 1 : i)
                    result = .done
                } else {
                    result = .notFound
                }
            case .replace:
                result = .done  // never here: the replacements come first, applied above
            }
            if result == .done { changed = true }
            if Tracer.isTracing { tracer.operation(Int32(k - start), result) }
        }
        return changed
    }

    /// A clock's deadlines into their outputs, and its result, judged at `now`, written at
    /// `results[applied]` (nothing when it does not apply; `applied` counts the results written).
    /// Built where it is kept: a result is a large value. A result already there for the same clock
    /// (a reused decision's, of this program) is updated in place, keeping its names.
    private mutating func clock(_ ci: Int32, now: Timestamp?, into results: inout [ClockResult], at applied: inout Int) throws(EvaluationFailure) {
        let c = clocks[Int(ci)]
        guard try holds(c.condition), case .time(let s) = try checkedValue(c.start) else {
            if Tracer.isTracing { tracer.clock(ci, nil) }
            return
        }
        // A per-case target that no rule set: the clock does not start (as when its start is absent).
        guard let computed = try deadline(c.target, from: s) else {
            if Tracer.isTracing { tracer.clock(ci, nil) }
            return
        }
        let risk = try deadline(c.atRisk, from: s)
        var agreed: Int64?
        if c.agreedField >= 0, case .time(let t) = fields[Int(c.agreedField)] { agreed = t }
        var stopped: Timestamp?
        if c.stopField >= 0, case .time(let t) = fields[Int(c.stopField)] {
            // A record that contradicts itself is refused where it is decided, never reported "met".
            guard t >= s else { throw .stopBeforeStart(start: s, stop: t) }
            stopped = Timestamp(millisecondsSinceEpoch: t)
        }
        let due = agreed ?? computed
        if c.dueOutput >= 0 { setOutput(c.dueOutput, .time(due)) }
        if c.atRiskOutput >= 0, let risk { setOutput(c.atRiskOutput, .time(risk)) }
        let calendar = c.target.calendar
        let last = applied
        applied += 1
        if last < results.count, results[last].index == Int(ci) {
            // The same clock as the last decision's at this place: its name and calendar stand.
            results.withUnsafeMutableBufferPointer { r in
                r[last].start = Timestamp(millisecondsSinceEpoch: s)
                r[last].computedDue = Timestamp(millisecondsSinceEpoch: computed)
                r[last].agreed = agreed.map(Timestamp.init(millisecondsSinceEpoch:))
                r[last].due = Timestamp(millisecondsSinceEpoch: due)
                r[last].atRisk = agreed == nil ? risk.map(Timestamp.init(millisecondsSinceEpoch:)) : nil
                r[last].stoppedAt = stopped
                r[last].now = nil
                r[last].status = nil
                r[last].remaining = nil
                r[last].overdue = nil
            }
        } else {
            let result = ClockResult(name: counted.clocks[Int(ci)], index: Int(ci), start: Timestamp(millisecondsSinceEpoch: s),
                                     computedDue: Timestamp(millisecondsSinceEpoch: computed), agreed: agreed.map(Timestamp.init(millisecondsSinceEpoch:)),
                                     due: Timestamp(millisecondsSinceEpoch: due), atRisk: agreed == nil ? risk.map(Timestamp.init(millisecondsSinceEpoch:)) : nil,
                                     stoppedAt: stopped, calendar: calendar.map { counted.calendars[Int($0)] })
            if last < results.count { results[last] = result } else { results.append(result) }
        }
        if let now {
            do throws(WorkingCalendar.YearNotCovered) {
                if let calendar {
                    try calendarTables[Int(calendar)].with { table throws(WorkingCalendar.YearNotCovered) in try results[last].judge(at: now, in: table) }
                } else {
                    try results[last].judge(at: now, in: nil)
                }
            } catch {
                throw .yearNotCovered(error)
            }
        }
        if Tracer.isTracing { tracer.clock(ci, results[last]) }
    }

    /// A per-case target's amount from its output slot: a duration's milliseconds, or an integer times
    /// `scale`; nil when no rule set it. Below zero is a failure: a clock is never due before it starts.
    @inline(__always)
    private func amount(_ slot: Int32, scale: Int64) throws(EvaluationFailure) -> Int64? {
        let n: Int64
        switch outputs[Int(slot)] {
        case .duration(let ms): n = ms
        case .int(let i): n = i
        default: return nil
        }
        guard n >= 0 else { throw .negativeTarget }
        let (r, o) = n.multipliedReportingOverflow(by: scale)
        guard !o else { throw .overflow }
        return r
    }

    /// The instant a target gives from a start (nil for no target). The calendar is used where it
    /// lies, never copied (a copy would retain its tables, which every thread shares).
    private func deadline(_ t: Program.Target, from start: Int64) throws(EvaluationFailure) -> Int64? {
        switch t {
        case .none: return nil
        case .clockTimeOf(let o):
            guard let ms = try amount(o, scale: 1) else { return nil }
            return try deadline(.clockTime(milliseconds: ms), from: start)
        case let .workingTimeOf(c, o, hours):
            guard let ms = try amount(o, scale: hours ? 3_600_000 : 1) else { return nil }
            return try deadline(.workingTime(calendar: c, milliseconds: ms), from: start)
        case let .workingDaysOf(c, o):
            guard let n = try amount(o, scale: 1) else { return nil }
            return try deadline(.workingDays(calendar: c, days: n), from: start)
        case .clockTime(let ms):
            let (r, o) = start.addingReportingOverflow(ms)
            guard !o, Value.timeRange.contains(r) else { throw .overflow }
            return r
        case let .workingTime(c, ms):
            var none: [WorkingCalendar.Step]? = nil
            do throws(WorkingCalendar.YearNotCovered) {
                return try calendarTables[Int(c)].with { table throws(WorkingCalendar.YearNotCovered) in
                    try table.addWorkingTime(ClockDuration(milliseconds: ms), to: Timestamp(millisecondsSinceEpoch: start), steps: &none).millisecondsSinceEpoch
                }
            } catch {
                throw .yearNotCovered(error)
            }
        case let .workingDays(c, n):
            guard let days = Int(exactly: n) else { throw .overflow }
            var none: [WorkingCalendar.Step]? = nil
            do throws(WorkingCalendar.YearNotCovered) {
                return try calendarTables[Int(c)].with { table throws(WorkingCalendar.YearNotCovered) in
                    try table.addWorkingDays(days, to: Timestamp(millisecondsSinceEpoch: start), steps: &none).millisecondsSinceEpoch
                }
            } catch {
                throw .yearNotCovered(error)
            }
        }
    }
}
