import Foundation
import Verdict
import VerdictAudit

/// Every line the audit commands print as text, in English and Chinese (`--lang en|zh`). Names, ids,
/// digests, times and keys are printed as they are; the words around them are the language's.
struct AuditWords {
    let zh: Bool
    init(_ language: Language) { zh = language == .zh }

    func plural(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

    // audit show
    func showHeader(_ id: String, _ n: Int, _ location: String) -> String {
        zh ? "案件 \(id):\(location) 中记录了 \(n) 项决定" : "Case \(id): \(plural(n, "decision", "decisions")) recorded in \(location)"
    }
    func record(_ seq: UInt64, _ at: String, _ verdict: String, _ name: String, _ version: String, _ digest: String) -> String {
        zh ? "── 记录 #\(seq),记录于 \(at),由 Verdict \(verdict) 按 \(name) \(version) 决定(\(digest),取自存档)"
            : "── Record #\(seq), recorded \(at) by Verdict \(verdict) under \(name) \(version) (\(digest), from the archive)"
    }
    func judgedAt(_ t: String) -> String { zh ? "   时限判定时刻 \(t)" : "   clocks judged at \(t)" }
    var input: String { zh ? "   记录的输入(不显示不可记录的个人信息字段):" : "   recorded input (personal fields withheld):" }
    var withheld: String { zh ? "(个人信息,不显示)" : "(personal data, withheld)" }
    func whyNot(_ q: String) -> String { zh ? "   为什么不是 \(q)?" : "   why not \(q)?" }
    func reproduced(_ seq: UInt64, _ name: String, _ version: String) -> String {
        zh ? "✓ 按存档的 \(name) \(version) 重新决定记录 #\(seq),与记录的决定完全一致。"
            : "✓ Re-deciding record #\(seq) under the archived \(name) \(version) reproduced the recorded decision exactly."
    }
    func defect(_ seq: UInt64) -> String {
        zh ? "✗ 缺陷:重新决定记录 #\(seq) 未能重现记录的决定。" : "✗ DEFECT: re-deciding record #\(seq) did NOT reproduce the recorded decision."
    }
    func defects(_ n: Int, _ id: String) -> String {
        zh ? "案件 `\(id)` 有 \(n) 项记录的决定无法重现:这是 Verdict 或存档的缺陷,请报告"
            : "\(plural(n, "recorded decision", "recorded decisions")) of case `\(id)` could not be reproduced: this is a defect in Verdict or the archive; report it"
    }

    // audit keygen
    /// Where the two halves of a new key went, and the key's id.
    func keygen(_ out: String, fingerprint: String) -> String {
        zh ? "私钥:\(out)(请保密)\n公钥:\(out).pub(交给审计人员)\n密钥 \(fingerprint)\n"
            : "private key: \(out) (keep it secret)\npublic key:  \(out).pub (give it to auditors)\nkey \(fingerprint)\n"
    }

    // audit verify
    /// `n` decision records and `events` events (version and change events), each a leaf of the tree.
    func verified(_ location: String, _ n: Int, events: Int, _ root: String) -> String {
        if zh {
            return "✓ \(location):已验证 \(n) 条记录" + (events > 0 ? "和 \(events) 个事件" : "") + ";树根 \(root)"
        }
        return "✓ \(location): \(plural(n, "record", "records"))" + (events > 0 ? " and \(plural(events, "event", "events"))" : "") + " verified; tree root \(root)"
    }
    func checkpoints(_ n: Int, keys: [String], consistent: Bool) -> String {
        if zh {
            return "  \(n) 个检查点,每个签名有效" + (keys.isEmpty ? "" : "(密钥 \(keys.joined(separator: ", ")))") + (consistent ? ",每个与前一个一致" : "")
        }
        return "  \(plural(n, "checkpoint", "checkpoints")), each signature valid" + (keys.isEmpty ? "" : " (key \(keys.joined(separator: ", ")))")
            + (consistent ? ", each consistent with the one before" : "")
    }
    var namedKeysNote: String {
        zh ? "  注意:按检查点自己列出的密钥核验;用 --key PUB 核验它们是运营方的密钥"
            : "  note: checked against the keys the checkpoints name; give --key PUB to check they are the operator's"
    }
    /// The leaves after the latest checkpoint: decision records and events alike (both are leaves of the tree).
    func uncheckpointed(_ n: Int) -> String {
        zh ? "  注意:日志最后 \(n) 个叶(决策记录与事件)尚未被检查点覆盖(`verdict audit checkpoint`)"
            : "  note: the last \(n == 1 ? "leaf of the log (a decision record or an event) is" : "\(n) leaves of the log (decision records and events) are") not covered by a checkpoint yet (`verdict audit checkpoint`)"
    }
    func archived(_ n: Int, _ list: String) -> String {
        zh ? "  已存档 \(n) 个策略版本,摘要均可重现:\(list)"
            : "  \(plural(n, "policy version", "policy versions")) archived and reproducing their digests: \(list)"
    }

    // audit checkpoint
    func checkpoint(_ n: Int, _ size: UInt64, _ root: String, _ time: String, _ key: String) -> String {
        zh ? "检查点 #\(n):\(size) 条记录,树根 \(root),于 \(time) 由密钥 \(key) 签名"
            : "checkpoint #\(n): \(size) records, root \(root), signed \(time) by key \(key)"
    }

    // audit verify-proof
    func proofVerified(_ n: Int, events: Int = 0, _ log: String, _ size: UInt64, _ root: String, _ time: String, _ key: String) -> String {
        if zh {
            let what = events == 0 ? "\(n) 条记录" : n == 0 ? "\(events) 个事件" : "\(n) 条记录和 \(events) 个事件"
            return "✓ 证明已验证:日志 \(log) 中的\(what),其检查点(\(size) 条记录,树根 \(root),签于 \(time))由密钥 \(key) 签名"
        }
        let what = events == 0 ? plural(n, "record", "records") : n == 0 ? plural(events, "event", "events")
            : plural(n, "record", "records") + " and " + plural(events, "event", "events")
        return "✓ proof verified: \(what) in log \(log), whose checkpoint of \(size) records (root \(root), signed \(time)) key \(key) signed"
    }
    func provenChange(_ seq: UInt64, _ step: String, _ proposal: String, _ set: String, _ by: String, _ at: String) -> String {
        zh ? "  事件 #\(seq):变更步骤「\(step)」,提案 \(proposal),策略集 \(set),\(stepBy(by)),记录于 \(at)"
            : "  event \(seq): change \(step), proposal \(proposal), set \(set), \(stepBy(by)), recorded \(at)"
    }
    func provenDigests(_ base: String, _ candidate: String) -> String {
        zh ? "    基准 \(base) → 候选 \(candidate)" : "    base \(base) → candidate \(candidate)"
    }
    func provenVersion(_ seq: UInt64, _ kind: String, _ set: String, _ version: String, _ digest: String, _ trigger: String, _ at: String) -> String {
        if zh {
            return "  事件 #\(seq):\(set) \(version)(\(digest))\(kind == "activated" ? "开始服务" : "停止服务")(\(self.trigger(trigger))),记录于 \(at)"
        }
        return "  event \(seq): \(set) \(version) (\(digest)) \(kind) (\(trigger)), recorded \(at)"
    }
    func completenessProven(_ id: String, _ n: Int, _ log: String, _ size: UInt64, _ root: String, _ indexRoot: String, _ time: String, _ key: String) -> String {
        zh ? "✓ 完整性已证明:在日志 \(log) 截至其检查点(\(size) 条记录,树根 \(root),案件索引树根 \(indexRoot),签于 \(time))为止,案件 \(id) 恰有 \(n) 条决定记录;该检查点由密钥 \(key) 签名"
            : "✓ completeness proven: case \(id) has exactly \(plural(n, "decision record", "decision records")) in log \(log) up to its checkpoint of \(size) records (root \(root), case index root \(indexRoot), signed \(time)) key \(key) signed"
    }
    func provenRecord(_ seq: UInt64, _ id: String, _ at: String, _ name: String, _ version: String, _ digest: String) -> String {
        zh ? "  记录 #\(seq):案件 \(id),记录于 \(at),策略 \(name) \(version)(\(digest))"
            : "  record \(seq): case \(id), recorded \(at), policy \(name) \(version) (\(digest))"
    }

    // audit versions
    func spells(_ n: Int, _ location: String) -> String {
        zh ? "\(location) 中记录了 \(n) 段服务期" : "\(plural(n, "spell", "spells")) of service recorded in \(location)"
    }
    /// A version event's trigger: how the server came to activate or retire the version (a stored word).
    func trigger(_ t: String) -> String {
        guard zh else { return t }
        switch t {
        case "startup": return "启动"
        case "watch": return "文件变更"
        case "signal": return "信号(SIGHUP)"
        case "request": return "重新加载请求"
        case "stop": return "停止"
        case "batch": return "批量判定"
        case "change": return "受控变更"
        case "startup (no stop recorded)": return "再次启动(未记录停止)"
        default: return t
        }
    }
    func servedFrom(_ at: String, _ trigger: String, _ seq: UInt64) -> String {
        zh ? "  自 \(at) 起(\(self.trigger(trigger)),事件 \(seq))" : "  from  \(at) (\(trigger), event \(seq))"
    }
    func servedUntil(_ at: String, _ trigger: String, _ seq: String) -> String {
        zh ? "  至 \(at) 止(\(self.trigger(trigger)),事件 \(seq))" : "  until \(at) (\(trigger), event \(seq))"
    }
    var stillServing: String { zh ? "  至 —(据日志记录,仍在服务)" : "  until — (still serving, as far as the log records)" }

    // audit changes
    func changeSteps(_ n: Int, _ location: String, _ set: String?) -> String {
        if zh { return "\(location) 中记录了" + (set.map { "策略集 \($0) 的" } ?? "") + " \(n) 个变更步骤" }
        return "\(plural(n, "change step", "change steps")) recorded in \(location)" + (set.map { " for set \($0)" } ?? "")
    }
    /// A change event's step, in the language (English keeps the stored word).
    func step(_ s: PendingChangeEvent.Step) -> String {
        zh ? s.chinese : s.rawValue
    }
    func stepBy(_ who: String) -> String {
        guard who != "service" else { return zh ? "由服务" : "by the service" }
        return zh ? "由 \(who)" : "by \(who)"
    }
    /// The step's text: the proposal's reason, a reviewer's comment, or why the service refused it.
    func stepReason(_ s: PendingChangeEvent.Step, _ text: String) -> String {
        switch s {
        case .approved, .rejected, .withdrawn: return zh ? "    意见:\(text)" : "    comment: \(text)"
        case .refused: return zh ? "    拒绝原因:\(text)" : "    refused because: \(text)"
        default: return zh ? "    理由:\(text)" : "    reason: \(text)"
        }
    }
    func rollbackOf(_ digest: String) -> String { zh ? "(回滚至 \(digest))" : " (rolls back to \(digest))" }

    // audit archive
    func filesWritten(_ name: String, _ version: String, _ digest: String, _ n: Int) -> String {
        zh ? "\(name) \(version)(\(digest)):已写出 \(n) 个文件" : "\(name) \(version) (\(digest)): \(plural(n, "file", "files")) written"
    }
    func setFolder(_ path: String) -> String { zh ? "策略集的文件夹:\(path)" : "the set's folder: \(path)" }

    // audit witness, verify --witness-key
    func cosigned(_ size: UInt64, _ root: String, _ time: String, _ key: String, _ witness: String) -> String {
        zh ? "✓ 已用见证密钥 \(witness) 共同签署检查点(\(size) 条记录,树根 \(root),于 \(time) 由密钥 \(key) 签名)"
            : "✓ cosigned the checkpoint of \(size) records (root \(root), signed \(time) by key \(key)) with witness key \(witness)"
    }
    func consistentWithLast(_ size: UInt64, _ root: String) -> String {
        zh ? "  与上次见到的检查点(\(size) 条记录,树根 \(root))一致" : "  consistent with the checkpoint last seen (\(size) records, root \(root))"
    }
    func firstWitnessRun(_ state: String) -> String {
        zh ? "  首次运行:\(state) 现保存此检查点;以后每次运行都核验新检查点是它的延伸"
            : "  first run: \(state) now keeps this checkpoint; later runs check each new one extends it"
    }
    func witnessed(_ size: UInt64, _ key: String) -> String {
        zh ? "  最新的检查点(\(size) 条记录)有见证密钥 \(key) 的共同签名" : "  the latest checkpoint (\(size) records) is cosigned by witness key \(key)"
    }
    func provenDecision(_ json: String) -> String { zh ? "    决定:\(json)" : "    decision: \(json)" }

    // audit replay
    func replayed(_ n: Int, _ name: String, _ version: String, _ digest: String, changed: Int, unchanged: Int, failures: Int) -> String {
        if zh {
            return "按 \(name) \(version)(\(digest))重放了 \(n) 项记录的决定:\(changed) 项会改变,\(unchanged) 项不变" + (failures == 0 ? "" : ",\(failures) 项无法决定") + "。"
        }
        return "Replayed \(plural(n, "recorded decision", "recorded decisions")) under \(name) \(version) (\(digest)): \(changed) would change, \(unchanged) unchanged"
            + (failures == 0 ? "" : ", \(failures) cannot be decided") + "."
    }
    func cannotDecide(_ seq: UInt64, _ id: String, _ message: String) -> String {
        zh ? "无法决定 #\(seq) \(id):\(message)" : "cannot decide #\(seq) \(id): \(message)"
    }
    func moreFailures(_ n: Int) -> String {
        zh ? "…… 另有 \(n) 项无法决定(--format json 列出全部)" : "… and \(n) more that cannot be decided (--format json lists all)"
    }
    func byVersion(_ version: String, _ digest: String, _ n: Int, changed: Int, unchanged: Int, failures: Int) -> String {
        if zh {
            return "原由 \(version)(\(digest))决定的 \(n) 项:\(changed) 项会改变,\(unchanged) 项不变" + (failures == 0 ? "" : ",\(failures) 项无法决定")
        }
        return "decided by \(version) (\(digest)): \(n) — \(changed) would change, \(unchanged) unchanged" + (failures == 0 ? "" : ", \(failures) cannot be decided")
    }
    func changedRecords(_ list: String, more: Int) -> String {
        zh ? "会改变:\(list)" + (more > 0 ? " 等另 \(more) 项" : "") : "would change: \(list)" + (more > 0 ? " and \(more) more" : "")
    }
    func failedRecords(_ list: String, more: Int) -> String {
        zh ? "无法决定:\(list)" + (more > 0 ? " 等另 \(more) 项" : "") : "cannot decide: \(list)" + (more > 0 ? " and \(more) more" : "")
    }
}
