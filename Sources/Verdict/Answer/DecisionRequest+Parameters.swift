/// A ``DecisionRequest`` set from named text parameters: the service's query string
/// (`?explain=compact&lang=zh`) and the C library's options (`{"explain": "compact", "lang": "zh"}`)
/// read the same names with the same words, here.
extension DecisionRequest {
    /// The parameters ``set(parameter:to:)`` reads, in the order they are documented.
    public static let parameterNames = ["explain", "lang", "now", "why_not", "format", "schema_digest"]

    /// Sets one parameter from its text:
    /// - `explain`: `true`, `1`, `yes`, `full` or empty (a full explanation), `compact`, or `false`, `0`,
    ///   `no`, `none`;
    /// - `lang`: `en` or `zh`;
    /// - `now`: an RFC 3339 timestamp with an offset (a space where the offset's `+` was is read as `+`,
    ///   as an unencoded query string gives it);
    /// - `why_not`: one question, added to those already set (`approver=branch_manager`);
    /// - `format`: `decision`, `explanation` or `text`;
    /// - `schema_digest`: the schema digest generated types were made from (`sha256:` and 64 hex digits;
    ///   see ``DecisionRequest/schemaDigest``).
    ///
    /// - Throws: ``DecisionRequestParameterError`` naming the parameter and what is wrong.
    public mutating func set(parameter name: String, to value: String) throws(DecisionRequestParameterError) {
        switch name {
        case "explain":
            switch value.lowercased() {
            case "true", "1", "yes", "", "full": explanation = .full
            case "compact": explanation = .compact
            case "false", "0", "no", "none": explanation = .none
            default: throw .init(name, "`\(TextEscaping.escaped(value))` is not true, false, compact or full")
            }
        case "lang":
            guard let l = Language(rawValue: value) else { throw .init(name, "`\(TextEscaping.escaped(value))` is not a language: use en or zh") }
            language = l
        case "now":
            // An offset's `+` written unencoded in a query string (`now=2026-03-05T09:00:00+08:00`) reads
            // as a space; a time never holds one, so it is the `+` it was meant to be.
            let text = value.contains(" ") ? String(value.map { $0 == " " ? "+" : $0 }) : value
            do { now = try Timestamp(rfc3339: text) } catch {
                throw .init(name, "`\(TextEscaping.escaped(value))` is not an RFC 3339 timestamp with an offset: \(error)")
            }
        case "why_not":
            whyNot.append(value)
        case "format":
            guard let f = Format(rawValue: value) else {
                throw .init(name, "`\(TextEscaping.escaped(value))` is not a format: use decision, explanation or text")
            }
            format = f
        case "schema_digest":
            guard value.hasPrefix("sha256:"), value.utf8.count == 71,
                  value.utf8.dropFirst(7).allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw .init(name, "`\(TextEscaping.escaped(value))` is not a schema digest: give `sha256:` and 64 lowercase hex digits, as `verdict codegen` writes it")
            }
            schemaDigest = value
        default:
            throw .unknown(name)
        }
    }
}

/// A parameter of a ``DecisionRequest`` that cannot be read (see ``DecisionRequest/set(parameter:to:)``).
public struct DecisionRequestParameterError: Error, Sendable, CustomStringConvertible {
    /// The parameter's name, as given.
    public var parameter: String
    /// What is wrong with it, in a sentence without the name.
    public var message: String

    /// The error for `parameter` (its name, as given) with `message`, what is wrong with it.
    ///
    /// - Parameters:
    ///   - parameter: The parameter's name, as given.
    ///   - message: What is wrong with it, in a sentence without the name.
    public init(_ parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// A parameter ``DecisionRequest/set(parameter:to:)`` does not read.
    public static func unknown(_ name: String) -> DecisionRequestParameterError {
        .init(name, "unknown parameter `\(TextEscaping.escaped(name))`: the parameters are \(DecisionRequest.parameterNames.joined(separator: ", "))")
    }

    /// One line: the parameter's name in backticks, a colon, then the message.
    public var description: String { "`\(TextEscaping.escaped(parameter))`: \(message)" }
}
