/// A decision's outputs as a type `verdict codegen swift` generated for a policy set: each output a
/// typed optional property (nil when no rule set it for the case), enums as the generated Swift enums.
///
/// The generated `init(_:)` reads the outputs with ``Decision``'s accessors after
/// ``Decision/requireSchema(_:)``, so a decision by a version with other outputs is refused rather
/// than read wrongly.
public protocol GeneratedOutputs: Sendable {
    /// The schema digest of the version the type was generated from.
    static var schemaDigest: String { get }
    /// Reads a decision's outputs.
    /// - Throws: ``CaseError`` (``CaseProblemCode/schemaChanged``) when the decision's version has
    ///   another schema digest; ``OutputAccessError`` when an output cannot be read as its type.
    ///
    /// - Parameter decision: A decision by a version with the schema digest the type was generated from.
    init(_ decision: Decision) throws
}

extension Decision {
    /// The schema digest of the version that made this decision (``CompiledPolicy/schemaDigest``).
    public var schemaDigest: String { compiled.schemaDigest }

    /// Checks that this decision was made by a version with the schema digest `expected`.
    /// - Throws: ``CaseError`` with ``CaseProblemCode/schemaChanged`` when it was not.
    public func requireSchema(_ expected: String) throws(CaseError) {
        guard expected != compiled.schemaDigest else { return }
        throw PolicyVersions.schemaChanged(expected, policy: compiled, caseID: caseID)
    }

    /// An enum or role output as a generated Swift enum (`member(_:)` typed).
    /// - Throws: ``OutputAccessError`` as ``member(_:)`` does; ``CaseError`` (`schema-changed`) when
    ///   the member is not one of `type`'s cases.
    public func member<E: RawRepresentable>(_ name: String, as type: E.Type) throws -> E? where E.RawValue == String {
        guard let m = try member(name) else { return nil }
        guard let e = E(rawValue: m) else { throw memberUnknown(m, output: name, type: "\(E.self)") }
        return e
    }

    /// A list-of-members output as generated Swift enums (`members(_:)` typed).
    public func members<E: RawRepresentable>(_ name: String, as type: E.Type) throws -> [E]? where E.RawValue == String {
        guard let ms = try members(name) else { return nil }
        var out: [E] = []
        out.reserveCapacity(ms.count)
        for m in ms {
            guard let e = E(rawValue: m) else { throw memberUnknown(m, output: name, type: "\(E.self)") }
            out.append(e)
        }
        return out
    }

    private func memberUnknown(_ member: String, output: String, type: String) -> CaseError {
        let id = compiled.identity
        return CaseError(caseID: caseID, problems: [CaseError.Problem(
            field: nil, code: .schemaChanged,
            message: "output `\(output)` is `\(TextEscaping.escaped(member))`, which the generated type \(type) does not have: \(id.name) \(id.version) has schema \(compiled.schemaDigest)",
            help: "run `verdict codegen` for \(id.name) again and rebuild with the new types")])
    }
}
