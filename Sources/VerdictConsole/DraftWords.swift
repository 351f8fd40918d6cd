import Foundation
import Verdict

/// The draft page's own words in English and Chinese: the version a draft edits, the later versions it
/// does not reach, the new-version form, the diff, the numbered listing and the files to hand on.
/// (`{x}` marks are filled in by the page.)
public struct DraftWords: Sendable {
    /// The words for `language`.
    public static func of(_ language: Language) -> DraftWords { language == .zh ? zh : en }

    package let editsVersion, editsVersionHelp, versionToEdit, fromDate, untilDate, untilOpen, laterVersion, laterScheduled
    , laterInForce, laterChanges, laterNoChanges, laterAdvice, asWhat, asEdit, asNew, newVersion, newVersionHelp, newEffective
    , newEffectiveHelp, newVersionIs, newVersionFolder, diffTitle, diffSummary, removed, added, oldLine, newLine, unchangedLines
    , listing, listingOf, jumpToLine, testsOfVersion, testsOfVersionUnchanged, nextStep, nextStepHelp, download, downloadHelp
    , activation, handOnFiles, formProblem, versionsTogether, keepDraft, restored, discard, badNewVersion, badNewEffective, newVersionExists, notAVersion, formHelp, removeFile: String

    static let en = DraftWords(
        editsVersion: "This draft edits version {version} of {set}", editsVersionHelp: "the files in {folder}",
        versionToEdit: "Version to edit", fromDate: "in force from {date}", untilDate: "until {date}",
        untilOpen: "with no later version: an edit reaches every date from then on",
        laterVersion: "A later version exists: {version}", laterScheduled: "scheduled from {date}", laterInForce: "in force since {date}",
        laterChanges: "What {version} already changes against {edited}:",
        laterNoChanges: "{version} changes nothing in the rules of {edited}.",
        laterAdvice: "An edit of {edited} reaches only the dates before {date}: cases from then on are decided by {version}, which keeps its own rules. To change the rules from a date, make the draft a new version.",
        asWhat: "Make the draft as", asEdit: "an edit of this version (in place)", asNew: "a new version with its own effective date",
        newVersion: "New version", newVersionHelp: "its name, like 2.1.0 (the folder versions/NAME)",
        newEffective: "Effective from", newEffectiveHelp: "a date, like 2027-01-01, in the set's time zone",
        newVersionIs: "The draft is a new version {version}, effective from {date}, made from {edited}; its manifest's version and effective date are set to these.",
        newVersionFolder: "Its files go to {folder}; the other versions are checked with it, as the service would load the set.",
        diffTitle: "What the draft changes", diffSummary: "{file}: {removed} lines removed, {added} added",
        removed: "removed", added: "added", oldLine: "Line before", newLine: "Line after", unchangedLines: "{n} unchanged lines",
        listing: "Numbered lines", listingOf: "Numbered lines of {file}", jumpToLine: "go to the line in the draft",
        testsOfVersion: "the tests of version {version} only",
        testsOfVersionUnchanged: "The policies page counts {total} passed: the tests of all {count} versions. A draft runs the tests of the version it edits.",
        nextStep: "Next step", nextStepHelp: "The console never writes policy files. To put the draft in force, hand its files on:",
        download: "Download the changed files", downloadHelp: "one .tar archive with the files at their paths in the set's folder, DRAFT.txt naming the draft's digest, and SHA256SUMS (check with sha256sum -c)",
        activation: "Activation is by putting these files in the served folder: the service hot-reloads it, checks it and runs its tests, and serves it only when all pass; the policies page then shows the digest {digest}.",
        handOnFiles: "Files to hand on", formProblem: "The draft cannot be checked as given",
        versionsTogether: "Checked with the set's other versions: {versions}",
        keepDraft: "Switch to {language} keeping this draft", restored: "Your unsent draft of this set was restored from this browser tab.",
        discard: "Discard it",
        badNewVersion: "“{version}” cannot name a new version: use letters, digits, “.”, “-” and “_”, like 2.1.0.",
        badNewEffective: "“{date}” is not a date like 2027-01-01: a new version needs the date it takes effect.",
        newVersionExists: "The set already has a version {version} (or a folder versions/{version}): give the new version a name of its own.",
        notAVersion: "“{folder}” is not the folder of a version this set serves.",
        formHelp: "Edit or paste the changed files of this version, or load them from disk, and check the draft. When it loads and its tests pass, download its files to hand on: they go live when they are put in the served folder.",
        removeFile: "Remove {file} from this version")

    static let zh = DraftWords(
        editsVersion: "本草稿修改 {set} 的 {version} 版", editsVersionHelp: "{folder} 中的文件",
        versionToEdit: "要修改的版本", fromDate: "自 {date} 起生效", untilDate: "至 {date} 止",
        untilOpen: "之后没有更晚的版本:修改会影响此后的所有日期",
        laterVersion: "存在更晚的版本:{version}", laterScheduled: "将于 {date} 生效", laterInForce: "自 {date} 起已生效",
        laterChanges: "{version} 相对 {edited} 已有的改变:",
        laterNoChanges: "{version} 没有改变 {edited} 的规则。",
        laterAdvice: "修改 {edited} 只影响 {date} 之前的日期:此后的案件由 {version} 按其自身规则决策。要从某一日期起改变规则,请把草稿作为新版本。",
        asWhat: "草稿作为", asEdit: "对本版本的修改(原地)", asNew: "有自己生效日期的新版本",
        newVersion: "新版本", newVersionHelp: "版本名,如 2.1.0(文件夹 versions/版本名)",
        newEffective: "生效日期", newEffectiveHelp: "日期,如 2027-01-01,按政策时区",
        newVersionIs: "草稿是由 {edited} 版生成的新版本 {version},自 {date} 起生效;其清单中的版本和生效日期已设为这两项。",
        newVersionFolder: "其文件放在 {folder};与其他版本一起检查,与服务加载该政策的方式相同。",
        diffTitle: "草稿的改动", diffSummary: "{file}:删除 {removed} 行,新增 {added} 行",
        removed: "删除", added: "新增", oldLine: "原行号", newLine: "新行号", unchangedLines: "{n} 行未改动",
        listing: "带行号的内容", listingOf: "{file} 带行号的内容", jumpToLine: "跳到草稿中的该行",
        testsOfVersion: "仅 {version} 版的测试",
        testsOfVersionUnchanged: "政策页面显示通过 {total} 个:那是全部 {count} 个版本的测试。草稿只运行所修改版本的测试。",
        nextStep: "下一步", nextStepHelp: "控制台从不写入政策文件。要使草稿生效,请把其文件交给负责人:",
        download: "下载修改的文件", downloadHelp: "一个 .tar 归档:文件按其在政策文件夹中的路径存放,DRAFT.txt 写明草稿摘要,SHA256SUMS 可用 sha256sum -c 校验",
        activation: "生效方式是把这些文件放入服务的文件夹:服务会热加载、检查并运行测试,全部通过后才启用;届时政策页面显示摘要 {digest}。",
        handOnFiles: "要交付的文件", formProblem: "无法按所填内容检查草稿",
        versionsTogether: "已与该政策的其他版本一起检查:{versions}",
        keepDraft: "切换到{language}并保留草稿", restored: "已从本浏览器标签页恢复本政策未提交的草稿。",
        discard: "放弃",
        badNewVersion: "「{version}」不能作为新版本名:请使用字母、数字、“.”、“-”和“_”,如 2.1.0。",
        badNewEffective: "「{date}」不是形如 2027-01-01 的日期:新版本需要其生效日期。",
        newVersionExists: "该政策已有 {version} 版(或文件夹 versions/{version}):请为新版本另起名称。",
        notAVersion: "「{folder}」不是该政策服务中任何版本的文件夹。",
        formHelp: "编辑或粘贴该版本修改后的文件,或从磁盘载入,然后检查草稿。草稿加载无误且测试通过后,下载其文件交给负责人:文件放入服务的文件夹后即生效。",
        removeFile: "从该版本中删除 {file}")
}

extension String {
    /// The text with each `{key}` replaced by its value.
    func filled(_ values: [String: String]) -> String {
        var s = self
        for (k, v) in values { s = s.replacingOccurrences(of: "{\(k)}", with: v) }
        return s
    }
}

extension ConsoleContext {
    /// The draft page's words in this language.
    public var draftWords: DraftWords { .of(language) }
}
