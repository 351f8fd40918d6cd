/// Why a decision's output could not be read by name with a typed accessor
/// (``Decision/member(_:)``, ``Decision/money(_:)``, ``Decision/value(_:)``, ...): the policy has no
/// output of that name, or the output is of another type than the accessor reads.
///
/// ```
/// `aprover` is not an output of quality-complaints 1.0.0 (did you mean `approver`?)
/// output `approver` of quality-complaints 1.0.0 is a `role`, not money: read it with `member(_:)`
/// ```
/// Both are mistakes in the calling program, never in the case: an output that no rule set for this
/// case is not an error, the accessor returns nil.
public struct OutputAccessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the access.
    public enum Reason: Sendable, Equatable {
        /// The policy has no output of that name; `suggestion` is the closest one when one is near.
        case unknownOutput(suggestion: String?)
        /// The output is declared `actualType` (as the policy writes it: `role`, `money`,
        /// `list<role>`), which the accessor `asked` (`money`, a member, ...) does not read;
        /// `accessor` is the one that does (`member(_:)`).
        case wrongType(asked: String, actualType: String, accessor: String)
    }

    /// The output name asked for.
    public var output: String
    /// The policy that decided, whose outputs were asked.
    public var policy: PolicyIdentity
    /// Why it could not be read: no output of that name, or an output of another type.
    public var reason: Reason

    /// The error for reading `output` of `policy`, refused for `reason`.
    ///
    /// - Parameters:
    ///   - output: The output name asked for, as the caller wrote it.
    ///   - policy: The policy that decided (its name and version).
    ///   - reason: Why the output could not be read.
    public init(output: String, policy: PolicyIdentity, reason: Reason) {
        self.output = output
        self.policy = policy
        self.reason = reason
    }

    /// One line: what was asked, of which policy, and what to do instead.
    public var description: String {
        let name = TextEscaping.escaped(output)
        let of = "\(TextEscaping.escaped(policy.name)) \(TextEscaping.escaped(policy.version))"
        switch reason {
        case .unknownOutput(let suggestion?):
            return "`\(name)` is not an output of \(of) (did you mean `\(suggestion)`?)"
        case .unknownOutput(nil):
            return "`\(name)` is not an output of \(of)"
        case .wrongType(let asked, let actual, let accessor):
            return "output `\(name)` of \(of) is a `\(actual)`, not \(asked): read it with `\(accessor)`"
        }
    }
}
