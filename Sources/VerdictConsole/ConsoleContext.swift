import Verdict

/// What every page needs besides its own model: the language, the form token, and which pages exist.
public struct ConsoleContext: Sendable {
    /// The language pages are written in.
    public var language: Language
    /// The double-submit token the page's POST forms carry (the same value is in a SameSite=Strict cookie).
    public var csrfToken: String
    /// True when the server has a decision log, so the audit page and replay are available.
    public var hasAuditLog: Bool
    /// The path and query of this page without `lang`, for the language switch.
    public var path: String
    /// The query of this page without `lang`.
    public var query: [(String, String)]
    /// Who is signed in (name and role), shown in the header of every page; nil when no one is.
    public var signedIn: (name: String, role: String)? = nil
    /// True when the server keeps proposals (governed changes, issue 32): the navigation links to them,
    /// and a checked draft offers "Propose this change".
    public var hasProposals = false
    /// True when the person signed in through the console's sign-in form: the header offers to sign out.
    public var canSignOut = false

    /// A context for one page.
    public init(language: Language, csrfToken: String, hasAuditLog: Bool, path: String, query: [(String, String)] = []) {
        self.language = language
        self.csrfToken = csrfToken
        self.hasAuditLog = hasAuditLog
        self.path = path
        self.query = query
    }

    /// The console's words in this language.
    public var words: ConsoleWords { .of(language) }

    /// A label in this language, or `fallback` when the policy gives none.
    public func text(_ l: Localized, or fallback: String) -> String { l.text(language) ?? fallback }
}
