import Foundation
import Verdict
import VerdictAudit
import VerdictConsole

/// The audit page's search over a decision log: by case id (exact, else as a prefix), recorded-at
/// range (RFC 3339, or a plain date meaning that day in the policy's time zone) and an output's value
/// (as recorded, or by its label), each record read checked against its leaf hash and its columns
/// against its bytes, at most ``limit`` rows.
enum AuditSearch {
    /// Most rows one search returns.
    static let limit = 200
    /// With no query, the latest this many decisions.
    static let latest: UInt64 = 50

    struct QueryProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// The output a search names is an output of no served version, and no recorded decision has it.
    struct UnknownOutput: Error {
        var name: String
        /// The likely meant output, when one is close.
        var suggestion: String?
        /// The outputs of the served versions.
        var known: [String]
    }

    /// What the search knows of the served policies: the time zone a plain date is read in, and
    /// the output names of every served version (to tell a misspelt output from one no decision has).
    struct Scope {
        var zone: Zone = .utc
        var outputs: [String] = []
        /// The outline of each served version, by `name version`: the labels a search matches values by.
        var outlines: [String: PolicyOutline] = [:]
        /// The archived versions, for the labels of rows decided by a version no longer served (read
        /// after the scan: the log is not read from within its own scan).
        var archive: ArchivedPolicies?
    }

    static func time(_ text: String, _ name: String, zone: Zone = .utc) throws(QueryProblem) -> Timestamp? {
        guard !text.isEmpty else { return nil }
        do { return try Timestamp(rfc3339: CaseForm.timestamp(text, zone: zone)) } catch {
            throw QueryProblem(description: "\(name): \(error)")
        }
    }

    /// True for a plain date like `2026-12-06`.
    static func isDate(_ text: String) -> Bool {
        let c = Array(text)
        return c.count == 10 && c[4] == "-" && c[7] == "-" && c.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || $0.element.isASCII && $0.element.isNumber }
    }

    /// The civil date after `date` (`2026-12-31` → `2027-01-01`), or nil when it is no date.
    static func dayAfter(_ date: String) -> String? {
        let parts = date.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let given = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard given.isValidDate(in: calendar), let day = calendar.date(from: given),
              let next = calendar.date(byAdding: .day, value: 1, to: day) else { return nil }
        let n = calendar.dateComponents([.year, .month, .day], from: next)
        return String(format: "%04d-%02d-%02d", n.year!, n.month!, n.day!)
    }

    /// The start of the day `date` in `zone`.
    static func dayStart(_ date: String, _ name: String, zone: Zone) throws(QueryProblem) -> Timestamp {
        guard dayAfter(date) != nil, let t = try time(date + "T00:00", name, zone: zone) else {
            throw QueryProblem(description: "\(name): `\(date)` is no date")
        }
        return t
    }

    /// The recorded-at range a query asks for: RFC 3339 bounds as typed (without an offset, UTC); a
    /// plain date in `since` from the start of that day, in `until` to its end, in the policy's time
    /// zone; a plain date alone (the other bound left empty) is that one day.
    static func range(_ q: AuditPage.Query, zone: Zone) throws(QueryProblem) -> (since: Timestamp?, until: Timestamp?) {
        var since = isDate(q.since) ? try dayStart(q.since, "since", zone: zone) : try time(q.since, "since")
        var until: Timestamp?
        if isDate(q.until) {
            guard let next = dayAfter(q.until) else { throw QueryProblem(description: "until: `\(q.until)` is no date") }
            until = try dayStart(next, "until", zone: zone)
        } else {
            until = try time(q.until, "until")
        }
        if q.until.isEmpty, isDate(q.since), let next = dayAfter(q.since) { until = try dayStart(next, "since", zone: zone) }
        if q.since.isEmpty, isDate(q.until) { since = try dayStart(q.until, "until", zone: zone) }
        return (since, until)
    }

    /// The list items of an output's recorded text (`["a","b"]`), or the text itself.
    static func items(_ value: String) -> [String] {
        guard value.hasPrefix("["), let list = try? JSONDecoder().decode([String].self, from: Data(value.utf8)) else { return [value] }
        return list
    }

    /// The change history the audit page shows beside the decisions: every step of the set the query
    /// names (every set's when it names none), each read against its leaf hash, in sequence order.
    static func changes(_ q: AuditPage.Query, log: any DecisionLog) throws -> [ChangeEventView] {
        try log.readSnapshot { try ChangeHistory.of(log, set: q.set.isEmpty ? nil : q.set).steps }
    }

    static func run(_ q: AuditPage.Query, log: any DecisionLog, scope: Scope = Scope()) throws -> (rows: [AuditPage.Row], more: Bool) {
        let (since, until) = try range(q, zone: scope.zone)
        var rows: [AuditPage.Row] = []
        var more = false
        // The digest of each row decided by a version that is not served, to label it after the scan.
        var unserved: [(row: Int, digest: String)] = []
        func labels(_ outputs: [(String, String)], _ o: PolicyOutline?) -> [AuditPage.OutputLabels] {
            let types = Dictionary((o?.decisions.flatMap(\.outputs) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            return outputs.map { name, value in
                let type = types[name]
                return AuditPage.OutputLabels(label: type?.label ?? Localized(), items: items(value).map { item in
                    (item, type.flatMap { o?.label(ofMember: item, in: $0.type) } ?? Localized())
                })
            }
        }
        let wanted = q.value.lowercased()
        func consider(_ r: StoredRecord) throws -> Bool {
            // Checked before the columns filter it: an edited `recorded_at` or case id is an error, never a record left out.
            try AuditTrail.checked(r)
            if let since, r.recordedAt < since.millisecondsSinceEpoch { return true }
            if let until, r.recordedAt >= until.millisecondsSinceEpoch { return true }
            if !q.caseID.isEmpty, !r.caseID.hasPrefix(q.caseID) { return true }
            let v = try r.parsed()
            if !q.set.isEmpty, v.policyName != q.set { return true }
            let outputs = AuditTrail.outputs(ofDecision: v.decision)
            let served = scope.outlines["\(v.policyName) \(v.policyVersion)"]
            let shown = labels(outputs, served)
            if !q.output.isEmpty || !q.value.isEmpty {
                let hit = outputs.indices.contains { i in
                    guard q.output.isEmpty || outputs[i].0 == q.output else { return false }
                    guard !q.value.isEmpty else { return true }
                    if outputs[i].1 == q.value { return true }
                    return shown[i].items.contains { item, label in
                        item == q.value || [label.en, label.zh].contains { $0?.lowercased() == wanted }
                    }
                }
                if !hit { return true }
            }
            if rows.count == limit { more = true; return false }
            rows.append(AuditPage.Row(seq: v.seq, recordedAt: v.recordedAt, caseID: v.caseID, policy: "\(v.policyName) \(v.policyVersion)",
                                      outputs: outputs, labels: shown))
            if served == nil { unserved.append((rows.count - 1, v.digest)) }
            return true
        }
        let exact = q.caseID.isEmpty ? [] : try log.records(caseID: q.caseID)
        if !exact.isEmpty {
            for r in exact { if try !consider(r) { break } }
        } else {
            // No query: the latest decisions; a case id no record has exactly is read as a prefix over the
            // whole log, bounded by `limit` rows as every search is.
            let size = try log.treeState().size
            let from = q.isEmpty && size > latest ? size - latest : 0
            try log.scan(from: from, until: nil) { chunk in
                for r in chunk { if try !consider(r) { return false } }
                return true
            }
        }
        if let archive = scope.archive {
            for (i, digest) in unserved {
                if let p = try? archive.policy(digest: digest) { rows[i].labels = labels(rows[i].outputs, PolicyOutline(p)) }
            }
        }
        if rows.isEmpty, !q.output.isEmpty, !scope.outputs.isEmpty, !scope.outputs.contains(q.output) {
            throw UnknownOutput(name: q.output, suggestion: Suggestions.closest(to: q.output, in: scope.outputs), known: scope.outputs)
        }
        return (rows, more)
    }
}
