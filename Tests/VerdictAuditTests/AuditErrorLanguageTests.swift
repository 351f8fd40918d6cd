import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// The errors of the decision log and the archive are said in the audit command's language (issue
/// 35, item 5): wholly in Chinese for the common ones, else a Chinese lead by kind before the English
/// detail that names the file, record or digest.
@Suite("audit errors in en and zh", .serialized)
struct AuditErrorLanguageTests {
    @Test func everyKindHasAChineseLeadAndEnglishStaysTheMessage() {
        let kinds: [AuditError.Kind] = [.notALog, .storage, .tampered, .key, .archive, .proof, .notFound, .usage]
        for kind in kinds {
            let e = AuditError(kind, "record 3 of `x.db` is odd")
            #expect(e.text(.en) == "record 3 of `x.db` is odd")
            let zh = e.text(.zh)
            #expect(zh.hasSuffix(":record 3 of `x.db` is odd") && zh != e.message, "\(kind): \(zh)")
            #expect(AuditError.chineseLead[kind] != nil, "\(kind)")
        }
        #expect(AuditError(.notFound, "no decision recorded for case `Q-1` in sqlite:a b.db").text(.zh) == "sqlite:a b.db 中没有案件 `Q-1` 的决策记录")
        // A message that only starts like a known one keeps the lead and its English.
        #expect(AuditError(.usage, "cannot read key file `k`, twice").text(.zh) == "参数或文件有误:cannot read key file `k`, twice")
    }

    @Test func theCommandsSayLogAndArchiveErrorsInChinese() throws {
        let folder = try temporaryFolder("audit-error-zh")
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = "sqlite:" + folder.appendingPathComponent("none.db").path
        let en = try verdict(["audit", "show", "Q-1", "--log", missing])
        #expect(en.status == 2)
        #expect(en.stderr.hasPrefix("error: no decision log at `"), "\(en.stderr)")
        let zh = try verdict(["audit", "show", "Q-1", "--log", missing, "--lang", "zh"])
        #expect(zh.status == 2)
        #expect(zh.stderr == "error: `\(folder.appendingPathComponent("none.db").path)` 处没有决策日志(日志由 `verdict decide --log \(missing)` 创建)\n", "\(zh.stderr)")

        let notALog = folder.appendingPathComponent("text.db")
        try "not a database\n".write(to: notALog, atomically: true, encoding: .utf8)
        let v = try verdict(["audit", "verify", "--log", "sqlite:" + notALog.path, "--lang=zh"])
        #expect(v.status == 2)
        #expect(v.stderr == "error: `\(notALog.path)` 不是 Verdict 决策日志(不是 SQLite 数据库)\n", "\(v.stderr)")

        let log = "sqlite:" + folder.appendingPathComponent("l.db").path
        let d = try verdict(["decide", "--policies", shippedPolicyPath("quality-complaints"), "--case",
                             shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", "--log", log])
        #expect(d.status == 0, "\(d.stderr)")
        let none = try verdict(["audit", "show", "Q-404", "--log", log, "--lang", "zh"])
        #expect(none.status == 2)
        #expect(none.stderr == "error: \(log) 中没有案件 `Q-404` 的决策记录\n", "\(none.stderr)")

        // A proof file that is not one: the whole sentence in Chinese; a key given the wrong way round.
        let proof = folder.appendingPathComponent("p.json")
        try #"{"x": 1}"#.write(to: proof, atomically: true, encoding: .utf8)
        let key = folder.appendingPathComponent("k").path
        #expect(try verdict(["audit", "keygen", "--out", key]).status == 0)
        let p = try verdict(["audit", "verify-proof", proof.path, "--key", key + ".pub", "--lang", "zh"])
        #expect(p.status == 1)
        #expect(p.stderr == "error: `\(proof.path)` 不是 Verdict 证明文件(其 `format` 不是 `verdict-inclusion-proof-v1`)\n", "\(p.stderr)")
        let k = try verdict(["audit", "verify", "--log", log, "--key", key, "--lang", "zh"])
        #expect(k.stderr.contains("`\(key)` 是私钥;验证签名需要公钥:请给出 `\(key).pub`"), "\(k.stderr)")
        // Without --lang, English.
        let kEn = try verdict(["audit", "verify", "--log", log, "--key", key])
        #expect(kEn.stderr.contains("is a private key; checking signatures needs the public key"), "\(kEn.stderr)")

        // Every audit command takes --lang: keygen's lines, and proof's and export's errors (their output is JSON).
        let key2 = folder.appendingPathComponent("k2").path
        let g = try verdict(["audit", "keygen", "--out", key2, "--lang", "zh"])
        #expect(g.status == 0 && g.stdout.hasPrefix("私钥:\(key2)(请保密)\n公钥:\(key2).pub(交给审计人员)\n密钥 "), "\(g.stdout)\(g.stderr)")
        for command in [["audit", "proof", "Q-1"], ["audit", "export"]] {
            let r = try verdict(command + ["--log", missing, "--lang", "zh"])
            let refusedOption = r.stderr.contains("Unknown option")
            #expect(r.status != 0 && r.stderr.contains("没有") && !refusedOption, "\(command): \(r.stderr)")
        }
    }
}
