import Foundation
import Verdict
import VerdictAudit

/// The auditor's page of one recorded decision (issue 28, item 5): the case, the decision, its
/// explanation under the archived version, the version's digest, the record's inclusion proof and
/// the signed checkpoint it is under. One renderer, two uses: the console's record page
/// (`/audit/SEQ`, inside the console's frame) and `verdict audit show CASE --format html`
/// (``document(_:language:)``: one self-contained file, its style inline, nothing fetched, no script).
///
/// Both print on A4 with the console's print stylesheet (``ConsoleAssets/css``): no navigation, no
/// buttons or forms, rows and facts kept whole across pages, the working-time steps written open.
public enum AuditorPage {
    /// One recorded decision with what places it in the log.
    public struct Record: Sendable {
        /// The record re-derived under its archived version.
        public var derived: ReDerivedDecision
        /// Its leaf hash, audit path and checkpoint.
        public var inclusion: RecordInclusion

        /// A record of the page.
        public init(_ derived: ReDerivedDecision, inclusion: RecordInclusion) {
            self.derived = derived
            self.inclusion = inclusion
        }
    }

    /// The content of one record's page, after its heading. `verification` (the console's whole-log
    /// check) is shown when given; `proofLink` adds the console's download link (not printed).
    public static func render(_ record: Record, verification: Result<VerifyReport, Error>? = nil, proofLink: Bool = false,
                              context c: ConsoleContext, into h: inout HTML) {
        let w = c.words, a = AuditorWords.of(c.language)
        let r = record.derived, v = r.record
        let zone = r.policy.zone
        let anchor = "-\(v.seq)"
        h.element("dl", [.init("class", "facts"), .init("data-facts", "record")]) { h in
            func fact(_ k: String, _ s: String, code: Bool = false) { AuditorPage.fact(k, s, code: code, &h) }
            fact(w.caseID, v.caseID, code: true)
            fact(w.seq, "\(v.seq)")
            fact(w.recordedAt, v.recordedAt.rfc3339(in: zone))
            fact(w.policy, "\(v.policyName) \(v.policyVersion)")
            fact(a.versionDigest, v.digest, code: true)
            // The engine that decided it, named as such ("Verdict 0.10.0" alone reads like the verdict).
            fact(w.engine, "Verdict \(v.verdictVersion)")
            if let now = v.now { fact(a.clocksJudgedAt, now.rfc3339(in: zone)) }
        }
        if r.reproduced {
            h.element("p", [.init("class", "good"), .init("role", "status")], text: "✓ " + w.reproduced)
        } else {
            h.element("p", [.init("class", "problem"), .init("role", "alert")], text: "✗ " + w.notReproduced + (r.problem.map { ": " + $0 } ?? ""))
        }
        if let verification {
            h.element("h2", text: w.verification)
            switch verification {
            case .success(let report):
                h.element("p", [.init("class", "good"), .init("role", "status")],
                          text: "✓ " + ConsoleWords.fill(a.verifiedLog, ["verified": w.verified, "records": a.count(report.records),
                                                                        "checkpoints": a.checkpoints(report.checkpoints), "root": "sha256:" + hex(report.root)]))
            case .failure(let error):
                h.element("p", [.init("class", "problem"), .init("role", "alert")], text: "✗ \(w.verifyFailed): \(error)")
            }
        }
        h.element("h2", [.init("id", "input" + anchor)], text: w.input)
        h.element("pre", [.init("class", "input")], text: String(decoding: v.input, as: UTF8.self))
        if let d = r.decision {
            ExplanationView.render(d, outline: PolicyOutline(r.policy), context: c, expanded: true, anchor: anchor, into: &h)
        }
        proof(record.inclusion, caseID: v.caseID, link: proofLink, c, a, &h)
    }

    /// The inclusion proof and the checkpoint, or plainly that no checkpoint covers the record yet.
    static func proof(_ p: RecordInclusion, caseID: String, link: Bool, _ c: ConsoleContext, _ a: AuditorWords, _ h: inout HTML) {
        let w = c.words
        h.element("section", [.init("class", "proof"), .init("aria-labelledby", "proof-\(p.seq)"), .init("data-covered", p.covered ? "true" : "false")]) { h in
            h.element("h2", [.init("id", "proof-\(p.seq)")], text: w.proof)
            guard let cp = p.checkpoint, p.covered else {
                h.element("dl", [.init("class", "facts")]) { h in
                    func fact(_ k: String, _ s: String, code: Bool = true) { AuditorPage.fact(k, s, code: code, &h) }
                    fact(a.leafIndex, "\(p.seq)", code: false)
                    fact(a.leafHash, hex(p.leaf))
                }
                h.element("p", [.init("class", "muted")]) { h in withCode(a.leafNote, &h) }
                let why = p.checkpoint.map { ConsoleWords.fill(a.notYetCovered, ["time": $0.time, "size": "\($0.size)", "seq": "\(p.seq)"]) } ?? a.noCheckpoint
                h.element("p", [.init("class", "warning"), .init("role", "status"), .init("data-proof", "none")]) { h in
                    withCode(why + (c.language == .zh ? "" : " ") + ConsoleWords.fill(a.signHint, ["records": a.count(p.logSize)]), &h)
                }
                return
            }
            h.element("dl", [.init("class", "facts")]) { h in
                func fact(_ k: String, _ s: String, code: Bool = true) { AuditorPage.fact(k, s, code: code, &h) }
                fact(a.leafIndex, "\(p.seq)", code: false)
                fact(a.leafHash, hex(p.leaf))
                fact(a.treeSize, a.count(cp.size), code: false)
                fact(a.rootHash, hex(cp.root))
            }
            h.element("p", [.init("class", "muted")]) { h in withCode(a.leafNote, &h) }
            if p.path.isEmpty {
                h.element("p", text: a.emptyPath)
            } else {
                h.element("h3", [.init("id", "path-\(p.seq)")], text: ConsoleWords.fill(a.auditPath, ["n": "\(p.path.count)"]))
                h.element("ol", [.init("class", "path")]) { h in
                    for step in p.path { h.element("li") { h in h.element("code", text: hex(step)) } }
                }
            }
            if p.pathHolds {
                h.element("p", [.init("class", "good"), .init("role", "status"), .init("data-proof", "holds")], text: "✓ " + a.pathHolds)
            } else {
                h.element("p", [.init("class", "problem"), .init("role", "alert"), .init("data-proof", "fails")]) { h in withCode("✗ " + a.pathFails, &h) }
            }
            h.element("h3", text: a.checkpoint)
            h.element("dl", [.init("class", "facts"), .init("data-facts", "checkpoint")]) { h in
                func fact(_ k: String, _ s: String, code: Bool = true) { AuditorPage.fact(k, s, code: code, &h) }
                fact(a.logID, cp.logID)
                fact(a.treeSize, a.count(cp.size), code: false)
                fact(a.rootHash, hex(cp.root))
                fact(a.signedAt, cp.time, code: false)
                fact(a.keyID, cp.keyFingerprint)
                fact(a.publicKey, Data(cp.publicKey).base64EncodedString())
                fact(a.signature, Data(cp.signature).base64EncodedString())
            }
            h.element("h4", text: a.signedText)
            h.element("pre", [.init("class", "signed")], text: cp.message)
            if p.signatureValid {
                h.element("p", [.init("class", "good"), .init("role", "status"), .init("data-signature", "valid")],
                          text: "✓ " + ConsoleWords.fill(a.signatureValid, ["key": cp.keyFingerprint]))
            } else {
                h.element("p", [.init("class", "problem"), .init("role", "alert"), .init("data-signature", "invalid")], text: "✗ " + a.signatureInvalid)
            }
            h.element("p", [.init("class", "muted")]) { h in withCode(a.checkElsewhere, &h) }
            if link {
                h.element("p", [.init("class", "screen-only")]) { h in
                    h.element("a", [.init("href", ConsoleLink.to("/audit/proof", [("case", caseID)])), .init("download", "proof.json")], text: w.downloadProof)
                }
            }
        }
    }

    /// Every record of one case as one self-contained HTML document: the console's style sheet
    /// inline, a Content-Security-Policy that lets it fetch and run nothing, no link, image, font or
    /// script; each record on its own printed pages.
    public static func document(_ records: [Record], language: Language) -> String {
        let c = ConsoleContext(language: language, csrfToken: "", hasAuditLog: true, path: "")
        let a = AuditorWords.of(language)
        let caseID = records.first?.derived.record.caseID ?? ""
        var h = HTML()
        h.doctype()
        h.element("html", [.init("lang", language == .zh ? "zh-Hans" : "en")]) { h in
            h.element("head") { h in
                h.void("meta", [.init("charset", "utf-8")])
                h.void("meta", [.init("http-equiv", "Content-Security-Policy"), .init("content", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")])
                h.void("meta", [.init("name", "viewport"), .init("content", "width=device-width, initial-scale=1")])
                h.element("title", text: ConsoleWords.fill(a.documentTitle, ["case": caseID]))
                h.style(ConsoleAssets.css)
            }
            h.element("body") { h in
                h.element("main", [.init("id", "main")]) { h in
                    for r in records {
                        let v = r.derived.record
                        h.element("article", [.init("class", "auditor"), .init("data-seq", "\(v.seq)"), .init("aria-labelledby", "record-\(v.seq)")]) { h in
                            h.element("h1", [.init("id", "record-\(v.seq)")], text: ConsoleWords.fill(a.recordTitle, ["case": v.caseID, "seq": "\(v.seq)"]))
                            render(r, context: c, into: &h)
                        }
                    }
                }
            }
        }
        return h.text
    }

    /// One fact of a definition list, its value as code (hashes, ids) or as text.
    static func fact(_ key: String, _ value: String, code: Bool, _ h: inout HTML) {
        h.element("dt", text: key)
        h.element("dd") { h in if code { h.element("code", text: value) } else { h.text(value) } }
    }

    /// Text with each `…` span as code (a command to type).
    static func withCode(_ s: String, _ h: inout HTML) {
        for (i, part) in s.split(separator: "`", omittingEmptySubsequences: false).enumerated() {
            if i % 2 == 1 { h.element("code", text: String(part)) } else { h.text(String(part)) }
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The auditor's page's own words, in English and Chinese (beside ``ConsoleWords``).
struct AuditorWords: Sendable {
    let documentTitle, recordTitle, versionDigest, leafIndex, leafHash, leafNote, clocksJudgedAt, treeSize, rootHash, oneRecord, records, auditPath, emptyPath, pathHolds
    , pathFails, checkpoint, logID, signedAt, keyID, publicKey, signature, signedText, signatureValid, signatureInvalid, noCheckpoint
    , notYetCovered, signHint, checkElsewhere, verifiedLog, oneCheckpoint, checkpointCount: String

    static func of(_ language: Language) -> AuditorWords { language == .zh ? zh : en }

    /// "1 record", "5 records"; "5 条记录".
    func count(_ n: UInt64) -> String { n == 1 ? oneRecord : ConsoleWords.fill(records, ["n": "\(n)"]) }

    /// "1 checkpoint", "2 checkpoints"; "2 个检查点".
    func checkpoints(_ n: Int) -> String { n == 1 ? oneCheckpoint : ConsoleWords.fill(checkpointCount, ["n": "\(n)"]) }

    static let en = AuditorWords(
        documentTitle: "Recorded decisions of case {case}", recordTitle: "Recorded decision {case}, record {seq}",
        versionDigest: "Version digest", leafIndex: "Leaf index", leafHash: "Leaf hash",
        leafNote: "The leaf index is the record's sequence number; the leaf hash is the SHA-256 of the byte 0x00 followed by the record's exact bytes (as `verdict audit export` prints them), hashed up the audit path to the root (RFC 9162, 2.1.3).",
        clocksJudgedAt: "Clocks judged at", treeSize: "Tree size", rootHash: "Root hash",
        oneRecord: "1 record", records: "{n} records", auditPath: "Audit path: {n} sibling hashes, from the leaf up",
        emptyPath: "The audit path is empty: the tree holds this one record, so its leaf hash is the root.",
        pathHolds: "The audit path leads from the leaf hash to the checkpoint's root hash: the record is in the tree the checkpoint signs.",
        pathFails: "The audit path does NOT lead to the checkpoint's root hash: the log was altered (run `verdict audit verify`).",
        checkpoint: "The checkpoint it is under (signed tree head)", logID: "Log id", signedAt: "Signed at", keyID: "Key id",
        publicKey: "Public key (Ed25519, base64)", signature: "Signature (Ed25519, base64)",
        signedText: "Signed text (the lines the signature covers)",
        signatureValid: "The signature verifies with the public key the checkpoint names (key id {key}); check that it is the operator's key.",
        signatureInvalid: "The checkpoint's signature does NOT verify: the checkpoint was altered.",
        noCheckpoint: "No checkpoint covers this record yet: the log has no signed checkpoint.",
        notYetCovered: "No checkpoint covers this record yet: the latest checkpoint, signed {time}, covers the first {size} records, and this is record {seq}.",
        signHint: "Until the operator signs one (`verdict audit checkpoint`), the record rests on the log's own hashes only. The log now holds {records}.",
        checkElsewhere: "To check it without the log: `verdict audit proof CASE --log LOG --out FILE` writes this proof as a file, and `verdict audit verify-proof FILE --key PUB` checks it with the operator's public key.",
        verifiedLog: "{verified}: {records}, {checkpoints}, root {root}", oneCheckpoint: "1 checkpoint", checkpointCount: "{n} checkpoints")

    static let zh = AuditorWords(
        documentTitle: "案件 {case} 的决策记录", recordTitle: "决策记录 {case}(记录 {seq})",
        versionDigest: "版本摘要", leafIndex: "叶序号", leafHash: "叶哈希",
        leafNote: "叶序号即记录序号;叶哈希是字节 0x00 加上记录原样字节(即 `verdict audit export` 所输出的)的 SHA-256,沿审计路径逐层向上计算即得根哈希(RFC 9162 第 2.1.3 节)。",
        clocksJudgedAt: "时限判断时间", treeSize: "树的大小", rootHash: "根哈希",
        oneRecord: "1 条记录", records: "{n} 条记录", auditPath: "审计路径:{n} 个兄弟节点哈希,自叶向上",
        emptyPath: "审计路径为空:树中只有本记录,其叶哈希即根哈希。",
        pathHolds: "由叶哈希沿审计路径计算,得到检查点的根哈希:本记录在检查点所签署的树中。",
        pathFails: "由审计路径计算得不到检查点的根哈希:日志已被改动(请运行 `verdict audit verify`)。",
        checkpoint: "所属检查点(签名树头)", logID: "日志标识", signedAt: "签名时间", keyID: "密钥标识",
        publicKey: "公钥(Ed25519,base64)", signature: "签名(Ed25519,base64)",
        signedText: "签名的文本(签名所覆盖的各行)",
        signatureValid: "签名可用检查点所载的公钥验证(密钥标识 {key});请核对这是运营方的密钥。",
        signatureInvalid: "检查点的签名验证未通过:检查点已被改动。",
        noCheckpoint: "尚无检查点覆盖本记录:日志还没有签署任何检查点。",
        notYetCovered: "尚无检查点覆盖本记录:最近的检查点({time} 签署)只覆盖前 {size} 条记录,本记录序号为 {seq}。",
        signHint: "在运营方签署检查点(`verdict audit checkpoint`)之前,本记录只有日志自身的哈希为证。日志现有 {records}。",
        checkElsewhere: "不借助日志核对:`verdict audit proof CASE --log LOG --out FILE` 把本证明写成文件,`verdict audit verify-proof FILE --key PUB` 用运营方的公钥核对。",
        verifiedLog: "{verified}:{records},{checkpoints},根哈希 {root}", oneCheckpoint: "1 个检查点", checkpointCount: "{n} 个检查点")
}
