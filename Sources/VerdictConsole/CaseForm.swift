import Foundation
import Verdict

/// The try-a-case form's values as a case in JSON, field by field from the policy's outline. It
/// only transcribes what was typed: the policy's own case decoder judges it, with its own messages.
public struct CaseForm: Sendable {
    /// The form's values by field name (`f.NAME` in the query), several for a list.
    public var values: [String: [String]]
    /// `now` for clocks, as typed.
    public var now: String
    /// A "why not …?" question, as typed (`approver=branch_manager`); empty for none.
    public var whyNot: String

    /// The values of `pairs` (a query string's): `f.NAME=value` and `now=…`.
    public init(_ pairs: [(String, String)]) {
        var v: [String: [String]] = [:]
        for (k, value) in pairs where k.hasPrefix("f.") { v[String(k.dropFirst(2)), default: []].append(value) }
        values = v
        now = FormData.value(pairs, "now") ?? ""
        whyNot = (FormData.value(pairs, "whynot") ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// The first value typed for `field`, trimmed; nil when empty.
    public func value(_ field: String) -> String? {
        guard let s = values[field]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
        return s
    }

    /// The case as JSON: empty fields are left out (an optional field is then absent; a required one
    /// is reported missing by the decoder), numbers and booleans as JSON values, timestamps without
    /// an offset read in the policy's zone, lists one item per line or comma.
    public func json(for outline: PolicyOutline) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            if !outline.fields.contains(where: { $0.name == "id" }), let id = value("id") { w.field("id", id) }
            for f in outline.fields {
                switch f.kind {
                case .list:
                    let items = (values[f.name] ?? []).flatMap { $0.split(whereSeparator: { $0 == "\n" || $0 == "," || $0 == "\r" }) }
                        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    guard !items.isEmpty else { continue }
                    w.key(f.name)
                    w.array { w in
                        for i in items {
                            if f.type == "list<integer>", let n = Int64(i) { w.number(n) } else { w.string(i) }
                        }
                    }
                case .bool:
                    guard let v = value(f.name) else { continue }
                    w.key(f.name)
                    switch v { case "true": w.bool(true); case "false": w.bool(false); default: w.string(v) }
                case .integer:
                    guard let v = value(f.name) else { continue }
                    w.key(f.name)
                    if let n = Int64(v) { w.number(n) } else { w.string(v) }
                case .timestamp:
                    guard let v = value(f.name) else { continue }
                    w.field(f.name, Self.timestamp(v, zone: outline.zone))
                case .money, .string, .date, .duration, .member:
                    guard let v = value(f.name) else { continue }
                    w.field(f.name, v)
                }
            }
        }
        return w.bytes
    }

    /// The `now` typed, read like a timestamp field; nil when empty.
    public func nowTimestamp(zone: Zone) throws(TimeFormatError) -> Timestamp? {
        let s = now.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { return nil }
        return try Timestamp(rfc3339: Self.timestamp(s, zone: zone))
    }

    /// `2026-03-02T09:15` (or with a space, with or without seconds) in `zone` as RFC 3339 with the
    /// zone's offset at that time; text that already has an offset, or is not of that form, unchanged.
    public static func timestamp(_ text: String, zone: Zone) -> String {
        var s = text.replacingOccurrences(of: " ", with: "T")
        let chars = Array(s)
        guard chars.count == 16 || chars.count == 19, chars.count > 10, chars[10] == "T",
              chars.allSatisfy({ $0.isNumber || $0 == "-" || $0 == ":" || $0 == "T" }) else { return text }
        if chars.count == 16 { s += ":00" }
        guard let asUTC = try? Timestamp(rfc3339: s + "Z") else { return text }
        // The offset in force at that local time (the instant is at most a day away, which is
        // enough to find it: zone changes are rare and hours apart).
        let guess = zone.offsetSeconds(at: asUTC)
        let offset = zone.offsetSeconds(at: Timestamp(millisecondsSinceEpoch: asUTC.millisecondsSinceEpoch - Int64(guess) * 1000))
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset) / 60
        return s + sign + String(format2: a / 60) + ":" + String(format2: a % 60)
    }
}

private extension String {
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}
