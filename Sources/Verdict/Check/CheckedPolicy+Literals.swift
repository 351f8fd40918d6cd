/// Why a piece of text is not a value of a type.
struct LiteralProblem: Error, Sendable {
    var code: DiagnosticCode
    var message: String
    var help: String?
}

extension CheckedPolicy {
    /// Reads text as a constant of `type`: a member name, `true`, `300.01`, `2026-03-02T09:00:00+08:00`, `2d`.
    func parseLiteral(_ text: String, as type: ValueType) -> Result<Value, LiteralProblem> {
        func bad(_ message: String, help: String? = nil) -> Result<Value, LiteralProblem> {
            .failure(LiteralProblem(code: .invalidLiteral, message: message, help: help))
        }
        switch type {
        case .enumeration(let e):
            if let id = enums[e].byName[text] { return .success(.member(id)) }
            return .failure(LiteralProblem(code: .unknownMember, message: "`\(text)` is not a member of `\(enums[e].name)`",
                                           help: Suggestions.help(for: text, in: enums[e].members.map { members[Int($0)].name }, what: "members")))
        case .string: return .success(.string(text))
        case .bool:
            if text == "true" { return .success(.bool(true)) }
            if text == "false" { return .success(.bool(false)) }
            return bad("expected `true` or `false`, found `\(text)`")
        case .integer:
            if let i = Int64(text) { return .success(.int(i)) }
            return bad(WholeNumber.isWritten(text) ? WholeNumber.problem(text) : "`\(text)` is not an integer")
        case .money:
            do { return .success(.money(try Money(parsing: text, scale: moneyScale).minorUnits)) } catch {
                if case .outOfRange = error { return bad("\(error) in \(currency)") }
                return bad("\(error) for money in \(currency)")
            }
        case .timestamp:
            do { return .success(.time(try Timestamp(rfc3339: text).millisecondsSinceEpoch)) } catch { return bad(error.description) }
        case .date:
            do { return .success(.date(Int32(try CivilDate(iso: text).daysSinceEpoch))) } catch { return bad(error.description) }
        case .duration:
            do { return .success(.duration(try ClockDuration(text: text).milliseconds)) } catch { return bad(error.description) }
        case .list:
            return bad("a list value must be written as a YAML list")
        }
    }
}
