import Verdict

/// The console's own words in English and Chinese (the policy's words come from its labels).
public struct ConsoleWords: Sendable {
    /// The words for `language`.
    public static func of(_ language: Language) -> ConsoleWords { language == .zh ? zh : en }

    package let console, skip, policies, tryCase, audit, draft, language, otherLanguage, version, effective, digest, loadedAt, folder
    , status, loaded, notLoaded, lastReload, outcome, trigger, tests, diagnostics, decision, hit, rule, label, condition, outputs
    , quote, location, overrides, exceptions, operations, clocks, start, target, atRisk, calendar, parameters, measures, value
    , type, of, scope, by, always, fields, optional, required, defaultValue, choose, submit, result, explanation, decides
    , matchedNotUsed, notMatched, notEvaluated, notTrue, unknown, comparedValues, applied, notApplied, exceptionHeld, outputAbsent
    , replaced, due, computedDue, agreed, stoppedAt, remaining, overdue, steps, notApplicable, caseRefused, field, problem, help
    , now, nowHelp, timestampHelp, moneyHelp, listHelp, boolYes, boolNo, boolUnset, personal, reading, note, noSets, contents
    , search, caseID, since, until, outputName, outputValue, records, seq, recordedAt, policy, open, noLog, noRecords
    , moreRecords, verification, verified, verifyFailed, reproduced, notReproduced, proof, downloadProof, noProof, input
    , token, signIn, signInHelp, wrongToken, draftHelp, file, newFile, newFileName, upload, uploadHelp, check, changedFiles
    , noChanges, draftLoads, draftFails, testsRun, passed, failed, impact, impactHelp, noImpact, unchanged, changedCases
    , cannotDecide, change, cases, neverWritten, forbidden, csrfRefused, notFound, whenHolds, set, failedTests, errors
    , warnings, line, column, window, approvers, outputsOfCase, rangeHelp, whyNot, whyNotHelp, versions, inForce, olderNotRead
    , openSet, knownValues, knownAlso, othersAllowed, othersRefused, knownHint, notKnownTitle, notKnownMessage, didYouMean
    , engine, notAnOutput, caseIDHelp, valueHelp
    , changesFrom, changesColumn, changesCount, noStructuralChange, replaceBy, removeMember, insertBeforeMember, insertAfterMember
    , downloadTable, downloadTables, signedInAs, signOut, roleRefusedTemplate, roleNames, tooManySignInsTemplate: String

    static let en = ConsoleWords(
        console: "Verdict console", skip: "Skip to the content", policies: "Policies", tryCase: "Try a case", audit: "Audit",
        draft: "Check a draft", language: "Language", otherLanguage: "中文", version: "Version", effective: "Effective",
        digest: "Digest", loadedAt: "Loaded at", folder: "Folder", status: "Status", loaded: "serving", notLoaded: "not loaded",
        lastReload: "Last reload", outcome: "Outcome", trigger: "Trigger", tests: "Tests", diagnostics: "Diagnostics",
        decision: "Decision", hit: "Hit policy", rule: "Rule", label: "Label", condition: "Condition", outputs: "Outputs",
        quote: "Source", location: "File:line", overrides: "Overrides", exceptions: "Exceptions", operations: "Changes",
        clocks: "Clocks", start: "Start", target: "Target", atRisk: "At risk", calendar: "Calendar", parameters: "Parameters",
        measures: "Measures", value: "Value", type: "Type", of: "Of", scope: "Counts", by: "By", always: "always",
        fields: "Case fields", optional: "optional", required: "required", defaultValue: "default", choose: "(not given)",
        submit: "Decide", result: "Decision", explanation: "Explanation", decides: "decides", matchedNotUsed: "matched, another rule decides",
        notMatched: "did not match", notEvaluated: "not evaluated (an earlier rule decides)", notTrue: "not true:",
        unknown: "unknown (a value is absent):", comparedValues: "compared", applied: "applied", notApplied: "not applied",
        exceptionHeld: "an exception holds:", outputAbsent: "the list it changes does not apply", replaced: "replaced",
        due: "Due", computedDue: "computed due", agreed: "agreed", stoppedAt: "stopped at", remaining: "remaining",
        overdue: "overdue", steps: "Working time counted", notApplicable: "does not apply", caseRefused: "The case was refused",
        field: "Field", problem: "Problem", help: "Help", now: "Judge clocks at", nowHelp: "optional; default: now",
        timestampHelp: "like 2026-03-02T09:15 or with an offset", moneyHelp: "a decimal amount", listHelp: "one per line or comma-separated",
        boolYes: "yes", boolNo: "no", boolUnset: "(not given)", personal: "personal data", reading: "Reading", note: "Note",
        noSets: "No policy set is configured.", contents: "Contents", search: "Search", caseID: "Case id", since: "Recorded from",
        until: "Recorded before", outputName: "Output", outputValue: "Output value", records: "Recorded decisions", seq: "Seq",
        recordedAt: "Recorded at", policy: "Policy", open: "open", noLog: "This server has no decision log (start it with --log).",
        noRecords: "No recorded decision matches.", moreRecords: "More than {n} decisions match; the first {n} are shown. Narrow the search.",
        verification: "Log verification", verified: "the whole log verifies", verifyFailed: "the log does not verify",
        reproduced: "Re-deciding under the archived version reproduced the recorded outputs exactly.",
        notReproduced: "DEFECT: re-deciding did not reproduce the recorded outputs", proof: "Inclusion proof",
        downloadProof: "Download the inclusion proof of this case", noProof: "No proof yet", input: "Case input as recorded",
        token: "Token", signIn: "Sign in", signInHelp: "This server needs a token. It is kept in a cookie for this browser session only.",
        wrongToken: "The token was not accepted.", draftHelp: "Edit or paste the changed files of the set, or load them from disk. Nothing is written: activation stays the file-based reload.",
        file: "File", newFile: "New file", newFileName: "Name of a new file", upload: "Load files from disk",
        uploadHelp: "replaces the text of the file of the same name, or adds a new file", check: "Check the draft",
        changedFiles: "Changed files", noChanges: "No file differs from the serving version.", draftLoads: "The draft loads without errors.",
        draftFails: "The draft does not load.", testsRun: "The set's YAML tests", passed: "passed", failed: "failed",
        impact: "Impact on recorded cases", impactHelp: "recorded decisions of this set in the last 30 days (at most the log's latest 10,000 records), replayed under the draft",
        noImpact: "No recorded decision would change.", unchanged: "unchanged", changedCases: "changed",
        cannotDecide: "cannot be decided under the draft", change: "Change", cases: "Cases",
        neverWritten: "The console never writes policy files.", forbidden: "Forbidden",
        csrfRefused: "The form's token did not match this browser's: reload the page and submit again.",
        notFound: "Not found", whenHolds: "when", set: "Policy set", failedTests: "Failed tests", errors: "errors",
        warnings: "warnings", line: "line", column: "column", window: "Window", approvers: "approvers",
        outputsOfCase: "Outputs", rangeHelp: "RFC 3339, like 2026-03-01T00:00:00+08:00, or a date like 2026-12-06 (that whole day in the policy's time zone)",
        whyNot: "Why not …?", whyNotHelp: "optional: an output and the value you expected, like approver=branch_manager, or signers contains bu_finance_head, or just tier",
        versions: "Versions", inForce: "in force now (each case is decided by the version in force on its date)",
        olderNotRead: "older records of the log were not read: a draft check replays at most the log's latest 10,000 records",
        openSet: "Open the chosen set", knownValues: "known values", knownAlso: "also", othersAllowed: "other values allowed",
        othersRefused: "no other value allowed", knownHint: "the values the rules know are offered; other text is allowed",
        notKnownTitle: "Values the rules do not know",
        notKnownMessage: "“{value}” is not one of the values the rules know for {field} ({known}); the case was decided with it as given, and no rule about a specific {field} applies to it.",
        didYouMean: "Did you mean {suggestion}?", engine: "Engine",
        notAnOutput: "“{name}” is not an output of any served version, and no recorded decision has it. Outputs: {known}.",
        caseIDHelp: "the whole id, or its beginning", valueHelp: "as recorded (head_office) or by its label (Head office)",
        changesFrom: "What changes from {old} to {new} (in force from {date})", changesColumn: "Changes from the version before",
        changesCount: "{n} changes (listed below)",
        noStructuralChange: "no decision, rule, override, output, field or clock changes", replaceBy: "replace {member} by {other}",
        removeMember: "remove {member}", insertBeforeMember: "insert {member} before {other}",
        insertAfterMember: "insert {member} after {other}",
        downloadTable: "Download this table as a spreadsheet (xlsx)", downloadTables: "Download the tables as a spreadsheet (xlsx)",
        signedInAs: "Signed in as {name} ({role})", signOut: "Sign out", roleRefusedTemplate: "This page needs the {needed} role; you are signed in as {role}.",
        roleNames: "viewer=viewer editor=editor approver=approver admin=admin",
        tooManySignInsTemplate: "Too many sign-ins with a wrong token from this address. Try again in {seconds} s.")

    static let zh = ConsoleWords(
        console: "Verdict 控制台", skip: "跳到正文", policies: "政策", tryCase: "试算案件", audit: "审计",
        draft: "检查草稿", language: "语言", otherLanguage: "English", version: "版本", effective: "生效日期",
        digest: "摘要", loadedAt: "加载时间", folder: "目录", status: "状态", loaded: "服务中", notLoaded: "未加载",
        lastReload: "最近一次重新加载", outcome: "结果", trigger: "触发", tests: "测试", diagnostics: "诊断",
        decision: "决策", hit: "命中策略", rule: "规则", label: "名称", condition: "条件", outputs: "输出",
        quote: "原文", location: "文件:行", overrides: "例外规则", exceptions: "除外情形", operations: "改动",
        clocks: "时限", start: "起算", target: "时限要求", atRisk: "预警", calendar: "工作日历", parameters: "参数",
        measures: "指标", value: "值", type: "类型", of: "统计对象", scope: "统计范围", by: "分组", always: "总是",
        fields: "案件字段", optional: "可选", required: "必填", defaultValue: "默认", choose: "(未填写)",
        submit: "决策", result: "决策结果", explanation: "说明", decides: "采用", matchedNotUsed: "命中,但由其他规则决定",
        notMatched: "未命中", notEvaluated: "未判断(已由前面的规则决定)", notTrue: "条件不成立:",
        unknown: "条件无法判断(缺少数值):", comparedValues: "比较的值", applied: "已适用", notApplied: "未适用",
        exceptionHeld: "除外情形成立:", outputAbsent: "所改的名单不适用于本案", replaced: "替换",
        due: "期限", computedDue: "计算期限", agreed: "约定期限", stoppedAt: "停止于", remaining: "剩余",
        overdue: "逾期", steps: "计入的工作时间", notApplicable: "不适用", caseRefused: "案件被拒绝",
        field: "字段", problem: "问题", help: "提示", now: "时限判断时间", nowHelp: "可选;默认为当前时间",
        timestampHelp: "如 2026-03-02T09:15,或带时区偏移", moneyHelp: "金额(可带小数)", listHelp: "每行一项或以逗号分隔",
        boolYes: "是", boolNo: "否", boolUnset: "(未填写)", personal: "个人信息", reading: "解读", note: "说明",
        noSets: "未配置任何政策。", contents: "目录", search: "查询", caseID: "案件编号", since: "记录时间自",
        until: "记录时间早于", outputName: "输出", outputValue: "输出值", records: "已记录的决策", seq: "序号",
        recordedAt: "记录时间", policy: "政策", open: "查看", noLog: "本服务未配置决策日志(启动时加 --log)。",
        noRecords: "没有符合条件的决策记录。", moreRecords: "符合条件的记录超过 {n} 条,仅显示前 {n} 条,请缩小查询范围。",
        verification: "日志校验", verified: "整个日志校验通过", verifyFailed: "日志校验未通过",
        reproduced: "按存档版本重新决策,结果与记录完全一致。",
        notReproduced: "缺陷:重新决策的结果与记录不一致", proof: "包含证明",
        downloadProof: "下载本案件的包含证明", noProof: "暂无证明", input: "记录的案件输入",
        token: "令牌", signIn: "登录", signInHelp: "本服务需要令牌。令牌仅在本次浏览器会话中保存在 Cookie 里。",
        wrongToken: "令牌无效。", draftHelp: "编辑或粘贴该政策修改后的文件,或从磁盘载入。不会写入任何文件:生效仍通过文件的热加载。",
        file: "文件", newFile: "新文件", newFileName: "新文件名", upload: "从磁盘载入文件",
        uploadHelp: "替换同名文件的内容,或新增文件", check: "检查草稿",
        changedFiles: "修改的文件", noChanges: "与服务中的版本没有不同。", draftLoads: "草稿加载无错误。",
        draftFails: "草稿无法加载。", testsRun: "该政策的 YAML 测试", passed: "通过", failed: "失败",
        impact: "对已记录案件的影响", impactHelp: "本政策最近 30 天已记录的决策(至多日志最近的 10,000 条记录),按草稿重新决策",
        noImpact: "没有已记录的决策会改变。", unchanged: "未改变", changedCases: "改变",
        cannotDecide: "按草稿无法决策", change: "变化", cases: "案件",
        neverWritten: "控制台从不写入政策文件。", forbidden: "禁止访问",
        csrfRefused: "表单令牌与本浏览器的不符:请刷新页面后重新提交。",
        notFound: "未找到", whenHolds: "当", set: "政策", failedTests: "未通过的测试", errors: "错误",
        warnings: "警告", line: "行", column: "列", window: "窗口", approvers: "审批人",
        outputsOfCase: "输出", rangeHelp: "RFC 3339 格式,如 2026-03-01T00:00:00+08:00;或日期,如 2026-12-06(政策时区的整天)",
        whyNot: "为什么不是……?", whyNotHelp: "可选:输出项及期望的值,如 approver=branch_manager、signers contains bu_finance_head,或只写 tier",
        versions: "版本", inForce: "现行版本(每个案件按其日期适用的版本决策)",
        olderNotRead: "日志中更早的记录未读取:草稿检查至多重放日志最近的 10,000 条记录",
        openSet: "打开所选政策", knownValues: "已知取值", knownAlso: "又写作", othersAllowed: "也可填写其他值",
        othersRefused: "不接受其他值", knownHint: "可从规则已知的取值中选择,也可填写其他内容",
        notKnownTitle: "规则不认识的取值",
        notKnownMessage: "「{value}」不是规则已知的{field}取值({known});本案按所填的值决策,针对特定{field}的规则都不适用。",
        didYouMean: "是否想填写 {suggestion}?", engine: "引擎版本",
        notAnOutput: "「{name}」不是任何服务中版本的输出项,也没有已记录的决策含有它。输出项:{known}。",
        caseIDHelp: "完整编号,或编号的开头", valueHelp: "记录的值(head_office)或其名称(总部)",
        changesFrom: "从 {old} 到 {new} 的变化({date} 起生效)", changesColumn: "与前一版本相比的变化",
        changesCount: "{n} 处变化(见下方列表)",
        noStructuralChange: "决策、规则、例外规则、输出、字段和时限都没有变化", replaceBy: "将{member}替换为{other}",
        removeMember: "删除{member}", insertBeforeMember: "在{other}之前加入{member}",
        insertAfterMember: "在{other}之后加入{member}",
        downloadTable: "下载本决策表(xlsx 表格)", downloadTables: "下载全部决策表(xlsx 表格)",
        signedInAs: "已登录:{name}({role})", signOut: "退出登录", roleRefusedTemplate: "本页面需要{needed}角色;您当前的角色是{role}。",
        roleNames: "viewer=查看者 editor=编辑者 approver=审批者 admin=管理员",
        tooManySignInsTemplate: "此地址使用错误令牌登录的次数过多,请在 {seconds} 秒后重试。")
}

extension ConsoleWords {
    /// A role's name in this language (`viewer`, `editor`, `approver`, `admin`); other text as it is.
    package func role(_ role: String) -> String {
        for pair in roleNames.split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == role { return String(kv[1]) }
        }
        return role
    }

    /// "Signed in as NAME (ROLE)", for the header of every page.
    package func signedIn(_ name: String, role: String) -> String {
        Self.fill(signedInAs, ["name": name, "role": self.role(role)])
    }

    /// Why a signed-in user may not use a page: the role it needs and theirs.
    /// The sign-in page's refusal after too many wrong tokens: try again in `seconds`.
    package func tooManySignIns(_ seconds: Int) -> String {
        Self.fill(tooManySignInsTemplate, ["seconds": String(seconds)])
    }

    package func roleRefused(_ needed: String, _ role: String) -> String {
        Self.fill(roleRefusedTemplate, ["needed": self.role(needed), "role": self.role(role)])
    }

    /// The warning for a typed value that is none of a field's known values: `value` as typed, the
    /// field's label, the known values by label, and the known value it is a likely typo of.
    func notKnown(_ value: String, field: String, known: [String], suggestion: String?) -> String {
        let list = known.joined(separator: notKnownMessage.hasPrefix("「") ? "、" : ", ")
        var s = Self.fill(notKnownMessage, ["value": value, "field": field, "known": list])
        if let suggestion { s += " " + Self.fill(didYouMean, ["suggestion": suggestion]) }
        return s
    }

    /// The message for an output a search names that no served version has: the name as typed, the
    /// served outputs, and the one it is a likely typo of.
    package func notAnOutput(_ name: String, known: [String], suggestion: String?) -> String {
        let list = known.joined(separator: notAnOutput.hasPrefix("「") ? "、" : ", ")
        var s = Self.fill(notAnOutput, ["name": name, "known": list])
        if let suggestion { s += " " + Self.fill(didYouMean, ["suggestion": suggestion]) }
        return s
    }

    /// `template` with each `{name}` replaced by its value, in one pass (a value is never read as a
    /// placeholder).
    static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? String(rest[open...close])
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
