import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import Verdict
import VerdictConsole
@testable import VerdictServer

/// The draft page knows versions (issue 37, items 2 and 3): it names the version it edits and its
/// dates, warns about later versions with what they change, can be made as a new version with its own
/// effective date (checked with the set's other versions), shows a line diff, keeps the draft across a
/// language switch, links each diagnostic to its line, and hands the files on as an archive with the
/// draft's digest — driven through the router, in English and Chinese.
@Suite("web console: drafts that know versions")
struct ConsoleDraftTests {
    static let qc = shippedPolicyPath("quality-complaints")
    static let amended = shippedPolicyPath("examples/quality-complaints-amended")
    static let csrf = ConsoleFormToken.newFormToken()

    static func headers(lang: Language? = nil) -> HTTPFields {
        var h = HTTPFields()
        h[.cookie] = "verdict_csrf=\(csrf)" + (lang.map { "; verdict_lang=\($0.rawValue)" } ?? "")
        h[.contentType] = "application/x-www-form-urlencoded"
        return h
    }

    static func body(_ pairs: [(String, String)]) -> String {
        (pairs + [("csrf", csrf)]).map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
    }

    /// The officer's change: the first approval band from 300 to 500 yuan, and the one test that named the old band.
    static func raisedBand(_ folder: String) throws -> [(String, String)] {
        let a5 = try String(contentsOfFile: folder + "/a5-approval.yaml", encoding: .utf8)
            .replacingOccurrences(of: "when: cost <= 300", with: "when: cost <= 500")
            .replacingOccurrences(of: "when: cost in (300..1000]", with: "when: cost in (500..1000]")
        let tests = try String(contentsOfFile: folder + "/quality-complaints.test.yaml", encoding: .utf8)
            .replacingOccurrences(of: "expect: {success: false, settlement_authority: absent, approver: division_manager}",
                                  with: "expect: {success: false, settlement_authority: absent, approver: branch_manager}")
        return [("file.a5-approval.yaml", a5), ("file.quality-complaints.test.yaml", tests)]
    }

    /// The page's text without tags, white space folded.
    static func words(_ html: String) -> String {
        html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
    }

    @Test func aDraftOfTheEarlierVersionNamesItsDatesAndWarnsAboutTheLaterOne() async throws {
        let service = try makeService([Self.amended])
        try await service.application().test(.router) { client in
            let en = Self.words(text(try await client.get("/draft?policy=quality-complaints-amended").body))
            #expect(en.contains("This draft edits version 1.0.0 of quality-complaints-amended"))
            #expect(en.contains("in force from 2011-06-12, until 2026-12-31"))
            #expect(en.contains("A later version exists: 2.0.0"))
            // What 2.0.0 already changes, from the library's semantic diff.
            #expect(en.contains("What 2.0.0 already changes against 1.0.0:"))
            #expect(en.contains("decision `approval`: rule `band-up-to-300` removed"))
            #expect(en.contains("rule `band-up-to-500` added: when: cost <= 500"))
            #expect(en.contains("An edit of 1.0.0 reaches only the dates before 2027-01-01"))
            var zhHeaders = HTTPFields()
            zhHeaders[.cookie] = "verdict_lang=zh"
            let zh = Self.words(text(try await client.execute(uri: "/draft?policy=quality-complaints-amended", method: .get, headers: zhHeaders).body))
            #expect(zh.contains("本草稿修改 quality-complaints-amended 的 1.0.0 版"))
            #expect(zh.contains("自 2011-06-12 起生效, 至 2026-12-31 止"))
            #expect(zh.contains("存在更晚的版本:2.0.0"))
            #expect(zh.contains("rule `band-up-to-300` removed"))
            // The later version itself, chosen to edit: no version follows it.
            let later = Self.words(text(try await client.get("/draft?policy=quality-complaints-amended&base=versions%2F2.0.0").body))
            #expect(later.contains("This draft edits version 2.0.0"))
            #expect(later.contains("in force from 2027-01-01, with no later version"))
            #expect(!later.contains("A later version exists"))
        }
    }

    @Test func theRaisedBandAsANewVersionDated2027ChecksCleanWithItsTestsAndDownloads() async throws {
        let service = try makeService([Self.qc])
        let edits = try Self.raisedBand(Self.qc)
        let form = [("policy", "quality-complaints"), ("base", ""), ("as", "new"), ("new_version", "2.0.0"), ("new_effective", "2027-01-01")] + edits
        try await service.application().test(.router) { client in
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(form)))
            let page = text(r.body), en = Self.words(page)
            #expect(r.status == .ok)
            #expect(en.contains("The draft loads without errors."))
            #expect(en.contains("The draft is a new version 2.0.0, effective from 2027-01-01, made from 1.0.0"))
            #expect(en.contains("Checked with the set's other versions: 1.0.0"))
            #expect(en.contains("28 passed, 0 failed — the tests of version 2.0.0 only"))
            // The diff: the manifest's new version and date, the band; not the moved `$schema` comments.
            #expect(en.contains("versions/2.0.0/a5-approval.yaml: 2 lines removed, 2 added"))
            #expect(page.contains("<del><span class=\"vh\">removed: </span>−         when: cost &lt;= 300</del>"))
            #expect(page.contains("<ins><span class=\"vh\">added: </span>+         when: cost &lt;= 500</ins>"))
            #expect(en.contains("versions/2.0.0/policy.yaml: 2 lines removed, 2 added"))
            #expect(page.contains("+   effective: 2027-01-01"))
            #expect(!en.contains("versions/2.0.0/a1-tier.yaml: "))
            // The next step: every file of the new folder, the digest, how activation works.
            #expect(en.contains("quality-complaints/versions/2.0.0/a1-tier.yaml"))
            #expect(page.contains(#"formaction="/draft/download""#))
            #expect(en.contains("Activation is by putting these files in the served folder"))
            let digest = try #require(page.firstMatch(of: /<code>(sha256:[0-9a-f]{64})<\/code>/).map { String($0.1) })

            let d = try await client.execute(uri: "/draft/download", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(form)))
            #expect(d.status == .ok)
            #expect(d.headers[.contentType] == "application/x-tar")
            #expect(d.headers[.contentDisposition] == "attachment; filename=\"quality-complaints-draft-\(digest.dropFirst(7).prefix(12)).tar\"")
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-draft-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            try Data(buffer: d.body).write(to: folder.appendingPathComponent("draft.tar"))
            #expect(try Self.run("/usr/bin/env", ["tar", "-xf", "draft.tar"], in: folder.path) == 0)
            let set = folder.appendingPathComponent("quality-complaints").path
            let about = try String(contentsOfFile: set + "/DRAFT.txt", encoding: .utf8)
            #expect(about.contains("Policy digest of the draft: \(digest)"))
            #expect(about.contains("a new version 2.0.0, effective from 2027-01-01, from version 1.0.0"))
            #expect(try Self.run("/usr/bin/env", ["sha256sum", "--quiet", "-c", "SHA256SUMS"], in: set) == 0)
            let manifest = try String(contentsOfFile: set + "/versions/2.0.0/policy.yaml", encoding: .utf8)
            #expect(manifest.contains("  version: \"2.0.0\"\n  effective: 2027-01-01\n"))
            #expect(manifest.hasPrefix("# yaml-language-server: $schema=../../../../schema/verdict-policy.schema.json"))
            // The handed-on folder is the set the service would load: both versions, the new one with the draft's digest.
            let copy = try PolicyCopy("quality-complaints")
            defer { copy.remove() }
            try FileManager.default.copyItem(atPath: set + "/versions", toPath: copy.path + "/versions")
            let loaded = try PolicyVersions.load(directory: copy.path)
            #expect(loaded.versions.map(\.identity.version) == ["1.0.0", "2.0.0"])
            #expect(loaded.latest.identity.digest == digest)
        }
    }

    static func run(_ tool: String, _ arguments: [String], in folder: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: folder)
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func aNewVersionOnADateTakenOrWithABadNameIsRefusedWithReasons() async throws {
        let service = try makeService([Self.amended])
        try await service.application().test(.router) { client in
            // The same date as 2.0.0: checked with the other versions, refused where the draft's manifest says it.
            let same = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "new"), ("new_version", "2.1.0"), ("new_effective", "2027-01-01")]
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(same)))
            #expect(r.status == .unprocessableContent)
            let en = Self.words(text(r.body))
            #expect(en.contains("[duplicate-effective-date]"))
            #expect(en.contains("version 2.1.0 and version 2.0.0 both take effect on 2027-01-01"))
            // A name that cannot be a folder, a date that is none, a version that exists: said in the page's language.
            let bad = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "new"), ("new_version", "../x"), ("new_effective", "2027-13-01")]
            let b = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(lang: .zh), body: ByteBuffer(string: Self.body(bad)))
            #expect(b.status == .unprocessableContent)
            let zh = Self.words(text(b.body))
            #expect(zh.contains("无法按所填内容检查草稿"))
            #expect(zh.contains("「../x」不能作为新版本名"))
            #expect(zh.contains("「2027-13-01」不是形如 2027-01-01 的日期"))
            let taken = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "new"), ("new_version", "2.0.0"), ("new_effective", "2028-01-01")]
            let t = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(taken)))
            #expect(Self.words(text(t.body)).contains("The set already has a version 2.0.0"))
            // Nothing to hand on from a draft that does not load.
            let d = try await client.execute(uri: "/draft/download", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(same)))
            #expect(d.status == .unprocessableContent)
            #expect(d.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func theLanguageSwitchKeepsTheDraftAndAnUnchangedDraftSaysWhyItsTestCountDiffers() async throws {
        let service = try makeService([Self.amended])
        let edited = try String(contentsOfFile: Self.amended + "/a5-approval.yaml", encoding: .utf8)
            .replacingOccurrences(of: "when: cost <= 300", with: "when: cost <= 350")
        try await service.application().test(.router) { client in
            let page = text(try await client.get("/draft?policy=quality-complaints-amended").body)
            // The switch is a button that posts the draft form to the other language.
            #expect(page.contains(#"<button type="submit" class="lang linkish" lang="zh-Hans" form="draft-form" formaction="/draft?lang=zh""#))
            let form = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "edit"), ("file.a5-approval.yaml", edited)]
            let r = try await client.execute(uri: "/draft?lang=zh", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(form)))
            #expect(r.status == .ok)
            #expect(r.headers[values: .setCookie].contains { $0.hasPrefix("verdict_lang=zh") })
            let zh = text(r.body)
            #expect(zh.contains("<html lang=\"zh-Hans\">"))
            #expect(zh.contains("when: cost &lt;= 350"))
            #expect(!zh.contains("id=\"report\""), "a switch before any check checks nothing")
            // After a check, the switch checks again in the other language.
            let checked = try await client.execute(uri: "/draft?lang=en", method: .post, headers: Self.headers(),
                                                   body: ByteBuffer(string: Self.body(form + [("checked", "1")])))
            #expect(Self.words(text(checked.body)).contains("Changed files a5-approval.yaml"))
            // Unchanged: 26 tests of 1.0.0 against the policies page's 54 of both versions, and why.
            let unchanged = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                                     body: ByteBuffer(string: Self.body([("policy", "quality-complaints-amended"), ("base", "")])))
            let en = Self.words(text(unchanged.body))
            #expect(en.contains("No file differs from the serving version."))
            #expect(en.contains("passed, 0 failed — the tests of version 1.0.0 only"))
            #expect(en.contains("The policies page counts 54 passed: the tests of all 2 versions. A draft runs the tests of the version it edits."))
            let zhUnchanged = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(lang: .zh),
                                                       body: ByteBuffer(string: Self.body([("policy", "quality-complaints-amended"), ("base", "")])))
            #expect(Self.words(text(zhUnchanged.body)).contains("政策页面显示通过 54 个:那是全部 2 个版本的测试。"))
            // A folder that is no served version is refused.
            let wrong = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(),
                                                 body: ByteBuffer(string: Self.body([("policy", "quality-complaints-amended"), ("base", "versions/9")])))
            #expect(wrong.status == .badRequest)
        }
    }

    @Test func eachDiagnosticLinksToItsNumberedLine() async throws {
        let service = try makeService([Self.qc])
        let broken = try String(contentsOfFile: Self.qc + "/a5-approval.yaml", encoding: .utf8)
            .replacingOccurrences(of: "when: cost <= 300", with: "when: cots <= 300")
        try await service.application().test(.router) { client in
            for lang in [Language.en, .zh] {
                let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(lang: lang),
                                                 body: ByteBuffer(string: Self.body([("policy", "quality-complaints"), ("file.a5-approval.yaml", broken)])))
                #expect(r.status == .unprocessableContent)
                let page = text(r.body)
                // The file's index in the form, and the link to its line 21 in the numbered listing (open, since it has a diagnostic).
                let n = try #require(page.firstMatch(of: /<textarea id="file-(\d+)" name="file\.a5-approval\.yaml"/).map { String($0.1) })
                #expect(page.contains(##"<a class="at" href="#f\##(n)-L21" data-textarea="file-\##(n)" data-line="21" data-column="15""##))
                #expect(page.contains(##"<code>a5-approval.yaml:21:15</code></a>"##))
                #expect(page.contains(##"<details class="listing" id="listing-\##(n)" open>"##))
                #expect(page.contains(##"<li id="f\##(n)-L21">        when: cots &lt;= 300</li>"##))
                #expect(page.contains(lang == .zh ? "a5-approval.yaml 带行号的内容" : "Numbered lines of a5-approval.yaml"))
            }
        }
    }

    @Test func aLaterVersionIsScheduledBeforeItsDateAndInForceAfterIt() throws {
        let served = try PolicyVersions.load(directory: Self.amended)
        let checker = DraftChecker(folder: Self.amended, name: "quality-complaints-amended", served: served, servedTestsPassed: 54)
        let zone = try #require(Zone(identifier: "Asia/Shanghai"))
        func page(_ now: String, _ language: Language) throws -> String {
            let target = try #require(checker.target(base: nil, asNew: nil, now: try Timestamp(rfc3339: now).date))
            #expect(target.base.version == "1.0.0" && target.until == CivilDate(year: 2026, month: 12, day: 31))
            let c = ConsoleContext(language: language, csrfToken: String(repeating: "a", count: 64), hasAuditLog: false, path: "/draft")
            return Self.words(DraftPage.render(sets: ["quality-complaints-amended"], set: "quality-complaints-amended",
                                               files: checker.currentFiles(), report: nil, target: target, context: c))
        }
        // The last minute of 2026 in the set's zone is before 2.0.0; its first minute of 2027 is not.
        #expect(DraftChecker.today(in: zone, now: try Timestamp(rfc3339: "2026-12-31T15:59:00Z").date) == CivilDate(year: 2026, month: 12, day: 31))
        #expect(DraftChecker.today(in: zone, now: try Timestamp(rfc3339: "2026-12-31T16:00:00Z").date) == CivilDate(year: 2027, month: 1, day: 1))
        #expect(try page("2026-12-06T09:00:00+08:00", .en).contains("A later version exists: 2.0.0 , scheduled from 2027-01-01"))
        #expect(try page("2027-02-01T09:00:00+08:00", .en).contains("A later version exists: 2.0.0 , in force since 2027-01-01"))
        #expect(try page("2026-12-06T09:00:00+08:00", .zh).contains("存在更晚的版本:2.0.0 , 将于 2027-01-01 生效"))
        #expect(try page("2027-02-01T09:00:00+08:00", .zh).contains("存在更晚的版本:2.0.0 , 自 2027-01-01 起已生效"))
        // The changes are the semantic diff, its text escaped like any other.
        let html = DraftPage.render(sets: ["x"], set: "x", files: [], report: nil,
                                    target: DraftTarget(versions: [.init(version: "1", effective: nil, folder: ""), .init(version: "<b>2</b>", effective: nil, folder: "versions/2")],
                                                        edited: 0, later: [.init(version: .init(version: "<b>2</b>", effective: nil, folder: "versions/2"), scheduled: true,
                                                                                 changes: ["rule `r` added: when: cost <= 500"])], asNew: nil),
                                    context: ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: false, path: "/draft"))
        #expect(html.contains("<code>rule `r` added: when: cost &lt;= 500</code>") && html.contains("&lt;b&gt;2&lt;/b&gt;") && !html.contains("<b>2</b>"))
    }

    @Test func aNewVersionIsReplayedAsTheServiceWouldDecideEachRecordedCase() async throws {
        let logged = try ConsoleRouteTests.Logged([Self.amended])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            // A case received in 2026 for 1200 yuan, recorded: head office approves it under 1.0.0.
            let recorded = try await client.post("/v1/policies/quality-complaints-amended/decide", henanCase)
            #expect(recorded.status == .ok)
            try logged.writer.flush()
            let a5 = try String(contentsOfFile: Self.amended + "/a5-approval.yaml", encoding: .utf8)
                .replacingOccurrences(of: "when: cost in (300..1000]", with: "when: cost in (300..2000]")
                .replacingOccurrences(of: "when: cost > 1000", with: "when: cost > 2000")
            // As an edit of 1.0.0 the recorded case changes; as a version from 2028 it does not (1.0.0 still decides 2026).
            let edit = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "edit"), ("file.a5-approval.yaml", a5)]
            let e = Self.words(text(try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(edit))).body))
            #expect(e.contains("head_office → division_manager") || e.contains("head office → division manager"), "\(e.suffix(1500))")
            let later = [("policy", "quality-complaints-amended"), ("base", ""), ("as", "new"), ("new_version", "3.0.0"), ("new_effective", "2028-01-01"), ("file.a5-approval.yaml", a5)]
            let n = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(), body: ByteBuffer(string: Self.body(later)))
            #expect(n.status == .ok)
            let words = Self.words(text(n.body))
            #expect(words.contains("Checked with the set's other versions: 1.0.0, 2.0.0"))
            #expect(words.contains("No recorded decision would change."), "\(words.suffix(1500))")
        }
    }

    @Test func theLineDiffKeepsCommonLinesAndShowsRemovalsFirst() {
        let d = LineDiff(old: "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n", new: "a\nb\nc\nd\nE\nf\ng\nh\ni\nj\nk\n", context: 1)
        #expect(d.removed == 1 && d.added == 2)
        #expect(d.hunks.count == 2)
        #expect(d.hunks[0].map(\.kind) == [.kept, .removed, .added, .kept])
        #expect(d.hunks[0][1] == .init(kind: .removed, old: 5, new: nil, text: "e"))
        #expect(d.hunks[0][2] == .init(kind: .added, old: nil, new: 5, text: "E"))
        #expect(d.hunks[1].last == .init(kind: .added, old: nil, new: 11, text: "k"))
        #expect(LineDiff(old: "x\n", new: "x").isEmpty)
        // Beyond the budget, the middle is shown removed and added whole, never a quadratic table.
        let big = LineDiff(old: "1\n2\n3\n", new: "4\n5\n6\n", budget: 4)
        #expect(big.removed == 3 && big.added == 3)
    }

    @Test func aNewVersionsManifestGetsItsVersionAndDate() {
        let manifest = "# c\npolicy:\n  name: x\n  version: \"1.0.0\"\n  effective: 2011-06-12\n  title:\n    version: keep\nfields:\n  version: string\n"
        #expect(DraftChecker.settingManifest(manifest, version: "2.0.0", effective: "2027-01-01")
                == "# c\npolicy:\n  name: x\n  version: \"2.0.0\"\n  effective: 2027-01-01\n  title:\n    version: keep\nfields:\n  version: string\n")
        #expect(DraftChecker.settingManifest("policy:\n  name: x\n  version: \"1\"\n", version: "2", effective: "2027-01-01")
                == "policy:\n  name: x\n  version: \"2\"\n  effective: 2027-01-01\n")
        #expect(DraftChecker.settingManifest("decisions: {}\n", version: "2", effective: "2027-01-01") == nil)
        let schema = "# yaml-language-server: $schema=../../schema/verdict-policy.schema.json\npolicy:\n"
        #expect(DraftChecker.schemaMovedDown(schema, original: schema).hasPrefix("# yaml-language-server: $schema=../../../../schema/"))
        #expect(DraftChecker.isVersionName("2.1.0") && !DraftChecker.isVersionName("../x") && !DraftChecker.isVersionName(".git"))
    }
}
