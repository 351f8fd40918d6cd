import Foundation
import Verdict
import VerdictAudit
import VerdictConsole

/// The audit page's search over a decision log: by case id, recorded-at range and an output's value,
/// each record read checked against its leaf hash and its columns against its bytes, at most ``limit`` rows.
enum AuditSearch {
    /// Most rows one search returns.
    static let limit = 200
    /// With no query, the latest this many decisions.
    static let latest: UInt64 = 50

    struct QueryProblem: Error, CustomStringConvertible {
        var description: String
    }

    static func time(_ text: String, _ name: String) throws(QueryProblem) -> Timestamp? {
        guard !text.isEmpty else { return nil }
        do { return try Timestamp(rfc3339: CaseForm.timestamp(text, zone: .utc)) } catch {
            throw QueryProblem(description: "\(name): \(error)")
        }
    }

    static func run(_ q: AuditPage.Query, log: any DecisionLog) throws -> (rows: [AuditPage.Row], more: Bool) {
        let since = try time(q.since, "since"), until = try time(q.until, "until")
        var rows: [AuditPage.Row] = []
        var more = false
        func consider(_ r: StoredRecord) throws -> Bool {
            // Checked before the columns filter it: an edited `recorded_at` or case id is an error, never a record left out.
            try AuditTrail.checked(r)
            if let since, r.recordedAt < since.millisecondsSinceEpoch { return true }
            if let until, r.recordedAt >= until.millisecondsSinceEpoch { return true }
            if !q.caseID.isEmpty, r.caseID != q.caseID { return true }
            let v = try r.parsed()
            let outputs = AuditTrail.outputs(ofDecision: v.decision)
            if !q.output.isEmpty || !q.value.isEmpty {
                let hit = outputs.contains { (q.output.isEmpty || $0.0 == q.output) && (q.value.isEmpty || $0.1 == q.value) }
                if !hit { return true }
            }
            if rows.count == limit { more = true; return false }
            rows.append(AuditPage.Row(seq: v.seq, recordedAt: v.recordedAt, caseID: v.caseID, policy: "\(v.policyName) \(v.policyVersion)", outputs: outputs))
            return true
        }
        if !q.caseID.isEmpty {
            for r in try log.records(caseID: q.caseID) { if try !consider(r) { break } }
        } else {
            let size = try log.treeState().size
            let from = q.isEmpty && size > latest ? size - latest : 0
            try log.scan(from: from, until: nil) { chunk in
                for r in chunk { if try !consider(r) { return false } }
                return true
            }
        }
        return (rows, more)
    }
}
