import Foundation

/// Typed case and outputs types for one version of a policy set, in Swift, Python, Java or TypeScript
/// (`verdict codegen`, issue 36 item 4).
///
/// ```swift
/// let set = try PolicyVersions.load(directory: "policies/quality-complaints")
/// let file = CodeGenerator.generate(.swift, for: set.latest)
/// file.name   // "QualityComplaints.swift"
/// ```
/// Each language gets the set's enums with their members' labels, a case type (money as an exact
/// decimal, timestamps with their zone, optional fields optional) that writes the case's JSON, an
/// outputs type read from a decision, and the version's ``CompiledPolicy/schemaDigest``. The library
/// and the bindings send that digest with the case and refuse it (``CaseProblemCode/schemaChanged``)
/// when the version deciding it has other fields or outputs. The text depends only on what the digest
/// covers, the labels and notes, and the set's name and version: the same set gives the same text.
public enum CodeGenerator {
    /// The languages generated.
    public enum Target: String, Sendable, CaseIterable {
        /// A Swift file: structs conforming to `GeneratedCase` and `GeneratedOutputs`, enums with labels.
        case swift
        /// A Python module: a frozen dataclass per case, `enum.Enum`s with their labels, `Decimal` money, timezone-aware datetimes.
        case python
        /// A Java 17 class: records and enums, `BigDecimal` money, `OffsetDateTime` times.
        case java
        /// A TypeScript module: an interface per case, `as const` member objects with their union types, and the service's query carrying the digest.
        case typescript
    }

    /// One generated source file: its conventional name and its text.
    public struct File: Sendable, Equatable {
        /// The file name the language expects (`QualityComplaints.java` for its public class).
        public var name: String
        /// The source text.
        public var text: String
    }

    /// The types of `policy` in `target`.
    ///
    /// `javaPackage` is the Java file's `package` (none when nil); the other languages ignore it.
    public static func generate(_ target: Target, for policy: CompiledPolicy, javaPackage: String? = nil) -> File {
        let schema = Schema(policy)
        switch target {
        case .swift: return SwiftCodeGenerator.generate(schema)
        case .python: return PythonCodeGenerator.generate(schema)
        case .java: return JavaCodeGenerator.generate(schema, package: javaPackage)
        case .typescript: return TypeScriptCodeGenerator.generate(schema)
        }
    }

    /// What the generators read: the model's fields, outputs and the enums they use.
    struct Schema {
        indirect enum Kind {
            case bool, integer, string, money, timestamp, date, duration
            case enumeration(Int)  // index into `enums`
            case list(Kind)
        }
        struct Member { var name: String; var label: Localized }
        struct Enum { var name: String; var members: [Member] }
        struct Value { var name: String; var kind: Kind; var optional: Bool; var label: Localized; var note: Localized }

        var name: String
        var version: String
        var title: Localized
        var digest: String
        var currency: String
        var moneyScale: Int
        var fields: [Value] = []
        var outputs: [Value] = []
        var enums: [Enum] = []

        init(_ policy: CompiledPolicy) {
            let model = policy.model
            name = policy.identity.name
            version = policy.identity.version
            title = policy.identity.title
            digest = policy.schemaDigest
            currency = model.currency
            moneyScale = model.moneyScale
            var enumIndex: [Int: Int] = [:]
            var enums: [Enum] = []
            func kind(_ t: ValueType) -> Kind {
                switch t {
                case .bool: return .bool
                case .integer: return .integer
                case .string: return .string
                case .money: return .money
                case .timestamp: return .timestamp
                case .date: return .date
                case .duration: return .duration
                case .list(let inner): return .list(kind(inner))
                case .enumeration(let e):
                    if let i = enumIndex[e] { return .enumeration(i) }
                    let info = model.enums[e]
                    enums.append(Enum(name: info.name, members: info.members.map {
                        let m = model.members[Int($0)]
                        return Member(name: m.name, label: m.label)
                    }))
                    enumIndex[e] = enums.count - 1
                    return .enumeration(enums.count - 1)
                }
            }
            fields = model.fields.map {
                Value(name: $0.name, kind: kind($0.type), optional: $0.optional || $0.defaultValue != nil,
                      label: $0.annotations.label, note: $0.annotations.note)
            }
            outputs = model.outputs.map {
                Value(name: $0.name, kind: kind($0.type), optional: true, label: $0.annotations.label, note: $0.annotations.note)
            }
            self.enums = enums
        }
    }

    /// `quality_complaints`, `quality-complaints` → `qualityComplaints` (or `QualityComplaints` when `upper`).
    static func camel(_ name: String, upper: Bool) -> String {
        let parts = name.split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
        var out = ""
        for (i, p) in parts.enumerated() {
            out += (i == 0 && !upper) ? p.prefix(1).lowercased() + p.dropFirst() : p.prefix(1).uppercased() + p.dropFirst()
        }
        if out.isEmpty { out = upper ? "Value" : "value" }
        if out.first!.isNumber { out = (upper ? "V" : "v") + out }
        return out
    }

    /// `broken_pack` → `BROKEN_PACK`.
    static func constant(_ name: String) -> String {
        var out = name.uppercased().map { ($0.isLetter || $0.isNumber) ? $0 : "_" }
        if let f = out.first, f.isNumber { out.insert("_", at: 0) }
        return String(out)
    }

    /// A label as one line of a comment: `single pack broken · 单支破袋`, without comment closers.
    static func labelText(_ label: Localized, _ note: Localized = Localized()) -> String? {
        var parts = [label.en, label.zh].compactMap { $0 }
        if let n = note.en { parts.append("— " + n) }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: " · ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "*/", with: "* /")
    }

    /// A string literal with `"` and `\` escaped and controls as `\u` escapes (`\u{…}` in Swift).
    static func quoted(_ s: String, swift: Bool = false) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where u.value < 0x20 || u.value == 0x7f:
                out += swift ? "\\u{\(String(u.value, radix: 16))}" : "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
