import Crypto
import Foundation

/// The digest of what a set's generated types depend on (issue 36, item 4): its case fields and its
/// outputs, with their types, enum members and money scale — not its rules, labels or notes.
///
/// `verdict codegen` writes it into the types it generates; a typed case carries it, and the answer
/// refuses the case (``CaseProblemCode/schemaChanged``) when the version that decides it has another,
/// because the set's fields or outputs have changed since the types were made. SHA-256 over the
/// `canonicalText(_:)` of the model, as `sha256:` and 64 hex digits (``CompiledPolicy/schemaDigest``).
public enum SchemaDigest {
    /// One line per fact, in a fixed order:
    /// ```
    /// verdict-schema 1
    /// money CNY 2
    /// field cost money required
    /// field resolved_at timestamp optional
    /// output approver role
    /// enum role handler finance_supervisor
    /// ```
    /// Fields and outputs in declaration order (a field with a default is `optional`: a case may leave
    /// it out), then every enum a field or output uses (roles are the enum `role`), its members in order.
    static func canonicalText(_ model: CheckedPolicy) -> String {
        var lines = ["verdict-schema 1", "money \(model.currency) \(model.moneyScale)"]
        var used = Set<Int>()
        func note(_ t: ValueType) {
            switch t {
            case .enumeration(let e): used.insert(e)
            case .list(let inner): note(inner)
            default: break
            }
        }
        for f in model.fields {
            lines.append("field \(f.name) \(model.typeName(f.type)) \(f.optional || f.defaultValue != nil ? "optional" : "required")")
            note(f.type)
        }
        for o in model.outputs {
            lines.append("output \(o.name) \(model.typeName(o.type))")
            note(o.type)
        }
        for e in used.sorted() {
            let info = model.enums[e]
            lines.append((["enum", info.name] + info.members.map { model.members[Int($0)].name }).joined(separator: " "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `sha256:` and the hex SHA-256 of the model's ``canonicalText(_:)``.
    static func compute(_ model: CheckedPolicy) -> String {
        let digest = SHA256.hash(data: Array(canonicalText(model).utf8))
        return "sha256:" + digest.map { String(format: "%02x", $0) }.joined()
    }
}

extension CompiledPolicy {
    /// The canonical text ``schemaDigest`` is the SHA-256 of (see ``SchemaDigest``).
    public var schemaText: String { SchemaDigest.canonicalText(model) }
}
