import Foundation

/// What a person may do with policy changes (issue 32). Each role may do everything the ones before
/// it may: a viewer reads; an editor also proposes changes and withdraws their own; an approver also
/// approves or rejects proposals — never their own; an admin also reloads and manages the service.
public enum Role: String, Sendable, CaseIterable, Comparable, Codable {
    case viewer, editor, approver, admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .editor: 1
        case .approver: 2
        case .admin: 3
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// True when this role may do what `needed` may.
    public func allows(_ needed: Role) -> Bool { self >= needed }
}

/// Someone the service knows: a name (from the users file, a trusted proxy's header, or the token file)
/// and a role. The name is what the decision log records for each step of a change.
public struct Identity: Sendable, Hashable, Codable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }

    /// True when `a` and `b` name one person however they were typed: compared after Unicode
    /// compatibility normalisation and case folding (`Li.Wei` from a JWT and `li.wei` from the users
    /// file are one person — four eyes cannot be two spellings of one name).
    public static func sameName(_ a: String, _ b: String) -> Bool {
        folded(a) == folded(b)
    }

    /// `name` as ``sameName(_:_:)`` compares it: compatibility-normalised, then case- and width-folded
    /// (`ß` and `ss`, `ς` and `σ`, `ｂｏｂ` and `bob` are one).
    public static func folded(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.folding(options: [.caseInsensitive, .widthInsensitive], locale: nil)
            .precomposedStringWithCompatibilityMapping
    }

    /// True when `name` is fit to be a user's name: 1 to 64 characters, letters, digits and `. _ - @`
    /// (no spaces, quotes or control characters, so it can be shown, logged and compared as it is).
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.count) else { return false }
        return name.unicodeScalars.allSatisfy { s in
            s.properties.isAlphabetic || ("0"..."9").contains(s) || ".-_@".unicodeScalars.contains(s)
        }
    }
}
