import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict
import VerdictAudit
import VerdictConsole

/// The draft page: `GET /draft` (the form, for the version in `base`), `POST /draft` (check it; with
/// `?lang=` and no check yet, the same form in the other language, the draft kept), and
/// `POST /draft/download` (the files to hand on, as one archive, when the draft loads and passes its tests).
extension ConsoleRoutes {
    func draft(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil, keep: ["policy", "base"])
        let names = registry.sets.map(\.name)
        let chosen = FormData.value(page.query, "policy").flatMap { registry.set(named: $0) } ?? (names.count == 1 ? registry.sets.first : nil)
        guard let chosen else { return page.html(DraftPage.render(sets: names, set: nil, files: [], report: nil, context: c)) }
        let checker = DraftChecker(chosen)
        let target = checker.target(base: FormData.value(page.query, "base"), asNew: nil)
        let files = checker.currentFiles(of: target?.base.folder ?? "")
        return page.html(DraftPage.render(sets: names, set: chosen.name, files: files, report: nil, target: target, context: c))
    }

    /// What a posted draft form asks for: its set, the version it is made from, the files.
    struct DraftForm {
        var set: LivePolicySet
        var checker: DraftChecker
        var target: DraftTarget?
        var files: [(path: String, text: String)]
        var changed: [String]
        var problems: [String]
        /// Files of the edited version the draft removes (their boxes ticked; their texts stay in `files`).
        var removed: [String] = []
        /// The draft's files without the removed ones: what is checked.
        var checked: [(path: String, text: String)] { files.filter { !removed.contains($0.path) } }

        /// The check of this draft (a form problem stops it before loading anything).
        func report(log: (any DecisionLog)?) -> DraftReport {
            var r = problems.isEmpty ? checker.check(checked, changed: changed, target: target, log: log)
                : DraftReport(set: set.name, files: checked, changed: changed, diagnostics: [], digest: nil, tests: nil, testDiagnostics: [],
                              replay: nil, replayProblem: nil, target: target, formProblems: problems)
            r.removed = removed
            return r
        }
    }

    /// Reads a posted draft form; a response when it cannot be read (no such set, a file name not allowed).
    func draftForm(_ form: [(String, String)], _ page: Page, _ c: ConsoleContext) -> Result<DraftForm, ResponseBox> {
        guard let name = FormData.value(form, "policy"), let set = registry.set(named: name) else {
            return .failure(ResponseBox(page.html(ConsolePage.message(title: c.words.notFound, "no policy set is named `\(FormData.value(form, "policy") ?? "")`", context: c),
                                                  status: .notFound)))
        }
        var submitted = form.filter { $0.0.hasPrefix("file.") }.map { (path: String($0.0.dropFirst(5)), text: $0.1) }
        if let newName = FormData.value(form, "new_name")?.trimmingCharacters(in: .whitespaces), !newName.isEmpty {
            submitted.append((newName, FormData.value(form, "new_text") ?? ""))
        }
        let checker = DraftChecker(set)
        let base = FormData.value(form, "base") ?? ""
        var asNew: DraftTarget.NewVersion?
        if FormData.value(form, "as") == "new" {
            asNew = .init(version: (FormData.value(form, "new_version") ?? "").trimmingCharacters(in: .whitespaces),
                          effective: (FormData.value(form, "new_effective") ?? "").trimmingCharacters(in: .whitespaces))
        }
        let target = checker.target(base: base, asNew: asNew)
        let c2 = page.context(hasAudit: log != nil, path: "/draft", keep: [], extra: [("policy", set.name)])
        if let target, target.base.folder != base {
            return .failure(ResponseBox(page.html(ConsolePage.message(title: c.words.draft, c.draftWords.notAVersion.replacingOccurrences(of: "{folder}", with: base), context: c2),
                                                  status: .badRequest)))
        }
        // A ticked "remove" box names a file of the edited version; the draft is checked without it.
        var removed: [String] = []
        for (key, value) in form where key.hasPrefix("remove.") && value == "1" && !removed.contains(String(key.dropFirst(7))) {
            removed.append(String(key.dropFirst(7)))
        }
        let existing = Set(checker.currentFiles(of: target?.base.folder ?? "").map(\.path))
        if let stray = removed.first(where: { !existing.contains($0) }) {
            return .failure(ResponseBox(page.html(ConsolePage.message(title: c.words.draft, "`\(stray.prefix(200))` is not a file of this version: there is nothing to remove",
                                                                      context: c2), status: .badRequest)))
        }
        do {
            var (files, changed) = try checker.merge(submitted, base: target?.base.folder ?? "")
            var problems: [String] = []
            if let target, let n = target.asNew {
                (files, changed, problems) = checker.asNewVersion(files, base: target.base.folder, n, words: c.draftWords)
            }
            return .success(DraftForm(set: set, checker: checker, target: target, files: files, changed: changed, problems: problems, removed: removed))
        } catch {
            return .failure(ResponseBox(page.html(ConsolePage.message(title: c.words.draft, error.description, context: c2), status: .badRequest)))
        }
    }

    /// A response carried as an error value.
    struct ResponseBox: Error {
        var response: Response
        init(_ response: Response) { self.response = response }
    }

    func checkDraft(_ request: Request, context: some RequestContext) async throws -> Response {
        // The workbook form (a file upload) posts here too: an xlsx applied to a copy and checked as a draft.
        if DecisionRoutes.mediaType(request) == "multipart/form-data" { return try await checkWorkbook(request, context: context) }
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let form = try await postForm(request, page)
        let c = page.context(hasAudit: log != nil, path: "/draft", keep: [], extra: FormData.value(form, "policy").map { [("policy", $0)] } ?? [])
        // The language switch of a draft not checked yet: the same form in the other language.
        let switchOnly = FormData.value(page.query, "lang") != nil && FormData.value(form, "checked") != "1"
        if !switchOnly, let refusal = throttled(page) { return refusal }
        let d: DraftForm
        switch draftForm(form, page, c) {
        case .success(let x): d = x
        case .failure(let box): return box.response
        }
        let names = registry.sets.map(\.name)
        if switchOnly {
            return page.html(DraftPage.render(sets: names, set: d.set.name, files: d.files, report: nil, target: d.target, removed: d.removed, context: c))
        }
        let report = d.report(log: log)
        return page.html(DraftPage.render(sets: names, set: d.set.name, files: d.files, report: report, context: c),
                         status: report.loads ? .ok : .unprocessableContent)
    }

    /// The draft's files to hand on as one tar archive, checked again first (without the replay): only
    /// a draft that loads and passes its tests is handed out; otherwise its page, with why.
    func downloadDraft(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let form = try await postForm(request, page)
        let c = page.context(hasAudit: log != nil, path: "/draft", keep: [], extra: FormData.value(form, "policy").map { [("policy", $0)] } ?? [])
        if let refusal = throttled(page) { return refusal }
        let d: DraftForm
        switch draftForm(form, page, c) {
        case .success(let x): d = x
        case .failure(let box): return box.response
        }
        let report = d.report(log: nil)
        guard report.canHandOn, !report.changed.isEmpty, let digest = report.digest else {
            return page.html(DraftPage.render(sets: registry.sets.map(\.name), set: d.set.name, files: d.files, report: report, context: c),
                             status: .unprocessableContent)
        }
        let archive = DraftArchive.make(report, digest: digest)
        var h = HTTPFields()
        h[.contentType] = "application/x-tar"
        h[.contentDisposition] = "attachment; filename=\"\(DraftArchive.fileName(set: d.set.name, digest: digest))\""
        h[.cacheControl] = "no-store"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        for cookie in page.cookies { h.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: archive)))
    }
}

/// A draft's files to hand on, as a POSIX tar archive (ustar): each file at its path in the set's
/// folder, `DRAFT.txt` saying what the draft is, its digest and how it goes live, and `SHA256SUMS`
/// (`sha256sum -c SHA256SUMS`) over the files.
enum DraftArchive {
    static func fileName(set: String, digest: String) -> String {
        let hex = digest.split(separator: ":").last.map(String.init) ?? digest
        return ConsoleRoutes.fileSafe(set) + "-draft-" + String(hex.prefix(12)) + ".tar"
    }

    static func make(_ r: DraftReport, digest: String) -> [UInt8] {
        // Paths in the set's folder; in the archive, below a folder named after the set.
        let files = r.handOn.map { (path: $0.path, bytes: Array($0.text.utf8)) }
        var sums = ""
        for f in files { sums += SHA256.hash(data: f.bytes).map { String(format: "%02x", $0) }.joined() + "  " + f.path + "\n" }
        var about = "A draft of the policy set \(r.set), checked by the Verdict console.\n"
        if let t = r.target {
            if let n = t.asNew {
                about += "Made as: a new version \(n.version), effective from \(n.effective), from version \(t.base.version) (its files go to \(r.set)/\(n.folder)/).\n"
            } else {
                about += "Made as: an edit of version \(t.base.version)" + (t.base.effective.map { ", in force from \($0)" } ?? "")
                    + (t.until.map { " until \($0)" } ?? "") + ".\n"
            }
        }
        about += "Policy digest of the draft: \(digest)\n"
        if let tests = r.tests { about += "Its YAML tests: \(tests.passed) passed, \(tests.failed) failed.\n" }
        about += "Files, by path in the set's folder (their SHA-256 in SHA256SUMS: `sha256sum -c SHA256SUMS` here):\n"
        for f in files { about += "  \(f.path)\n" }
        about += """

        To put it in force, copy these files into the served folder of the set, at these paths.
        The service hot-reloads the folder: it loads and checks it, runs its tests, and serves it
        only when all pass; the policies page then shows the digest above. Nothing else changes.

        """
        var out: [UInt8] = []
        for f in [(path: "DRAFT.txt", bytes: Array(about.utf8)), (path: "SHA256SUMS", bytes: Array(sums.utf8))] + files {
            out += header(r.set + "/" + f.path, size: f.bytes.count)
            out += f.bytes
            out += [UInt8](repeating: 0, count: (512 - f.bytes.count % 512) % 512)
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }

    /// A ustar header; a path longer than 100 bytes is split into prefix and name at a `/`.
    static func header(_ path: String, size: Int) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ s: String, at offset: Int, width: Int) {
            for (i, b) in s.utf8.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ n: Int, width: Int) -> String {
            let s = String(n, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - s.count)) + s
        }
        var name = path, prefix = ""
        if path.utf8.count > 100, let cut = path.utf8.indices.last(where: { path.utf8[$0] == UInt8(ascii: "/") && path.utf8.distance(from: path.utf8.startIndex, to: $0) <= 155 }) {
            prefix = String(path[..<cut])
            name = String(path[path.index(after: cut)...])
        }
        put(name, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 8)
        put(octal(0, width: 8), at: 108, width: 8)
        put(octal(0, width: 8), at: 116, width: 8)
        put(octal(size, width: 12), at: 124, width: 12)
        put(octal(Int(Date().timeIntervalSince1970), width: 12), at: 136, width: 12)
        for i in 148..<156 { h[i] = 0x20 }
        h[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        put(prefix, at: 345, width: 155)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7), at: 148, width: 7)
        h[155] = 0x20
        return h
    }
}
