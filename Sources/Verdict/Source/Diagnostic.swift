/// A problem found while loading a policy set: where, what, and what to do about it.
///
/// Messages are lowercase without a final period, with user input in backticks;
/// advice goes in ``help``. Each has a stable ``code`` (such as `unknown-field`) that tools can match.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error, warning, note
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        var rank: Int { self == .error ? 0 : self == .warning ? 1 : 2 }
    }

    /// A secondary location that helps understand the problem (the first definition of a duplicate, ...).
    public struct Note: Sendable, Hashable {
        public var message: String
        public var location: SourceLocation?
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    /// A ``DiagnosticCode``'s raw value: `unknown-field`.
    public var code: String
    public var message: String
    public var location: SourceLocation?
    public var notes: [Note]
    public var help: String?

    public init(_ severity: Severity, _ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                notes: [Note] = [], help: String? = nil) {
        self.severity = severity
        self.code = code.rawValue
        self.message = message
        self.location = location
        self.notes = notes
        self.help = help
    }

    public static func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                             notes: [Note] = [], help: String? = nil) -> Diagnostic {
        Diagnostic(.error, code, message, at: location, notes: notes, help: help)
    }

    public static func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                               notes: [Note] = [], help: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code, message, at: location, notes: notes, help: help)
    }

    /// `path:line:col: error: message`
    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)\(severity.rawValue): \(message)"
    }
}

/// Collects diagnostics from every stage, so a user sees every problem at once.
struct DiagnosticBag: Sendable {
    private(set) var items: [Diagnostic] = []
    /// The most diagnostics kept; a policy this broken has a cause the first ones show.
    static let limit = 200

    var hasErrors: Bool { items.contains { $0.severity == .error } }

    mutating func add(_ d: Diagnostic) {
        if items.count < Self.limit, !items.contains(d) { items.append(d) }
    }

    mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                        notes: [Diagnostic.Note] = [], help: String? = nil) {
        add(.error(code, message, at: location, notes: notes, help: help))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation?,
                          notes: [Diagnostic.Note] = [], help: String? = nil) {
        add(.warning(code, message, at: location, notes: notes, help: help))
    }

    /// Sorted by file, line and column; diagnostics without a location come first.
    var sorted: [Diagnostic] {
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
