import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict
import VerdictConsole
import VerdictSheets

/// `POST /draft` with `multipart/form-data`: an uploaded workbook (an xlsx written by `verdict table
/// export` or the policies page) as a draft of a set (issue 33). The workbook is read by the importer's
/// reader (its limits: zip bombs, macros, external links, formulas…) and applied by the importer itself
/// (`TableImport.run`) to a copy of the set's files in a temporary folder — never the served folder —;
/// the changed YAML files are then checked exactly as an edited draft (``DraftChecker``): diagnostics,
/// the set's YAML tests, the replay of recorded decisions and the line diff. Every refusal of the
/// importer is shown on the draft page at its `sheet!cell`, with 422.
extension ConsoleRoutes {
    func checkWorkbook(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let c0 = page.context(hasAudit: log != nil, path: "/draft")
        let ww = WorkbookWords.of(page.language)
        if let origin = request.headers[.origin], let host = request.head.authority {
            let o = origin.split(separator: "/", omittingEmptySubsequences: true)
            guard o.count >= 2, o[1] == host else { throw Self.refused(page, "the form was sent from another site (`\(origin)`)") }
        }
        guard let boundary = request.headers[.contentType].flatMap(MultipartForm.boundary(contentType:)) else {
            throw DecisionRoutes.unsupported(DecisionRoutes.mediaType(request), accepted: ["multipart/form-data; boundary=…"])
        }
        let bytes = try await BodyReader.collect(request, limit: limits.maxFormBytes, timeout: limits.requestTimeout, what: "a form")
        guard let form = MultipartForm.parse(bytes, boundary: boundary) else {
            return page.html(ConsolePage.message(title: c0.words.draft, ww.notMultipart, context: c0), status: .badRequest)
        }
        guard let cookie = request.cookies[Self.csrfCookie]?.value, ConsoleFormToken.isFormToken(cookie), let field = form.value("csrf"),
              ConsoleFormToken.constantTimeEqual(Array(cookie.utf8), Array(field.utf8)) else {
            throw Self.refused(page, c0.words.csrfRefused)
        }
        guard let name = form.value("policy"), let set = registry.set(named: name) else {
            return page.html(ConsolePage.message(title: c0.words.notFound, "no policy set is named `\(form.value("policy") ?? "")`", context: c0),
                             status: .notFound)
        }
        let c = page.context(hasAudit: log != nil, path: "/draft", keep: [], extra: [("policy", set.name)])
        if let refusal = throttled(page) { return refusal }
        let checker = DraftChecker(set)
        let target = checker.target(base: "", asNew: nil)
        let names = registry.sets.map(\.name)
        let upload = form.file("workbook")
        let fileName = upload?.fileName.map { ($0 as NSString).lastPathComponent } ?? ""
        let outcome = Self.applyWorkbook(upload?.bytes ?? [], fileName: fileName, to: set, words: ww)
        guard outcome.workbook.problems.isEmpty, !outcome.files.isEmpty else {
            var report = DraftReport(set: set.name, files: checker.currentFiles(), changed: [], diagnostics: [], digest: nil, tests: nil,
                                     testDiagnostics: [], replay: nil, replayProblem: nil, target: target)
            report.workbook = outcome.workbook
            let status: HTTPResponse.Status = outcome.workbook.problems.isEmpty ? .ok : .unprocessableContent
            if outcome.workbook.problems.isEmpty {
                // Nothing changed: the same check of the set as it is, so the page still shows its tests.
                report = checker.check(report.files, changed: [], target: target, log: nil)
                report.workbook = outcome.workbook
            }
            return page.html(DraftPage.render(sets: names, set: set.name, files: report.files, report: report, context: c), status: status)
        }
        let merged: (files: [(path: String, text: String)], changed: [String])
        do { merged = try checker.merge(outcome.files, base: "") } catch {
            var report = DraftReport(set: set.name, files: checker.currentFiles(), changed: [], diagnostics: [], digest: nil, tests: nil,
                                     testDiagnostics: [], replay: nil, replayProblem: nil, target: target)
            report.workbook = WorkbookDraft(fileName: fileName, problems: [error.description])
            return page.html(DraftPage.render(sets: names, set: set.name, files: report.files, report: report, context: c), status: .unprocessableContent)
        }
        var report = checker.check(merged.files, changed: merged.changed, target: target, log: log)
        report.workbook = outcome.workbook
        // The draft form below holds the changed files: the language switch, a further edit and the
        // download of the changed files work as for any draft.
        return page.html(DraftPage.render(sets: names, set: set.name, files: merged.files, report: report, context: c),
                         status: report.loads ? .ok : .unprocessableContent)
    }

    /// The uploaded workbook applied by the importer to a copy of `set`'s files in a temporary folder:
    /// the changed files' texts (relative to the set's folder), or the importer's located refusals.
    /// The copy holds no test files, so that the importer stops only at what it cannot apply or load;
    /// the draft check then runs the set's tests and reports them as for any draft.
    static func applyWorkbook(_ bytes: [UInt8], fileName: String, to set: LivePolicySet, words ww: WorkbookWords)
        -> (workbook: WorkbookDraft, files: [(path: String, text: String)]) {
        var outcome = WorkbookDraft(fileName: fileName)
        guard !bytes.isEmpty || !fileName.isEmpty else {
            outcome.problems = [ww.noFile]
            return (outcome, [])
        }
        // An xlsx file is a zip archive (`PK\3\4`); a CSV, a text or an old `.xls` is refused as such.
        guard bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 0x03, bytes[3] == 0x04 else {
            outcome.problems = [ww.notWorkbook.replacingOccurrences(of: "{file}", with: fileName.isEmpty ? "?" : fileName)]
            return (outcome, [])
        }
        let book: Workbook
        do { book = try XLSXReader.read(Data(bytes), name: fileName.isEmpty ? "workbook.xlsx" : fileName) } catch {
            outcome.problems = [error.description]
            return (outcome, [])
        }
        let base = PolicyFolder.base(set.folder)
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("verdict-workbook-\(UUID().uuidString)")
        let copy = root.appendingPathComponent((base as NSString).lastPathComponent.isEmpty ? "set" : (base as NSString).lastPathComponent)
        defer { try? fm.removeItem(at: root) }
        func shown(_ s: String) -> String {
            s.replacingOccurrences(of: copy.path + "/", with: "").replacingOccurrences(of: copy.path, with: set.name)
        }
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            try fm.copyItem(at: URL(fileURLWithPath: base), to: copy)
            // No test files in the copy (the draft check runs them), and no hidden files.
            let walker = fm.enumerator(atPath: copy.path)
            var remove: [String] = []
            while let rel = walker?.nextObject() as? String {
                if PolicyFolder.isTestFile(rel) || (rel as NSString).lastPathComponent.hasPrefix(".") { remove.append(rel) }
            }
            for rel in remove { try? fm.removeItem(at: copy.appendingPathComponent(rel)) }
            // Files the set includes from beside its folder (`../calendars/cn-office.yaml`), at the same place beside the copy.
            let parent = (base as NSString).deletingLastPathComponent
            for policy in set.active?.versions.versions ?? [] {
                for s in policy.sources where !s.path.hasPrefix(base + "/") {
                    let rel = !parent.isEmpty && s.path.hasPrefix(parent + "/") ? String(s.path.dropFirst(parent.count + 1))
                        : s.path.hasPrefix("../") ? String(s.path.dropFirst(3)) : ""
                    guard !rel.isEmpty, !rel.hasPrefix("/"), !rel.split(separator: "/").contains("..") else { continue }
                    let to = root.appendingPathComponent(rel)
                    try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                    if !fm.fileExists(atPath: to.path) { try Data(s.text.utf8).write(to: to) }
                }
            }
        } catch {
            outcome.problems = ["\(set.name): the set's files could not be copied to check the workbook: \(error.localizedDescription)"]
            return (outcome, [])
        }
        let report: ImportReport
        do { report = try TableImport.run(book, into: copy.path, write: true) } catch {
            outcome.problems = [shown("\(error)")]
            return (outcome, [])
        }
        outcome.changedCells = report.changedCells
        outcome.changedFiles = report.changedFiles
        outcome.problems = report.problems.map(shown)
        guard outcome.problems.isEmpty else { return (outcome, []) }
        var files: [(path: String, text: String)] = []
        for rel in report.changedFiles {
            guard let data = fm.contents(atPath: copy.appendingPathComponent(rel).path) else { continue }
            files.append((rel, String(decoding: data, as: UTF8.self)))
        }
        return (outcome, files)
    }
}
