/// A problem found while loading a policy set: where, what, and what to do about it.
///
/// Messages are lowercase without a final period, with user input in backticks;
/// advice goes in ``help``. Each has a stable ``code`` (such as `unknown-field`) that tools can match.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious a diagnostic is: an error stops the policy from loading; a warning or a note does not.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// `error` stops the policy from loading; `warning` points at something probably unintended; `note` adds information
        /// (such as a table the analysis could not prove).
        case error, warning, note
        /// The more serious first: `error` before `warning` before `note`.
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    /// A secondary location that helps understand the problem (the first definition of a duplicate, ...).
    public struct Note: Sendable, Hashable {
        /// What the note says.
        public var message: String
        /// Where it points, when it points somewhere.
        public var location: SourceLocation?
        /// A note with its message and, optionally, where it points.
        ///
        /// - Parameters:
        ///   - message: What the note says.
        ///   - location: Where it points; nil when it points nowhere in particular.
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    /// Whether this is an error, a warning or a note.
    public var severity: Severity
    /// A ``DiagnosticCode``'s raw value: `unknown-field`.
    public var code: String
    /// What is wrong, lowercase without a final period, with user input in backticks.
    public var message: String
    /// Where: the file, line and column of the token at fault; nil for a problem of the whole set (no manifest).
    public var location: SourceLocation?
    /// Further places and facts that explain the problem (the first definition of a duplicate, a case that hits two rules).
    public var notes: [Note]
    /// What to do about it: "did you mean `cost`?", or the valid names.
    public var help: String?
    /// For the closing ``DiagnosticCode/moreDiagnostics`` note only: how many errors and warnings were
    /// found but not kept, so the count a renderer prints is the true one.
    public internal(set) var omitted: (errors: Int, warnings: Int) {
        get { (omittedErrors, omittedWarnings) }
        set { (omittedErrors, omittedWarnings) = newValue }
    }
    private var omittedErrors = 0, omittedWarnings = 0

    /// A diagnostic of any severity.
    ///
    /// - Parameters:
    ///   - severity: Error, warning or note.
    ///   - code: Its code in the catalogue (``DiagnosticCode``).
    ///   - message: What is wrong, in a sentence.
    ///   - location: Where in the policy source; nil when it is about no one place.
    ///   - notes: Further places and facts that explain it.
    ///   - help: What to do about it, when there is advice.
    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                notes: [Note] = [], help: String? = nil) {
        self.severity = severity
        self.code = code.rawValue
        self.message = message
        self.location = location
        self.notes = notes
        self.help = help
    }

    /// An error: the policy does not load while it has one.
    public static func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                             notes: [Note] = [], help: String? = nil) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes, help: help)
    }

    /// A warning: the policy loads, but this is probably not what was meant.
    public static func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                               notes: [Note] = [], help: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes, help: help)
    }

    /// `path:line:col: error: message`, with control characters escaped (see `TextEscaping`).
    public var description: String {
        let place = location.map { "\(TextEscaping.escaped($0.description)): " } ?? ""
        return "\(place)\(severity.rawValue): \(TextEscaping.escaped(message))"
    }
}

/// Collects diagnostics from every stage, so a user sees every problem at once.
struct DiagnosticBag: Sendable {
    private(set) var items: [Diagnostic] = []
    /// Everything added, kept or not, so repeats are not counted twice.
    private var seen: Set<Diagnostic> = []
    /// How many errors and warnings were found past ``limit``: counted, never silently dropped.
    private var omittedErrors = 0, omittedWarnings = 0
    /// The most diagnostics kept; a policy this broken has a cause the first ones show.
    static let limit = 200

    var hasErrors: Bool { omittedErrors > 0 || items.contains { $0.severity == .error } }

    mutating func add(_ d: Diagnostic) {
        guard seen.insert(d).inserted else { return }
        if items.count < Self.limit { items.append(d); return }
        if d.severity == .error { omittedErrors += 1 } else if d.severity == .warning { omittedWarnings += 1 }
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                        notes: [Diagnostic.Note] = [], help: String? = nil) {
        add(.error(code, message, at: location, notes: notes, help: help))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                          notes: [Diagnostic.Note] = [], help: String? = nil) {
        add(.warning(code, message, at: location, notes: notes, help: help))
    }

    /// Sorted by file, line and column; diagnostics without a location come first. When some were
    /// past ``limit``, a closing ``DiagnosticCode/moreDiagnostics`` note says how many.
    var sorted: [Diagnostic] {
        var kept = keptSorted
        if omittedErrors + omittedWarnings > 0 {
            var parts: [String] = []
            if omittedErrors > 0 { parts.append("\(omittedErrors) more error\(omittedErrors == 1 ? "" : "s")") }
            if omittedWarnings > 0 { parts.append("\(omittedWarnings) more warning\(omittedWarnings == 1 ? "" : "s")") }
            var note = Diagnostic(.note, .moreDiagnostics,
                                  "\(parts.joined(separator: " and ")) not shown: only the first \(Self.limit) diagnostics are listed",
                                  at: nil, help: "fix the problems above and check again")
            note.omitted = (omittedErrors, omittedWarnings)
            kept.append(note)
        }
        return kept
    }

    private var keptSorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case let (x?, y?): return x == y ? a.offset < b.offset : x < y
            case (nil, _?): return true
            case (_?, nil): return false
            case (nil, nil): return a.offset < b.offset
            }
        }.map(\.element)
    }
}
