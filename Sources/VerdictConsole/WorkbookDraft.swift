import Foundation
import Verdict

/// What applying an uploaded workbook (an xlsx written by `verdict table export`) to a copy of a set
/// found, for the draft page (issue 33): the file, the cells that changed the YAML, the files they
/// changed, and the importer's refusals, each located at `sheet!cell` (and `file:line:column` when in
/// the YAML). With no refusal, the draft page checks the changed files exactly as an edited draft.
public struct WorkbookDraft: Sendable {
    /// The uploaded file's name, as the browser sent it.
    public var fileName: String
    /// The cells whose values changed the YAML (`approval!D19`).
    public var changedCells: [String]
    /// The files the workbook changed, relative to the set's folder.
    public var changedFiles: [String]
    /// The importer's refusals; when there is one, nothing was checked.
    public var problems: [String]

    /// A workbook's outcome.
    public init(fileName: String, changedCells: [String] = [], changedFiles: [String] = [], problems: [String] = []) {
        self.fileName = fileName
        self.changedCells = changedCells
        self.changedFiles = changedFiles
        self.problems = problems
    }
}

/// The draft page's words for a workbook, in English and Chinese.
public struct WorkbookWords: Sendable {
    /// The words for `language`.
    public static func of(_ language: Language) -> WorkbookWords { language == .zh ? zh : en }

    package let title, help, input, inputHelp, submit, from, cells, noChange, refused, refusedHelp, notWorkbook, noFile, notMultipart: String

    static let en = WorkbookWords(
        title: "Check a spreadsheet",
        help: "Upload a workbook written by “Download the tables as a spreadsheet (xlsx)” or `verdict table export`, with your edits. It is applied to a copy of the set's files (never to the served folder) by the same import as `verdict table import`, and the result is checked below like an edited draft: diagnostics, the set's tests, the impact on recorded decisions and the line diff.",
        input: "Workbook (xlsx)", inputHelp: "at most the size of a form; only the values of the table rows are read",
        submit: "Check the workbook",
        from: "Checked from the workbook {file}", cells: "Changed cells: {cells}",
        noChange: "The workbook changes nothing: its tables say what the YAML says.",
        refused: "The workbook cannot be applied: nothing was checked",
        refusedHelp: "Correct the workbook where each problem says (sheet!cell) and upload it again.",
        notWorkbook: "`{file}` is not an xlsx workbook (an xlsx file is a zip archive): export the tables with “Download the tables as a spreadsheet (xlsx)”, edit them and upload that file",
        noFile: "no file was chosen: choose the edited xlsx workbook",
        notMultipart: "the workbook form could not be read: send it from the draft page")

    static let zh = WorkbookWords(
        title: "检查电子表格",
        help: "上传由“下载决策表(xlsx)”或 `verdict table export` 导出并经您编辑的工作簿。它由与 `verdict table import` 相同的导入功能应用到该政策集文件的副本上(绝不写入所服务的文件夹),其结果如同编辑过的草稿一样在下方检查:诊断、该集的测试、对已记录决定的影响以及逐行差异。",
        input: "工作簿(xlsx)", inputHelp: "大小不超过表单上限;只读取表格各行的值",
        submit: "检查工作簿",
        from: "根据工作簿 {file} 检查", cells: "已更改的单元格:{cells}",
        noChange: "该工作簿未作任何更改:表格与 YAML 一致。",
        refused: "无法应用该工作簿:未进行任何检查",
        refusedHelp: "请按各问题所示位置(工作表!单元格)更正工作簿,然后重新上传。",
        notWorkbook: "`{file}` 不是 xlsx 工作簿(xlsx 文件是 zip 压缩包):请用“下载决策表(xlsx)”导出表格,编辑后上传该文件",
        noFile: "未选择文件:请选择编辑过的 xlsx 工作簿",
        notMultipart: "无法读取工作簿表单:请从草稿页面提交")
}

/// The draft page's workbook form and the outcome of an uploaded workbook.
public enum WorkbookDraftView {
    /// The upload form: a `multipart/form-data` POST to `/draft` with the form token; it
    /// works without script.
    public static func form(set: String, _ c: ConsoleContext, _ h: inout HTML) {
        let ww = WorkbookWords.of(c.language)
        h.element("section", [.init("aria-labelledby", "workbook-title"), .init("id", "workbook")]) { h in
            h.element("h2", [.init("id", "workbook-title")], text: ww.title)
            h.element("p", [.init("id", "workbook-help")], text: ww.help)
            h.element("form", [.init("method", "post"), .init("action", "/draft"), .init("id", "workbook-form"),
                               .init("enctype", "multipart/form-data")]) { h in
                ConsolePage.csrfField(c, into: &h)
                h.void("input", [.init("type", "hidden"), .init("name", "policy"), .init("value", set)])
                h.element("div", [.init("class", "field")]) { h in
                    h.element("label", [.init("for", "workbook-file")], text: ww.input)
                    h.element("span", [.init("class", "hint"), .init("id", "workbook-hint")], text: ww.inputHelp)
                    h.void("input", [.init("type", "file"), .init("id", "workbook-file"), .init("name", "workbook"),
                                     .init("accept", ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                                     .init("required", ""), .init("aria-describedby", "workbook-hint workbook-help")])
                }
                h.element("div") { h in h.element("button", [.init("type", "submit"), .init("id", "check-workbook")], text: ww.submit) }
            }
        }
    }

    /// What the workbook did: its refusals (nothing checked), or the cells that changed the YAML.
    /// Returns false when it was refused (the report has nothing else to show).
    public static func outcome(_ w: WorkbookDraft, _ c: ConsoleContext, _ h: inout HTML) -> Bool {
        let ww = WorkbookWords.of(c.language)
        if !w.problems.isEmpty {
            h.element("div", [.init("class", "problem"), .init("role", "alert"), .init("id", "workbook-problems")]) { h in
                h.element("p") { h in h.element("strong", text: ww.refused) }
                h.element("ul") { h in for p in w.problems { h.element("li") { h in h.element("code", text: p) } } }
                h.element("p", text: ww.refusedHelp)
            }
            return false
        }
        h.element("div", [.init("id", "workbook-outcome")]) { h in
            h.element("p", text: ww.from.filled(["file": w.fileName]))
            if w.changedCells.isEmpty {
                h.element("p", text: ww.noChange)
            } else {
                h.element("p", [.init("id", "workbook-cells")], text: ww.cells.filled(["cells": w.changedCells.joined(separator: ", ")]))
            }
        }
        return true
    }
}
