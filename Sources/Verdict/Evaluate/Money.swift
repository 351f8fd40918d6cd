/// An exact amount of money in minor units (fen for CNY): never floating point.
///
/// ```swift
/// let m = try Money(parsing: "300.01", scale: 2)   // 30001 fen
/// m.description                                     // "300.01"
/// ```
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The amount in minor units: 300.01 CNY is 30001.
    public var minorUnits: Int64
    /// Decimal places of the currency's minor unit (2 for CNY).
    public var scale: Int

    /// An amount of `minorUnits` hundredths (or 10^-`scale` units): `Money(minorUnits: 30001)` is 300.01.
    ///
    /// - Parameters:
    ///   - minorUnits: The amount in minor units: 30001 for 300.01 at scale 2.
    ///   - scale: Decimal places of the currency's minor unit (2 for CNY).
    public init(minorUnits: Int64, scale: Int = 2) {
        self.minorUnits = minorUnits
        self.scale = scale
    }

    /// Parses decimal text such as `300`, `300.5`, `-12.30`, as the policy language writes amounts.
    /// More decimals than `scale` is an error, never a rounding; so is exponent notation, a leading
    /// `+`, a missing whole part (`.5`) and anything beyond ±(2^63 − 1) minor units, whose message
    /// says whether it is too large or too small and gives the range.
    ///
    /// - Parameters:
    ///   - text: The amount as decimal text, such as `300`, `300.5` or `-12.30`.
    ///   - scale: Decimal places of the currency's minor unit: the most decimals `text` may have.
    public init(parsing text: some StringProtocol, scale: Int = 2) throws(MoneyFormatError) {
        var s = Substring(text)
        let negative = s.hasPrefix("-")
        if negative { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, whole.allSatisfy({ $0.isASCII && $0.isNumber }),
              fraction.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count == 1 || !fraction.isEmpty else {
            throw .notDecimal(String(text))
        }
        guard fraction.count <= scale else { throw .tooPrecise(String(text), scale: scale) }
        var units: Int64 = 0
        for c in whole + fraction + String(repeating: "0", count: scale - fraction.count) {
            let (m, o1) = units.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(c.wholeNumberValue!))
            guard !o1, !o2 else { throw .outOfRange(String(text), scale: scale) }
            units = a
        }
        self.init(minorUnits: negative ? -units : units, scale: scale)
    }

    /// By minor units: amounts of the same scale (one currency) compare as their values.
    public static func < (a: Money, b: Money) -> Bool { a.minorUnits < b.minorUnits }

    /// Decimal text with exactly `scale` decimals: `300.00`.
    public var description: String { Self.format(minorUnits, scale: scale) }

    static func format(_ units: Int64, scale: Int) -> String {
        guard scale > 0 else { return String(units) }
        let mag = units.magnitude
        var p: UInt64 = 1
        for _ in 0..<scale { p *= 10 }
        let frac = String(mag % p)
        return (units < 0 ? "-" : "") + String(mag / p) + "." + String(repeating: "0", count: scale - frac.count) + frac
    }

    /// Decimal places of a currency's minor unit (ISO 4217); 2 when unknown.
    public static func scale(ofCurrency code: String) -> Int {
        switch code {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }
}

/// Why text is not an amount of money.
public enum MoneyFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not a decimal number (`abc`, `1e3`, `.5`).
    case notDecimal(String)
    /// More decimal places than the currency has (`300.005`): never rounded.
    case tooPrecise(String, scale: Int)
    /// Beyond ±(2^63 − 1) minor units (±92233720368547758.07 at 2 decimals), either way.
    case outOfRange(String, scale: Int)

    /// The reason, quoting the text.
    public var description: String {
        switch self {
        case .notDecimal(let t): return "`\(Suggestions.clip(t))` is not a decimal amount (like 300 or 300.01)"
        case let .tooPrecise(t, scale): return "`\(Suggestions.clip(t))` has more than \(scale) decimal places"
        case let .outOfRange(t, scale):
            let largest = Money.format(.max, scale: scale)
            return "`\(Suggestions.clip(t))` is too \(t.hasPrefix("-") ? "small" : "large"): an amount runs from -\(largest) to \(largest)"
        }
    }
}
