import Crypto
import Foundation
import Verdict
import VerdictAudit

/// What `verdict audit proof` and `verify-proof` do with the three kinds of proof: a case's records,
/// one record by sequence number, and a case's completeness (docs/auditing.md).
enum AuditProofs {
    /// The proofs' JSON: of one leaf (`seq`: a decision record or an event), or one per case id given,
    /// in their order, of its records complete (`complete`) or of its records; several
    /// completeness proofs are made from one build of the case index (``CompletenessProof/Prover``).
    static func make(_ log: any DecisionLog, caseIDs: [String], seq: UInt64?, complete: Bool) throws -> [String] {
        switch (caseIDs.isEmpty ? nil : caseIDs, seq) {
        case (nil, let seq?):
            guard !complete else { throw AuditError(.usage, "--complete proves a case id's records: give the case id, not --seq") }
            return [try InclusionProof.make(log: log, seq: seq).json]
        case (let ids?, nil):
            if complete { return try CompletenessProof.make(log: log, caseIDs: ids).map(\.json) }
            return try ids.map { try InclusionProof.make(log: log, caseID: $0).json }
        case (_?, _?):
            throw AuditError(.usage, "give a case id or --seq N, not both")
        case (nil, nil):
            throw AuditError(.usage, "give a case id (its records; with --complete, proof that they are all of them) or --seq N (one record)")
        }
    }

    /// Checks a proof file of either format with the operator's public key; the report on success.
    static func verify(file: String, key: Curve25519.Signing.PublicKey, words w: AuditWords = AuditWords(.en)) throws -> String {
        guard let data = FileManager.default.contents(atPath: file) else { throw AuditError(.usage, "cannot read `\(file)`") }
        let bytes = Array(data)
        if let v = try? JSONReader.parse(bytes), case .object(let members) = v,
           case .string(CompletenessProof.format)? = members.first(where: { $0.key == "format" })?.value {
            let proof = try CompletenessProof(file: bytes, path: file)
            let views = try proof.verify(key: key)
            let c = proof.checkpoint
            let n = views.count
            var out = w.completenessProven(TextEscaping.escaped(proof.caseID), views.count, TextEscaping.escaped(c.logID), c.size, c.root.hexString,
                                           (c.indexRoot ?? []).hexString, TextEscaping.escaped(c.time), c.keyFingerprint) + "\n"
            out += lines(views, w)
            return out
        }
        let proof = try InclusionProof(file: bytes, path: file)
        let leaves = try proof.verifyLeaves(key: key)
        let c = proof.checkpoint
        let records = leaves.filter { if case .record = $0 { true } else { false } }.count
        var out = w.proofVerified(records, events: leaves.count - records, TextEscaping.escaped(c.logID), c.size, c.root.hexString,
                                  TextEscaping.escaped(c.time), c.keyFingerprint) + "\n"
        for leaf in leaves {
            switch leaf {
            case .record(let v): out += lines([v], w)
            case .event(.change(let e)):
                out += w.provenChange(e.seq, w.step(e.step), TextEscaping.escaped(e.proposal), TextEscaping.escaped(e.set), TextEscaping.escaped(e.by),
                                      e.recordedAt.rfc3339(in: .utc)) + "\n"
                if !e.reason.isEmpty { out += w.stepReason(e.step, TextEscaping.escaped(e.reason)) + "\n" }
                out += w.provenDigests(TextEscaping.escaped(e.baseDigest), TextEscaping.escaped(e.candidateDigest))
                    + (e.rollbackOf.map { w.rollbackOf(TextEscaping.escaped($0)) } ?? "") + "\n"
            case .event(.version(let e)):
                out += w.provenVersion(e.seq, e.kind.rawValue, TextEscaping.escaped(e.set), TextEscaping.escaped(e.version), TextEscaping.escaped(e.digest),
                                       TextEscaping.escaped(e.trigger), e.recordedAt.rfc3339(in: .utc)) + "\n"
            }
        }
        return out
    }

    static func lines(_ views: [RecordView], _ w: AuditWords) -> String {
        var out = ""
        for v in views {
            out += w.provenRecord(v.seq, TextEscaping.escaped(v.caseID), v.recordedAt.rfc3339(in: .utc), TextEscaping.escaped(v.policyName),
                                  TextEscaping.escaped(v.policyVersion), TextEscaping.escaped(v.digest)) + "\n"
            out += w.provenDecision(TextEscaping.escaped(String(decoding: v.decision, as: UTF8.self))) + "\n"
        }
        return out
    }
}
