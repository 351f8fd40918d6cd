import Foundation

/// A policy set with one or more versions, each in force from its `effective` date: the version that
/// decides a case is the one in force on the case's date.
///
/// A set's folder holds its versions: its own files are one version (as a single-version set always
/// was), and each folder under `versions/` is another, complete on its own — its manifest (with its
/// own `version` and `effective` date), schema, rules and `*.test.yaml` tests:
///
/// ```
/// policies/examples/quality-complaints-amended/   version 1.0.0, effective 2011-06-12
///   policy.yaml  a1-tier.yaml …  quality-complaints.test.yaml
///   versions/2.0.0/                               version 2.0.0, effective 2027-01-01
///     policy.yaml  a1-tier.yaml …  quality-complaints.test.yaml
/// ```
///
/// (That is the shipped example of versions, an illustrative amendment; `policies/quality-complaints`,
/// which encodes its document, is one version for every date.)
///
/// The manifests name the case field whose date picks the version (`effective_by: received_at`, a
/// required `timestamp` or `date` field of every version); without it, the decision time (`now`, or
/// the current time when `now` is nil) picks it. A timestamp is placed by its date in the version's
/// time zone, so a version effective 2027-01-01 in `Asia/Shanghai` decides from
/// 2027-01-01T00:00:00+08:00 on. A case dated before every version is refused
/// (``CaseProblemCode/beforeFirstVersion``).
///
/// ```swift
/// let set = try PolicyVersions.load(directory: "policies/examples/quality-complaints-amended")
/// let decision = try set.decide(json: Array(caseJSON.utf8))
/// decision.policy.version     // "1.0.0" for a case received in 2026, "2.0.0" from 2027
/// ```
///
/// A folder without `versions/` and without `effective_by` is a set of one version, which decides
/// every case whatever its date, exactly as ``CompiledPolicy`` does. Immutable and `Sendable`.
public final class PolicyVersions: Sendable {
    /// The versions, earliest effective date first.
    public let versions: [CompiledPolicy]
    /// The folder each version was read from, in the order of ``versions`` (empty for in-memory sets).
    public let folders: [String]
    /// The case field whose date picks the version, or nil when the decision time does.
    public let effectiveBy: String?
    /// Whether cases are placed in time: the set has several versions or names `effective_by`.
    /// A set that is not decides every case with its one version.
    public let isDated: Bool

    /// Checks the versions against each other (see ``crossCheck(_:)``) and orders them by date.
    ///
    /// - Throws: ``PolicyLoadError`` when they cannot stand together: two with one effective date, a
    ///   version without one, different names, `effective_by` fields or field types.
    ///
    /// - Parameters:
    ///   - versions: The compiled versions of one policy, in any order.
    ///   - folders: The folder each version was read from, one for one with `versions` (empty for an in-memory set).
    public convenience init(versions: [CompiledPolicy], folders: [String] = []) throws(PolicyLoadError) {
        let problems = Self.crossCheck(versions)
        if problems.contains(where: { $0.severity == .error }) {
            throw PolicyLoadError(diagnostics: problems, sources: versions.flatMap(\.sources))
        }
        self.init(checked: versions, folders: folders)
    }

    /// A set of one version that decides every case, whatever its date, exactly as the version does on
    /// its own (``CompiledPolicy/decide(json:explain:now:)-([UInt8],_,_)``): a version archived in a decision log,
    /// replayed over recorded history, or compiled on its own.
    ///
    /// - Parameter policy: The one version; it decides every case, whatever the case's date.
    public convenience init(_ policy: CompiledPolicy) {
        self.init(checked: [policy], folders: [], dated: false)
    }

    /// Versions already cross-checked; `dated` nil: placed in time when there are several or they
    /// name `effective_by`.
    init(checked: [CompiledPolicy], folders: [String], dated: Bool? = nil) {
        precondition(!checked.isEmpty, "a policy set has at least one version")
        let order = checked.indices.sorted { a, b in
            (checked[a].identity.effective?.daysSinceEpoch ?? Int.min) < (checked[b].identity.effective?.daysSinceEpoch ?? Int.min)
        }
        versions = order.map { checked[$0] }
        self.folders = folders.count == checked.count ? order.map { folders[$0] } : []
        effectiveBy = checked.first!.model.effectiveBy.map { checked.first!.model.fields[$0].name }
        isDated = dated ?? (checked.count > 1 || effectiveBy != nil)
    }

    /// The set's name (every version has the same).
    public var name: String { versions[0].identity.name }
    /// The version with the latest effective date.
    public var latest: CompiledPolicy { versions[versions.count - 1] }
    /// The version in force now, or the earliest while none is yet: what a listing, a schema or a
    /// header names when no case picks one (the service, the C library, `verdict codegen`).
    public var inForceNow: CompiledPolicy { version(at: Timestamp(Date())) ?? versions[0] }

    /// The version in force at `instant` (placed by its date in each version's zone), or nil when it is
    /// before every version's effective date. A set that is not dated answers its one version.
    public func version(at instant: Timestamp) -> CompiledPolicy? {
        guard isDated else { return versions[0] }
        for v in versions.reversed() {
            guard let e = v.identity.effective else { return v }
            let local = instant.millisecondsSinceEpoch + Int64(v.zone.offsetSeconds(at: instant)) * 1000
            let day = local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000
            if day >= Int64(e.daysSinceEpoch) { return v }
        }
        return nil
    }

    /// The version in force on `date`, or nil when it is before every version's effective date.
    public func version(on date: CivilDate) -> CompiledPolicy? {
        guard isDated else { return versions[0] }
        return versions.last { ($0.identity.effective?.daysSinceEpoch ?? Int.min) <= date.daysSinceEpoch }
    }

    /// The version that decides a case given as JSON: by its `effective_by` field, or by `now` (the
    /// current time when nil) when the set names none.
    ///
    /// A case whose `effective_by` field is missing or malformed (or that is not JSON) gets the version in
    /// force at the decision time, whose decoder then reports the problem as it would for any case (every
    /// version requires the field, with one type).
    /// - Throws: ``CaseError`` with ``CaseProblemCode/beforeFirstVersion`` when the case's date is before every version.
    public func version(for json: [UInt8], now: Timestamp? = nil) throws(CaseError) -> CompiledPolicy {
        guard isDated else { return versions[0] }
        return try json.withUnsafeBufferPointer { (p) throws(CaseError) -> CompiledPolicy in try version(forBuffer: p, now: now) }
    }

    /// The version that decides a case given as JSON bytes read in place (see `version(for:now:)`).
    package func version(forBuffer json: UnsafeBufferPointer<UInt8>, now: Timestamp?) throws(CaseError) -> CompiledPolicy {
        guard isDated else { return versions[0] }
        guard let field = effectiveBy else { return try version(atDecisionTime: now, caseID: { Self.caseID(json) }) }
        // Most cases are plain: their date is found without building the document (the version's own
        // decoder reads the case in full next). Any other shape is parsed, to the same answer.
        switch JSONMemberScan.string(field, in: json) {
        case .string(let text): return try version(forFieldText: text, now: now, caseID: { Self.caseID(json) })
        case .absent: return fallback(now)
        case .unknown: break
        }
        guard let parsed = try? JSONReader.parse(buffer: json), case .object(let members) = parsed,
              case .string(let text)? = members.last(where: { $0.key == field })?.value else { return fallback(now) }
        return try version(forFieldText: text, now: now, caseID: { Self.caseID(parsed) })
    }

    /// The version that decides a case given as typed values (see `version(for:now:)` for JSON).
    public func version(for values: [String: CaseValue], now: Timestamp? = nil) throws(CaseError) -> CompiledPolicy {
        guard isDated else { return versions[0] }
        let id: String? = if case .string(let s)? = values["id"] { s } else { nil }
        guard let field = effectiveBy else { return try version(atDecisionTime: now, caseID: { id }) }
        switch values[field] {
        case .timestamp(let t)?:
            if let v = version(at: t) { return v }
            throw beforeFirst(field: field, value: t.rfc3339(in: versions[0].zone), caseID: id)
        case .date(let d)?:
            if let v = version(on: d) { return v }
            throw beforeFirst(field: field, value: d.description, caseID: id)
        default:
            return fallback(now)
        }
    }

    /// Decides a case given as JSON with the version in force on its date (see `version(for:now:)`);
    /// the decision names that version (``Decision/policy``).
    public func decide(json bytes: [UInt8], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try version(for: bytes, now: now).decide(json: bytes, explain: explain, now: now)
    }

    /// Decides a case given as any contiguous bytes of UTF-8 JSON (`Data`, a slice), read in place:
    /// the same decision as from the bytes in an array.
    public func decide(json bytes: some ContiguousBytes, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        let result = bytes.withUnsafeBytes { raw -> Swift.Result<Decision, CaseError> in
            do throws(CaseError) { return .success(try decide(buffer: raw.assumingMemoryBound(to: UInt8.self), explain: explain, now: now)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Decides a case given as JSON text, read in place as UTF-8.
    public func decide(json text: String, explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        var text = text
        let result = text.withUTF8 { p -> Swift.Result<Decision, CaseError> in
            do throws(CaseError) { return .success(try decide(buffer: p, explain: explain, now: now)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func decide(buffer p: UnsafeBufferPointer<UInt8>, explain: Bool, now: Timestamp?) throws(CaseError) -> Decision {
        let policy = try version(forBuffer: p, now: now)
        return try policy.decide(policy.prepare(buffer: p), explain: explain, now: now)
    }

    /// Decides a case given as typed values with the version in force on its date.
    public func decide(_ values: [String: CaseValue], explain: Bool = false, now: Timestamp? = nil) throws(CaseError) -> Decision {
        try version(for: values, now: now).decide(values, explain: explain, now: now)
    }

    /// Decides a case with the version in force on its date, with its ``Explanation``.
    public func explain(json bytes: [UInt8], now: Timestamp? = nil) throws(CaseError) -> Explanation {
        try decide(json: bytes, explain: true, now: now).explanation!
    }

    private func version(atDecisionTime now: Timestamp?, caseID: () -> String?) throws(CaseError) -> CompiledPolicy {
        let t = now ?? Timestamp(Date())
        if let v = version(at: t) { return v }
        throw beforeFirst(field: nil, value: t.rfc3339(in: versions[0].zone), caseID: caseID())
    }

    /// The version that refuses a case whose date cannot be read: the one in force at the decision
    /// time (the latest while none is). Every version requires the field with one type, so its decoder
    /// reports the field's problem as any would.
    func fallback(_ now: Timestamp?) -> CompiledPolicy {
        version(at: now ?? Timestamp(Date())) ?? latest
    }

    private func version(forFieldText text: String, now: Timestamp?, caseID: () -> String?) throws(CaseError) -> CompiledPolicy {
        let field = effectiveBy!
        let type = latest.model.fields[latest.fieldSlots[field]!].type
        if type == .date {
            guard let d = try? CivilDate(iso: text) else { return fallback(now) }
            if let v = version(on: d) { return v }
            throw beforeFirst(field: field, value: d.description, caseID: caseID())
        }
        guard let t = try? Timestamp(rfc3339: text) else { return fallback(now) }
        if let v = version(at: t) { return v }
        throw beforeFirst(field: field, value: text, caseID: caseID())
    }

    private func beforeFirst(field: String?, value: String, caseID: String?) -> CaseError {
        let first = versions[0].identity
        let when = first.effective?.description ?? "its effective date"
        let what = field.map { "`\($0)` is \(value)," } ?? "the decision time \(value) is"
        return CaseError(caseID: caseID, problems: [.init(
            field: field, code: .beforeFirstVersion,
            message: "\(what) before \(when), when the earliest version of `\(first.name)` (\(first.version)) took effect: no version was in force",
            help: field == nil ? "give a decision time (`now`) on or after \(when)" : "check the date; a case before \(when) needs a version of the rules in force then")])
    }

    private static func caseID(_ json: UnsafeBufferPointer<UInt8>) -> String? {
        (try? JSONReader.parse(buffer: json)).flatMap { caseID($0) }
    }

    private static func caseID(_ json: JSONValue) -> String? {
        guard case .object(let members) = json, case .string(let id)? = members.last(where: { $0.key == "id" })?.value else { return nil }
        return id
    }
}
