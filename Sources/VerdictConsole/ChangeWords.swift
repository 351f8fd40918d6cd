import Foundation
import Verdict

/// The proposal pages' own words in English and Chinese (issue 32): the list of proposals, one proposal
/// with its review, the "Propose this change" form of the draft page and the rollback form.
/// (`{x}` marks are filled in by the page.)
public struct ChangeWords: Sendable {
    /// The words for `language`.
    public static func of(_ language: Language) -> ChangeWords { language == .zh ? zh : en }

    package let proposals, proposal, noProposals, filterSet, filterState, anySet, anyState, show, id, state, author, reason, created
    , updated, versionFolder, ownFiles, digests, base, candidate, rollbackOf, check, testsSummary, replayed, changedDecisions
    , warnings, files, fileAdded, fileRemoved, fileEdited, reviews, noReviews, approvedBy, rejectedBy, outcome, noOutcome, stale
    , approve, reject, withdraw, bringUpToDate, comment, commentOptional, commentRequired, ownProposal, reviewHelp, notDone
    , proposeTitle, proposeHelp, reasonLabel, reasonHint, proposeButton, newVersionMadeFrom, rollbackTitle, rollbackHelp
    , rollbackButton, servedFrom, noEarlier, noIdentities, unknownState, rollbackDigest, authorActions, reviewActions
    , listCaption, proposedBy, servingNow, noChangeDesk, viewOnly: String
    /// The name of each state, by its raw value (`open`, `approved`, …).
    package let stateNames: [String: String]
    /// A title for each refusal code of the store and the desk; others get ``notDone``.
    package let refusalTitles: [String: String]

    /// The name of a proposal's state in this language (the raw value when unknown).
    public func stateName(_ raw: String) -> String { stateNames[raw] ?? raw }

    /// Why `state` is not a state to filter by, naming the states there are.
    public func notAState(_ state: String, states: [String]) -> String {
        unknownState.filled(["state": state, "states": states.joined(separator: ", ")])
    }

    /// A title for a refusal with `code`.
    public func refusalTitle(_ code: String) -> String { refusalTitles[code] ?? notDone }

    static let en = ChangeWords(
        proposals: "Proposals", proposal: "Proposal {id}", noProposals: "No proposal matches.", filterSet: "Policy set",
        filterState: "State", anySet: "(any set)", anyState: "(any state)", show: "Show", id: "Proposal", state: "State",
        author: "Author", reason: "Reason", created: "Proposed at", updated: "Last changed", versionFolder: "Version folder",
        ownFiles: "the set's own files", digests: "Base → candidate", base: "base (serving when proposed)", candidate: "candidate",
        rollbackOf: "Brings back the earlier version", check: "The check of the candidate",
        testsSummary: "YAML tests: {passed} passed, {failed} failed", replayed: "Recorded decisions replayed: {n}",
        changedDecisions: "Recorded decisions it would decide differently: {n}", warnings: "Warnings", files: "Files it changes",
        fileAdded: "{file}: a new file", fileRemoved: "{file}: removed", fileEdited: "{file}: edited", reviews: "Reviews",
        noReviews: "Not reviewed yet.", approvedBy: "Approved by {name} at {at}", rejectedBy: "Rejected by {name} at {at}",
        outcome: "Outcome", noOutcome: "Nothing has been activated from it.",
        stale: "Its base {base} no longer serves: {serving} serves now. Its author must bring it up to date before it can be approved, so that no change is lost.",
        approve: "Approve and activate", reject: "Reject", withdraw: "Withdraw", bringUpToDate: "Bring up to date",
        comment: "Comment", commentOptional: "optional; kept with the review in the decision log",
        commentRequired: "required: say why, for the author and the decision log",
        ownProposal: "You proposed this change: it must be reviewed by another approver.",
        reviewHelp: "Approving writes its files into the set's folder and reloads the set: it serves only if it loads and passes its tests on this server; otherwise the old files are put back and this page says why.",
        notDone: "That was not done",
        proposeTitle: "Propose this change",
        proposeHelp: "Submit the checked files as a proposal: an approver other than you reviews it, and once approved it is written into the set's folder and serves when the reload has checked it. Every step is recorded in the decision log.",
        reasonLabel: "Reason", reasonHint: "required: why this change, for the reviewer and the decision log (at most 2,000 characters)",
        proposeButton: "Propose this change",
        newVersionMadeFrom: "A new version {version}, effective from {date}, made from {from}: every file of it is new.",
        rollbackTitle: "Bring back an earlier version",
        rollbackHelp: "Versions the decision log archived that no longer serve. Bringing one back is a proposal like any other: its files are checked, reviewed by an approver, and written only when approved.",
        rollbackButton: "Propose bringing back version {digest}", servedFrom: "served from {from} until {until}",
        noEarlier: "The decision log holds no earlier version of a served set.",
        noIdentities: "No one can sign in to this server, so no one can propose or review a change: start it with --users-file.",
        unknownState: "“{state}” is not a state of a proposal; the states are: {states}.", rollbackDigest: "Digest",
        authorActions: "Your proposal", reviewActions: "Review", listCaption: "Proposals, the latest first",
        proposedBy: "proposed by {name} at {at}", servingNow: "serves now", noChangeDesk: "This server keeps no proposals (start it with --proposals DIR).",
        viewOnly: "You may read proposals; proposing needs the editor role and reviewing the approver role.",
        stateNames: ["open": "open, waiting for review", "approved": "approved, being activated", "rejected": "rejected",
                     "activated": "activated", "refused": "refused at activation", "withdrawn": "withdrawn"],
        refusalTitles: ["own-proposal": "A proposal is reviewed by someone other than its author",
                        "insufficient-role": "Your role does not allow this", "not-author": "Only its author may do this",
                        "stale-base": "The proposal must be brought up to date first", "not-open": "The proposal is no longer open",
                        "set-gone": "The policy set is no longer served", "no-proposal": "No such proposal",
                        "candidate-refused": "The proposed files would be refused", "missing-reason": "A reason is required",
                        "missing-comment": "A comment is required", "no-change": "Nothing would change",
                        "unknown-policy": "Unknown policy set", "no-archived-version": "No such archived version",
                        "already-serving": "That version serves already"])

    static let zh = ChangeWords(
        proposals: "变更提案", proposal: "提案 {id}", noProposals: "没有符合条件的提案。", filterSet: "政策",
        filterState: "状态", anySet: "(全部政策)", anyState: "(全部状态)", show: "显示", id: "提案", state: "状态",
        author: "提出人", reason: "理由", created: "提出时间", updated: "最后变更", versionFolder: "版本文件夹",
        ownFiles: "政策自身的文件", digests: "基准 → 候选", base: "基准(提出时正在服务)", candidate: "候选",
        rollbackOf: "恢复的旧版本", check: "候选版本的检查",
        testsSummary: "YAML 测试:{passed} 通过,{failed} 失败", replayed: "重放的已记录决策:{n}",
        changedDecisions: "结果会不同的已记录决策:{n}", warnings: "警告", files: "改动的文件",
        fileAdded: "{file}:新文件", fileRemoved: "{file}:删除", fileEdited: "{file}:修改", reviews: "审核",
        noReviews: "尚未审核。", approvedBy: "{name} 于 {at} 批准", rejectedBy: "{name} 于 {at} 驳回",
        outcome: "结果", noOutcome: "尚未据此启用任何内容。",
        stale: "其基准 {base} 已不再服务:现在服务的是 {serving}。提出人须先将其更新到最新,才能批准,以免覆盖他人的改动。",
        approve: "批准并启用", reject: "驳回", withdraw: "撤回", bringUpToDate: "更新到最新",
        comment: "意见", commentOptional: "可选;随审核记入决策日志",
        commentRequired: "必填:说明理由,供提出人和决策日志查阅",
        ownProposal: "此变更由您提出:须由另一位审批人审核。",
        reviewHelp: "批准后,其文件写入政策文件夹并重新加载:只有在本服务器上加载无误且测试通过才会服务;否则恢复原文件,本页说明原因。",
        notDone: "操作未执行",
        proposeTitle: "提出此变更",
        proposeHelp: "把已检查的文件作为提案提交:由您以外的审批人审核,批准后写入政策文件夹,经重新加载检查后服务。每一步都记入决策日志。",
        reasonLabel: "理由", reasonHint: "必填:为何作此变更,供审核人和决策日志查阅(最多 2,000 字)",
        proposeButton: "提出此变更",
        newVersionMadeFrom: "新版本 {version},自 {date} 起生效,由{from}制作:其中每个文件都是新文件。",
        rollbackTitle: "恢复旧版本",
        rollbackHelp: "决策日志已归档、现已不再服务的版本。恢复旧版本与其他提案相同:检查其文件,由审批人审核,批准后才写入。",
        rollbackButton: "提议恢复版本 {digest}", servedFrom: "服务期间 {from} 至 {until}",
        noEarlier: "决策日志中没有服务中政策的旧版本。",
        noIdentities: "本服务器无人可以登录,因此无人能提出或审核变更:请以 --users-file 启动。",
        unknownState: "「{state}」不是提案的状态;状态有:{states}。", rollbackDigest: "摘要",
        authorActions: "您的提案", reviewActions: "审核", listCaption: "提案,最新的在前",
        proposedBy: "{name} 于 {at} 提出", servingNow: "正在服务", noChangeDesk: "本服务器不保存提案(以 --proposals DIR 启动)。",
        viewOnly: "您可以查看提案;提出变更需要编辑者角色,审核需要审批人角色。",
        stateNames: ["open": "待审核", "approved": "已批准,启用中", "rejected": "已驳回",
                     "activated": "已启用", "refused": "启用时被拒绝", "withdrawn": "已撤回"],
        refusalTitles: ["own-proposal": "提案须由提出人以外的人审核",
                        "insufficient-role": "您的角色不允许此操作", "not-author": "只有提出人可以这样做",
                        "stale-base": "须先将提案更新到最新", "not-open": "提案已不再待审核",
                        "set-gone": "该政策已不再服务", "no-proposal": "没有此提案",
                        "candidate-refused": "所提交的文件会被拒绝", "missing-reason": "须填写理由",
                        "missing-comment": "须填写意见", "no-change": "没有任何改动",
                        "unknown-policy": "未知的政策", "no-archived-version": "没有此归档版本",
                        "already-serving": "该版本已在服务"])
}

extension ConsoleContext {
    /// The proposal pages' words in this language.
    public var changeWords: ChangeWords { .of(language) }
}
