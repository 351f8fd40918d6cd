/// What is wrong with text that is not an `integer`: a whole number beyond 64 bits is out of range
/// (and the message gives the range), anything else is not a whole number.
///
/// ```swift
/// WholeNumber.problem("9223372036854775808")
/// // "`9223372036854775808` is too large for an integer, which runs from -9223372036854775808 to 9223372036854775807"
/// WholeNumber.problem("1.5")   // "`1.5` is not a whole number"
/// ```
enum WholeNumber {
    /// Whether `text` is written as a whole number (an optional `-`, then digits), whatever its size.
    static func isWritten(_ text: some StringProtocol) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        return !digits.isEmpty && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Why `text`, which `Int64` refused, is not an integer: too large, too small, or not whole.
    static func problem(_ text: some StringProtocol) -> String {
        let shown = "`\(Suggestions.clip(text))`"
        guard isWritten(text) else { return "\(shown) is not a whole number" }
        return "\(shown) is too \(text.hasPrefix("-") ? "small" : "large") for an integer, which runs from \(Int64.min) to \(Int64.max)"
    }
}
