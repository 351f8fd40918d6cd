/// A case type `verdict codegen swift` generated for a policy set: typed fields, and the
/// ``CompiledPolicy/schemaDigest`` of the version it was made from.
///
/// ```swift
/// let typed = QualityComplaints.Case(id: "Q-1", receivedAt: try Timestamp(rfc3339: "2026-03-02T09:15:00+08:00"), ...)
/// let outputs = try set.decide(typed, as: QualityComplaints.Outputs.self)
/// outputs.approver      // .branchManager
/// ```
/// ``PolicyVersions/answer(_:typed:)`` sends the case's JSON with its digest through the one decision
/// path, which refuses it with ``CaseProblemCode/schemaChanged`` when the version that decides it has
/// other fields or outputs than the types were made from.
public protocol GeneratedCase: Sendable {
    /// The schema digest of the version the type was generated from.
    static var schemaDigest: String { get }
    /// The case's fields by name, in declaration order; an optional field left out is ``CaseValue/null``.
    var caseValues: [(name: String, value: CaseValue)] { get }
}

extension GeneratedCase {
    /// The case as the JSON object the policy set decides: money as decimal strings, timestamps in
    /// RFC 3339 with their offset (UTC), dates as `YYYY-MM-DD`, durations as `1d12h`, members by name.
    public var caseJSON: String {
        var w = JSONWriter()
        w.object { w in
            for (name, value) in caseValues {
                w.key(name)
                Self.write(value, to: &w)
            }
        }
        return w.output
    }

    private static func write(_ value: CaseValue, to w: inout JSONWriter) {
        switch value {
        case .string(let s), .member(let s): w.string(s)
        case .bool(let b): w.bool(b)
        case .integer(let i): w.number(i)
        case .money(let m): w.string(m.description)
        case .timestamp(let t): w.string(t.rfc3339(in: .utc))
        case .date(let d): w.string(d.description)
        case .duration(let d): w.string(d.description)
        case .list(let items): w.array { w in for item in items { write(item, to: &w) } }
        case .null: w.null()
        }
    }
}
