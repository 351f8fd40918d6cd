/// One token of JSON text, as ``JSONTokenizer`` reads it: positions into the text, never copies.
///
/// Commas and colons are not tokens: the tokenizer checks them. A member name is a ``key(_:)``, its
/// value the token after it; the tokens of a well-formed text always nest and alternate properly.
package enum JSONToken: Equatable, Sendable {
    case beginObject
    case endObject
    case beginArray
    case endArray
    /// A member name (its escapes checked, not yet decoded).
    case key(Text)
    /// A string value (its escapes checked, not yet decoded).
    case string(Text)
    /// A number's text, exactly as written (checked against JSON's grammar): never converted here.
    case number(Range<Int>)
    case bool(Bool)
    case null
    /// The end of the text, after the one top-level value and white space.
    case end

    /// A string's bytes between its quotes, valid UTF-8 with valid escapes: ``JSONTokenizer/string(_:)``
    /// decodes it.
    package struct Text: Equatable, Sendable {
        /// The bytes between the quotes, escapes as written.
        package var range: Range<Int>
        /// Whether the string holds a backslash escape: when not, its bytes are its text.
        package var hasEscapes: Bool
        /// Whether every byte as written is ASCII (an escape may still stand for other text).
        package var isASCII: Bool
    }
}
