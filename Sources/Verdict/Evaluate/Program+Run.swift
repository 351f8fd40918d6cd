/// The untraced evaluator over a ``Program``: the same semantics as ``EvaluationState/eval(_:)``
/// (Kleene logic, absent and failure propagation) on flat arrays read through unsafe buffers.
struct ProgramRunner {
    let nodes: UnsafeBufferPointer<Program.Node>
    let children: UnsafeBufferPointer<Int32>
    let constants: UnsafeBufferPointer<Value>
    let words: UnsafeBufferPointer<UInt64>
    /// Unowned: the policy that owns the program is alive for the whole evaluation.
    unowned(unsafe) let program: Program
    var state: EvaluationState

    init(program: Program, state: EvaluationState) {
        self.program = program
        nodes = program.nodes
        children = program.children
        constants = program.constants
        words = program.words
        self.state = state
    }

    func eval(_ i: Int32) -> Value {
        let n = nodes[Int(i)]
        switch n.op {
        case .constant: return constants[Int(n.a)]
        case .field: return state.fields[Int(n.a)]
        case .output: return state.outputs[Int(n.a)]
        case .not:
            switch eval(n.a) {
            case .bool(let b): return .bool(!b)
            case .failure(let f): return .failure(f)
            default: return .absent
            }
        case .and:
            var unknown = false
            for k in Int(n.a)..<Int(n.a + n.b) {
                switch eval(children[k]) {
                case .bool(false): return .bool(false)
                case .bool(true): continue
                case .failure(let f): return .failure(f)
                default: unknown = true
                }
            }
            return unknown ? .absent : .bool(true)
        case .or:
            var unknown = false
            for k in Int(n.a)..<Int(n.a + n.b) {
                switch eval(children[k]) {
                case .bool(true): return .bool(true)
                case .bool(false): continue
                case .failure(let f): return .failure(f)
                default: unknown = true
                }
            }
            return unknown ? .absent : .bool(false)
        case .eq, .ne, .lt, .le, .gt, .ge:
            let x = eval(n.a), y = eval(n.b)
            if x.isAbsent || y.isAbsent { return .absent }
            if x.isFailure { return x }
            if y.isFailure { return y }
            switch n.op {
            case .eq: return .bool(x == y)
            case .ne: return .bool(x != y)
            default:
                guard let c = Value.compare(x, y) else { return .absent }
                switch n.op {
                case .lt: return .bool(c < 0)
                case .le: return .bool(c <= 0)
                case .gt: return .bool(c > 0)
                default: return .bool(c >= 0)
                }
            }
        case .inBits:
            switch eval(n.a) {
            case .member(let id):
                let word = Int(id) >> 6
                return .bool(word < Int(n.c) && words[Int(n.b) + word] & (1 << UInt64(id & 63)) != 0)
            case .failure(let f): return .failure(f)
            default: return .absent
            }
        case .inList:
            let v = eval(n.a)
            if v.isAbsent || v.isFailure { return v }
            for k in Int(n.b)..<Int(n.b + n.c) where constants[k] == v { return .bool(true) }
            return .bool(false)
        case .inRange:
            let v = eval(n.a)
            if v.isFailure { return v }
            guard let lo = Value.compare(v, constants[Int(n.b)]), let hi = Value.compare(v, constants[Int(n.b) + 1]) else { return .absent }
            return .bool((n.c & 1 != 0 ? lo >= 0 : lo > 0) && (n.c & 2 != 0 ? hi <= 0 : hi < 0))
        case .present:
            let v = eval(n.a)
            return v.isFailure ? v : .bool(!v.isAbsent)
        case .add: return Value.add(eval(n.a), eval(n.b))
        case .subtract: return Value.subtract(eval(n.a), eval(n.b))
        case .negate: return Value.negate(eval(n.a))
        case .contains: return Value.contains(eval(n.a), eval(n.b))
        case .workingTime: return Value.workingTime(program.calendars[Int(n.c)], eval(n.a), eval(n.b))
        case .workingDays: return Value.workingDays(program.calendars[Int(n.c)], eval(n.a), eval(n.b))
        case .list:
            var values: [Value] = []
            values.reserveCapacity(Int(n.b))
            for k in Int(n.a)..<Int(n.a + n.b) {
                let v = eval(children[k])
                if v.isFailure { return v }
                if !v.isAbsent { values.append(v) }
            }
            return .list(values)
        }
    }

    /// True only when the condition is definitely true; a failure is returned for the caller to throw.
    @inline(__always)
    func holds(_ i: Int32) -> (Bool, WorkingCalendar.YearNotCovered?) {
        if i < 0 { return (true, nil) }
        switch eval(i) {
        case .bool(true): return (true, nil)
        case .failure(let f): return (false, f)
        default: return (false, nil)
        }
    }
}

