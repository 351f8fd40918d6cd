import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import Verdict
import VerdictAudit
import VerdictConsole
import VerdictSheets
@testable import VerdictServer

/// The draft page accepts an uploaded workbook (issue 33, item 3): the xlsx `verdict table export`
/// writes, edited, is applied by the importer to a copy of the set's files and checked as a draft —
/// the changed rule in the diff, the set's tests, the impact on a recorded decision —; a formula is a
/// refusal at its cell, a file that is no workbook a clear refusal; the served folder is never written.
@Suite("web console: a workbook as a draft")
struct ConsoleDraftWorkbookTests {
    static let csrf = ConsoleFormToken.newFormToken()

    /// The quality-complaints set copied to a folder of its own (so that nothing beside it is touched
    /// either), served with a decision log.
    struct Served {
        let root: URL
        let folder: String
        let service: VerdictService
        let log: any DecisionLog
        let writer: DecisionLogWriter

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-wb-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("served"), withIntermediateDirectories: true)
            folder = root.appendingPathComponent("served/quality-complaints").path
            try FileManager.default.copyItem(atPath: shippedPolicyPath("quality-complaints"), toPath: folder)
            log = try DecisionLogs.open("sqlite:" + root.appendingPathComponent("log.db").path, create: true)
            writer = DecisionLogWriter(log: log)
            var config = ServerConfiguration(policyFolders: [folder])
            config.reloadOnSIGHUP = false
            config.watchInterval = nil
            config.recorder = AuditRecorder(writer: writer)
            config.auditLog = log
            service = VerdictService(configuration: config, logger: CapturedLog().logger())
        }

        /// Every file below the served folder's parent, with its bytes.
        func snapshot() -> [String: Data] {
            let parent = root.appendingPathComponent("served").path
            var out: [String: Data] = [:]
            let walker = FileManager.default.enumerator(atPath: parent)
            while let rel = walker?.nextObject() as? String {
                out[rel] = FileManager.default.contents(atPath: parent + "/" + rel) ?? Data()
            }
            return out
        }

        func close() {
            try? writer.close()
            try? FileManager.default.removeItem(at: root)
        }
    }

    /// The exported workbook with the cell whose text is `old` on `sheet` set to `new`.
    static func edited(_ folder: String, sheet: String, _ edits: [(old: String, new: Cell)]) throws -> [UInt8] {
        var book = try PolicyTables(directory: folder).workbook()
        let s = try #require(book.sheets.firstIndex { $0.name == sheet })
        for e in edits {
            var found = false
            for r in book.sheets[s].rows.indices {
                for c in book.sheets[s].rows[r].indices where book.sheets[s].rows[r][c].text == e.old {
                    book.sheets[s].rows[r][c] = e.new
                    found = true
                }
            }
            #expect(found, "the exported sheet holds `\(e.old)`")
        }
        return Array(try XLSXWriter.write(book))
    }

    static let boundary = "----verdict-test-7d3f"

    /// A `multipart/form-data` body as a browser sends the workbook form.
    static func multipart(policy: String, file: [UInt8], name: String, csrf: String? = Self.csrf) -> ByteBuffer {
        var body: [UInt8] = []
        func add(_ s: String) { body += Array(s.utf8) }
        var fields = [("policy", policy)]
        if let csrf { fields.append(("csrf", csrf)) }
        for (k, v) in fields {
            add("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        add("--\(boundary)\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"\(name)\"\r\n")
        add("Content-Type: application/octet-stream\r\n\r\n")
        body += file
        add("\r\n--\(boundary)--\r\n")
        return ByteBuffer(bytes: body)
    }

    static func headers(lang: Language? = nil) -> HTTPFields {
        var h = HTTPFields()
        h[.cookie] = "verdict_csrf=\(csrf)" + (lang.map { "; verdict_lang=\($0.rawValue)" } ?? "")
        h[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return h
    }

    static func words(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    @Test func theDraftPageOffersTheWorkbookFormInBothLanguages() async throws {
        let s = try Served(); defer { s.close() }
        try await s.service.application().test(.router) { client in
            let en = text(try await client.get("/draft?policy=quality-complaints").body)
            #expect(en.contains(#"<form method="post" action="/draft" id="workbook-form" enctype="multipart/form-data">"#))
            #expect(en.contains(#"<input type="hidden" name="csrf""#))
            #expect(en.contains(#"<label for="workbook-file">Workbook (xlsx)</label>"#))
            #expect(en.contains("Check the workbook"))
            let zh = text(try await client.get("/draft?policy=quality-complaints&lang=zh").body)
            #expect(zh.contains("检查电子表格"))
            #expect(zh.contains(#"<label for="workbook-file">工作簿(xlsx)</label>"#))
        }
    }

    @Test func anEditedBandEdgeIsCheckedAsADraftWithItsTestsAndImpact() async throws {
        let s = try Served(); defer { s.close() }
        let before = s.snapshot()
        // The middle band's upper edge from 1000 to 2000 yuan: two cells of the approval sheet.
        let xlsx = try Self.edited(s.folder, sheet: "approval", [(old: "cost in (300..1000]", new: .text("cost in (300..2000]")),
                                                                (old: "cost > 1000", new: .text("cost > 2000"))])
        try await s.service.application().test(.router) { client in
            // A recorded case of 1200 yuan: the change moves it from the top band to the middle one.
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                             body: Self.multipart(policy: "quality-complaints", file: xlsx, name: "quality-complaints.xlsx"))
            let page = text(r.body), w = Self.words(page)
            #expect(r.status == .ok || r.status == .unprocessableContent)
            #expect(w.contains("Checked from the workbook quality-complaints.xlsx"))
            #expect(page.contains(#"id="workbook-cells""#))
            #expect(w.contains("Changed cells: approval!"))
            // The changed rule, in the line diff of the YAML file.
            #expect(w.contains("a5-approval.yaml: 2 lines removed, 2 added"))
            #expect(w.contains("− when: cost in (300..1000]"))
            #expect(w.contains("+ when: cost in (300..2000]"))
            #expect(w.contains("+ when: cost > 2000"))
            // The set's tests, run against the changed set.
            #expect(page.contains(#"id="tests""#))
            #expect(w.contains(" passed, "))
            // The impact on the recorded decision.
            #expect(page.contains("Impact on recorded cases"))
            #expect(page.contains("band-above-1000 + henan-finance → band-300-to-1000 + henan-finance"))
            // The draft form holds the changed file, for a further edit or the download.
            #expect(page.contains("when: cost in (300..2000]"))
            // In Chinese.
            let zh = text(try await client.execute(uri: "/draft", method: .post, headers: Self.headers(lang: .zh),
                                                   body: Self.multipart(policy: "quality-complaints", file: xlsx, name: "quality-complaints.xlsx")).body)
            #expect(zh.contains("根据工作簿 quality-complaints.xlsx 检查"))
            #expect(zh.contains("已更改的单元格:approval!"))
        }
        #expect(s.snapshot() == before, "nothing written in or beside the served folder")
    }

    @Test func aFormulaIsRefusedAtItsCell() async throws {
        let s = try Served(); defer { s.close() }
        let before = s.snapshot()
        let xlsx = try Self.edited(s.folder, sheet: "approval", [(old: "cost > 1000", new: .formula("1+2"))])
        try await s.service.application().test(.router) { client in
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                             body: Self.multipart(policy: "quality-complaints", file: xlsx, name: "edited.xlsx"))
            #expect(r.status == .unprocessableContent)
            let page = text(r.body), w = Self.words(page)
            #expect(page.contains(#"id="workbook-problems""#))
            #expect(w.contains("The workbook cannot be applied: nothing was checked"))
            #expect(w.range(of: #"approval![A-Z]+[0-9]+: a formula \(=1\+2\) instead of a value"#, options: .regularExpression) != nil)
            #expect(!page.contains(#"id="tests""#))
            let zh = text(try await client.execute(uri: "/draft", method: .post, headers: Self.headers(lang: .zh),
                                                   body: Self.multipart(policy: "quality-complaints", file: xlsx, name: "edited.xlsx")).body)
            #expect(zh.contains("无法应用该工作簿"))
        }
        #expect(s.snapshot() == before)
    }

    @Test func aFileThatIsNoWorkbookIsRefusedClearly() async throws {
        let s = try Served(); defer { s.close() }
        let before = s.snapshot()
        try await s.service.application().test(.router) { client in
            let csv = Array("id,label.en\nband-up-to-300,up to 300 yuan\n".utf8)
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                             body: Self.multipart(policy: "quality-complaints", file: csv, name: "approval.csv"))
            #expect(r.status == .unprocessableContent)
            let w = Self.words(text(r.body))
            #expect(w.contains("`approval.csv` is not an xlsx workbook (an xlsx file is a zip archive)"))
            // A zip that is not a workbook: the importer's reader says so.
            let zip = try Self.edited(s.folder, sheet: "approval", [])
            var broken = zip
            broken.removeLast(broken.count / 2)
            let r2 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                              body: Self.multipart(policy: "quality-complaints", file: broken, name: "cut.xlsx"))
            #expect(r2.status == .unprocessableContent)
            #expect(text(r2.body).contains(#"id="workbook-problems""#))
            // No file chosen.
            let r3 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                              body: Self.multipart(policy: "quality-complaints", file: [], name: ""))
            #expect(r3.status == .unprocessableContent)
            #expect(Self.words(text(r3.body)).contains("no file was chosen"))
            // Without the form token: refused as every console form is.
            let r4 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                              body: Self.multipart(policy: "quality-complaints", file: zip, name: "a.xlsx", csrf: nil))
            #expect(r4.status == .forbidden)
            // A body that is no multipart form.
            let r5 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: "policy=quality-complaints"))
            #expect(r5.status == .badRequest)
            // Over the form limit: 413.
            let big = [UInt8](repeating: 0x50, count: 5 << 20)
            let r6 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                              body: Self.multipart(policy: "quality-complaints", file: big, name: "big.xlsx"))
            #expect(r6.status == .contentTooLarge)
            // An unchanged export: nothing to check beyond the set as it is.
            let r7 = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                              body: Self.multipart(policy: "quality-complaints", file: zip, name: "same.xlsx"))
            #expect(r7.status == .ok)
            #expect(Self.words(text(r7.body)).contains("The workbook changes nothing"))
        }
        #expect(s.snapshot() == before)
    }
}
