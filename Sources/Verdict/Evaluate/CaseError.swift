/// Why a case could not be decided: every problem found, by field.
///
/// ```
/// case `Q-7` is invalid:
///   cost: `12.345` has more than 2 decimal places
///   problem: `fyl` is not a member of `problem_kind` (did you mean `fly`?)
///   received_at: missing required field
/// ```
public struct CaseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One thing wrong with a case.
    public struct Problem: Sendable, Equatable {
        /// The field concerned, or nil for the case as a whole.
        public var field: String?
        /// What kind of problem: ``CaseProblemCode/missingField``, ``CaseProblemCode/invalidValue``, ...
        /// (its `rawValue`, `missing-field`, is what the JSON and the command line show).
        public var code: CaseProblemCode
        /// What is wrong, in English.
        public var message: String
        /// How to fix it, when there is something to say ("did you mean `fly`?").
        public var help: String?

        /// The code a batch's reader gave a line it refused, or the batch it stopped, at a limit of its
        /// own (``CaseProblemCode/readerLimit``): `too-many-lines`, the service's `body-too-large`.
        package var readerCode: String?

        /// The code as the JSON and the command line show it: the raw value, or the reader's own code.
        package var codeText: String { readerCode ?? code.rawValue }

        /// A problem with `field` (nil: the case as a whole).
        ///
        /// - Parameters:
        ///   - field: The field's name as the case writes it; nil for the case as a whole.
        ///   - code: The problem's code, as the JSON's `code` shows it (`missing-field`).
        ///   - message: What is wrong, in a sentence.
        ///   - help: What to do about it, when there is advice.
        public init(field: String?, code: CaseProblemCode, message: String, help: String? = nil) {
            self.field = field
            self.code = code
            self.message = message
            self.help = help
        }

        /// A line refused, or a batch stopped, by its reader at a limit of its own, under that reader's
        /// `code` (``CaseProblemCode/readerLimit``).
        package init(readerCode: String, message: String) {
            self.init(field: nil, code: .readerLimit, message: message)
            self.readerCode = readerCode
        }
    }

    /// The case's `id`, when it could be read.
    public var caseID: String?
    /// Every problem found: first those of the fields the case gives, in the order it gives them
    /// (unknown fields, wrong types, invalid values, bounds), then each required field it leaves out,
    /// in the policy's declaration order.
    public var problems: [Problem]

    /// An error for the case `caseID` (nil when its `id` could not be read).
    ///
    /// - Parameters:
    ///   - caseID: The case's `id`; nil when it could not be read.
    ///   - problems: Every problem found, in the order `problems` describes.
    public init(caseID: String?, problems: [Problem]) {
        self.caseID = caseID
        self.problems = problems
    }

    /// The case id and one line per problem, as `verdict decide` prints them; control characters from
    /// the case are escaped (see `TextEscaping`).
    public var description: String {
        var out = caseID.map { "case `\(TextEscaping.escaped($0))` is invalid:" } ?? "case is invalid:"
        for p in problems {
            out += "\n  " + TextEscaping.escaped((p.field.map { "\($0): " } ?? "") + p.message)
            if let h = p.help { out += " (\(TextEscaping.escaped(h)))" }
        }
        return out
    }

    /// The error as one line of JSON:
    /// `{"message": ..., "problems": [{"field": ..., "code": ..., "message": ..., "help": ...}]}`.
    public func json() -> String {
        var w = JSONWriter()
        write(to: &w)
        return w.output
    }

    package func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("message", problems.count == 1 ? problems[0].message : "\(problems.count) problems in the case")
            w.key("problems")
            w.array { w in
                for p in problems {
                    w.object { w in
                        if let f = p.field { w.field("field", f) }
                        w.field("code", p.codeText)
                        w.field("message", p.message)
                        if let h = p.help { w.field("help", h) }
                    }
                }
            }
        }
    }
}
