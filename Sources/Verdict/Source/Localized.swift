/// Text in English and Chinese; either may be missing, and the other stands in for it.
public struct Localized: Sendable, Hashable, Codable {
    /// The English text, if given.
    public var en: String?
    /// The Chinese text, if given.
    public var zh: String?

    /// Text in either language or both.
    ///
    /// - Parameters:
    ///   - en: The English text; nil when not given.
    ///   - zh: The Chinese text; nil when not given.
    public init(en: String? = nil, zh: String? = nil) {
        self.en = en
        self.zh = zh
    }

    /// True when neither language is given.
    public var isEmpty: Bool { en == nil && zh == nil }

    /// The text in `language`, falling back to the other language.
    public func text(_ language: Language) -> String? {
        switch language {
        case .en: return en ?? zh
        case .zh: return zh ?? en
        }
    }
}

/// The languages explanations are written in.
public enum Language: String, Sendable, CaseIterable {
    /// English.
    case en
    /// Chinese (simplified).
    case zh
}
