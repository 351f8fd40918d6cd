/// An order between two fields of a case, declared by naming a field as another's bound:
/// `resolved_at: {type: timestamp, optional: true, min: received_at}` says a case may not be resolved
/// before it was received (`lower` is `received_at`, `upper` is `resolved_at`).
///
/// A case that gives both values with `upper` below `lower` contradicts itself: both case decoders
/// refuse it with a `field-order` problem on the field that declares the bound (``violation(_:_:hidden:)``).
/// When either value is absent there is nothing to compare and the order holds.
struct FieldOrder: Sendable, Hashable {
    /// The slot whose value may not be greater.
    var lower: Int
    /// The slot whose value may not be smaller.
    var upper: Int
    /// The field that declares the bound, and the bound's key (`min` or `max`).
    var declaredBy: Int
    var key: String

    /// The slot of the field the bound names (the one that does not declare it).
    var named: Int { declaredBy == upper ? lower : upper }

    /// Whether the case's slots keep the order (an absent value keeps it).
    @inline(__always)
    func holds(_ slots: UnsafeBufferPointer<Value>) -> Bool {
        guard let c = Value.compare(slots[upper], slots[lower]) else { return true }
        return c >= 0
    }

    /// The problem with a case whose slots break the order; nil when they keep it. `hidden` says
    /// whether a field's value may not be quoted (personal and not loggable).
    func violation(_ slots: [Value], _ model: CheckedPolicy, hidden: (Int) -> Bool) -> CaseError.Problem? {
        guard let c = Value.compare(slots[upper], slots[lower]), c < 0 else { return nil }
        let fields = model.fields
        func shown(_ slot: Int) -> String {
            "`\(fields[slot].name)` " + (hidden(slot) ? CaseDecoder.hidden : model.constraintText(slots[slot]))
        }
        let inTime = fields[upper].type == .timestamp || fields[upper].type == .date
        return .init(field: fields[declaredBy].name, code: .fieldOrder,
                     message: "\(shown(upper)) is \(inTime ? "before" : "less than") \(shown(lower)), but `\(fields[declaredBy].name)` has `\(key): \(fields[named].name)`: the case contradicts itself",
                     help: "correct the record: `\(fields[upper].name)` cannot be \(inTime ? "earlier" : "less") than `\(fields[lower].name)`")
    }
}
