import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import Verdict
import VerdictAudit
@testable import VerdictServer
import VerdictChanges

/// The console's routes in process: status codes, security headers, escaping of what policies and
/// cases hold, the double-submit form token, and the token on every page when tokens are configured.
@Suite("web console routes")
struct ConsoleRouteTests {
    static let qc = shippedPolicyPath("quality-complaints")
    /// The illustrative example set with versions (1.0.0, and an invented amendment 2.0.0 of 2027-01-01).
    static let amended = shippedPolicyPath("examples/quality-complaints-amended")
    /// A form token this process signed, as a page would have set it.
    static let csrf = ConsoleFormToken.newFormToken()
    static let token = "console-test-token-0123456789"

    /// A service with a decision log (SQLite in a temporary folder) recording its decisions.
    struct Logged {
        let service: VerdictService
        let log: any DecisionLog
        let writer: DecisionLogWriter
        let folder: URL

        init(_ folders: [String], tokens: [String]? = nil) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-console-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            log = try DecisionLogs.open("sqlite:" + folder.appendingPathComponent("log.db").path, create: true)
            writer = DecisionLogWriter(log: log)
            var config = ServerConfiguration(policyFolders: folders)
            config.tokens = try tokens.map { try TokenSet(tokens: $0) }
            config.reloadOnSIGHUP = false
            config.watchInterval = nil
            config.recorder = AuditRecorder(writer: writer)
            config.auditLog = log
            service = VerdictService(configuration: config, logger: CapturedLog().logger())
        }

        func close() {
            try? writer.close()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func headers(cookie: String? = nil, token: String? = nil, form: Bool = false, origin: String? = nil) -> HTTPFields {
        var h = HTTPFields()
        if let cookie { h[.cookie] = cookie }
        if let token { h[.authorization] = "Bearer \(token)" }
        if form { h[.contentType] = "application/x-www-form-urlencoded" }
        if let origin { h[.origin] = origin }
        return h
    }

    static func draftBody(_ edits: [(String, String)], csrf: String? = Self.csrf) -> String {
        var pairs = [("policy", "quality-complaints")] + edits
        if let csrf { pairs.append(("csrf", csrf)) }
        return pairs.map { "\($0.0)=\(enc($0.1))" }.joined(separator: "&")
    }

    static func enc(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }

    @Test func everyPageAnswersHTMLWithSecurityHeaders() async throws {
        let service = try makeService([Self.qc])
        try await service.application().test(.router) { client in
            for path in ["/", "/try", "/try?policy=quality-complaints", "/draft?policy=quality-complaints", "/login"] {
                let r = try await client.get(path)
                #expect(r.status == .ok, "\(path)")
                #expect(r.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                let csp = try #require(r.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                #expect(r.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(r.headers[values: .setCookie].contains { $0.hasPrefix("verdict_csrf=") && $0.contains("SameSite=Strict") && $0.contains("HttpOnly") })
                #expect(!text(r.body).contains("<script>"), "no inline script on \(path)")
            }
            #expect(try await client.get("/static/console.css").headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await client.get("/static/console.js").headers[.contentType] == "text/javascript; charset=utf-8")
            // Without a decision log the audit page says so, and the navigation leaves it out.
            let audit = try await client.get("/audit")
            #expect(audit.status == .notFound)
            #expect(!text(try await client.get("/").body).contains(#"href="/audit""#))
        }
    }

    @Test func thePoliciesPageSwitchesLanguageAndRemembersIt() async throws {
        let service = try makeService([Self.qc, Self.amended])
        try await service.application().test(.router) { client in
            let en = text(try await client.get("/").body)
            #expect(en.contains("Report signing and approval") && en.contains("1.0.0") && en.contains("sha256:"))
            // Every version of the example set is listed; the one in force now is marked, and the others' rules are one click away.
            #expect(en.contains(#"<h3 id="versions-quality-complaints-amended">Versions</h3>"#) && en.contains("<td>2.0.0</td>") && en.contains("<td>2027-01-01</td>"))
            #expect(en.contains(#"<details class="version"><summary>Version 2.0.0 (Effective 2027-01-01)</summary>"#))
            #expect(en.contains("band-up-to-500"))
            let zh = try await client.get("/?lang=zh")
            #expect(text(zh.body).contains("处理报告签字审批"))
            #expect(zh.headers[values: .setCookie].contains { $0.hasPrefix("verdict_lang=zh") })
            let remembered = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookie: "verdict_lang=zh"))
            #expect(text(remembered.body).contains("<html lang=\"zh-Hans\">"))
        }
    }

    @Test func tryingTheHenanCaseShowsHeadOfficeAndTheOverride() async throws {
        let service = try makeService([Self.qc, Self.amended])
        try await service.application().test(.router) { client in
            let query = "policy=quality-complaints&decide=1&f.id=Q-2026-0042&f.received_at=2026-03-02T09:15&f.resolved_at=2026-03-04T17:00"
                + "&f.region=Henan&f.branch=Luoyang&f.problem=fly&f.eaten=true&f.adverse_reaction=true&f.hospitalised=true&f.cost=1200.00"
                + "&f.media_involved=false&f.government_involved=false&f.excessive_demand=false&f.food_poisoning=false&f.batch_problem=false"
            let r = try await client.get("/try?" + query)
            #expect(r.status == .ok)
            let page = text(r.body)
            #expect(page.contains(#"<tr data-output="approver">"#))
            #expect(page.range(of: #"data-output="approver">.*?head_office"#, options: .regularExpression) != nil)
            #expect(page.contains(#"data-override="henan-finance" data-applied="true""#))
            #expect(page.contains("河南区域除郑州分公司外财务主管一栏由事业部财务部负责人签字"))
            // The why-not box: the library's answer, in the page's language.
            let whyNot = text(try await client.get("/try?" + query + "&whynot=approver%3Dbranch_manager").body)
            #expect(whyNot.contains(#"<pre class="whynot" data-output="approver">"#))
            #expect(whyNot.contains("Why not approver = branch_manager"))
            #expect(whyNot.contains("[cost]"))
            let misspelt = text(try await client.get("/try?" + query + "&whynot=aprover").body)
            #expect(misspelt.contains(#"role="alert" id="whynot""#) && misspelt.contains("approver"))
            // A case of 2027 is decided by the document's bands in the shipped set, and by the example's
            // amendment (2.0.0, from 2027-01-01) in the example set with versions, as the service would.
            let later = query.replacingOccurrences(of: "f.received_at=2026-03-02T09:15", with: "f.received_at=2027-02-01T09:15")
                .replacingOccurrences(of: "f.resolved_at=2026-03-04T17:00", with: "f.resolved_at=2027-02-03T17:00")
                .replacingOccurrences(of: "f.cost=1200.00", with: "f.cost=400.00")
            let v1 = text(try await client.get("/try?" + later).body)
            #expect(v1.contains("quality-complaints 1.0.0") && !v1.contains("2.0.0"))
            #expect(v1.contains(#"<tr class="decides" data-rule="band-300-to-1000">"#))
            let v2 = text(try await client.get("/try?" + later.replacingOccurrences(of: "policy=quality-complaints&", with: "policy=quality-complaints-amended&")).body)
            #expect(v2.contains("quality-complaints-amended 2.0.0"))
            #expect(v2.contains(#"<tr class="decides" data-rule="band-up-to-500">"#))
            // A refused case lists its problems by field.
            let refused = try await client.get("/try?policy=quality-complaints&decide=1&f.id=Q-1&f.cost=lots")
            #expect(text(refused.body).contains("The case was refused"))
        }
    }

    @Test func labelsQuotesAndCaseValuesAreEscaped() async throws {
        let copy = try PolicyCopy("quality-complaints")
        defer { copy.remove() }
        try copy.edit("a5-approval.yaml", replacing: "label: {en: up to 300 yuan, zh: 300元以内}",
                      with: #"label: {en: "<script>alert(1)</script>", zh: "\"><img src=x onerror=alert(2)>"}"#)
        let service = try makeService([copy.path])
        try await service.application().test(.router) { client in
            for lang in ["en", "zh"] {
                let page = text(try await client.get("/?lang=\(lang)").body)
                #expect(!page.contains("<script>alert(1)"))
                #expect(!page.contains("<img src=x"))
                #expect(page.contains(lang == "en" ? "&lt;script&gt;alert(1)&lt;/script&gt;" : "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
            }
            let hostile = Self.enc(#""><script>alert(3)</script>"#)
            let tried = text(try await client.get("/try?policy=quality-complaints&decide=1&f.id=\(hostile)&f.region=\(hostile)&lang=en").body)
            #expect(!tried.contains("<script>alert(3)"))
            #expect(tried.contains("&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"))
        }
    }

    @Test func draftPostsNeedTheMatchingFormToken() async throws {
        let service = try makeService([Self.qc])
        try await service.application().test(.router) { client in
            let body = Self.draftBody([])
            let noCookie = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(form: true), body: ByteBuffer(string: body))
            #expect(noCookie.status == .forbidden)
            let mismatch = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=" + String(repeating: "cd", count: 32), form: true),
                                                    body: ByteBuffer(string: body))
            #expect(mismatch.status == .forbidden)
            // The same made-up value in cookie and field (what a script could send) is not a token the server signed.
            let forged = String(repeating: "ab", count: 48)
            let madeUp = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(forged)", form: true),
                                                  body: ByteBuffer(string: Self.draftBody([], csrf: forged)))
            #expect(madeUp.status == .forbidden)
            let oldStyle = String(repeating: "ab", count: 32)
            let unsigned = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(oldStyle)", form: true),
                                                    body: ByteBuffer(string: Self.draftBody([], csrf: oldStyle)))
            #expect(unsigned.status == .forbidden)
            let noField = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                                   body: ByteBuffer(string: Self.draftBody([], csrf: nil)))
            #expect(noField.status == .forbidden)
            let otherSite = try await client.execute(uri: "/draft", method: .post,
                                                     headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true, origin: "https://evil.example"),
                                                     body: ByteBuffer(string: body))
            #expect(otherSite.status == .forbidden)
            let ok = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true), body: ByteBuffer(string: body))
            #expect(ok.status == .ok)
            #expect(text(ok.body).contains("No file differs from the serving version."))
            #expect(text(ok.body).contains(#"id="tests""#))
            let json = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)"), body: ByteBuffer(string: body))
            #expect(json.status == .unsupportedMediaType)
        }
    }

    @Test func aDraftWithAMisspelledFieldShowsTheDiagnosticAtItsLine() async throws {
        let service = try makeService([Self.qc])
        let original = try String(contentsOfFile: Self.qc + "/a5-approval.yaml", encoding: .utf8)
        let broken = original.replacingOccurrences(of: "when: cost <= 300", with: "when: cots <= 300")
        try await service.application().test(.router) { client in
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                             body: ByteBuffer(string: Self.draftBody([("file.a5-approval.yaml", broken)])))
            #expect(r.status == .unprocessableContent)
            let page = text(r.body)
            #expect(page.contains("a5-approval.yaml:21:15"))
            #expect(page.contains("cots"))
            #expect(page.contains(#"<li class="at">"#))
            // Nothing was written.
            #expect(try String(contentsOfFile: Self.qc + "/a5-approval.yaml", encoding: .utf8) == original)
            let traversal = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                                     body: ByteBuffer(string: Self.draftBody([("file.../../etc/x.yaml", "a: 1")])))
            #expect(traversal.status == .badRequest)
        }
    }

    @Test func formBodiesAreBounded() async throws {
        var limits = ServerLimits()
        limits.maxFormBytes = 1024
        let service = try makeService([Self.qc], limits: limits)
        try await service.application().test(.router) { client in
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                             body: ByteBuffer(string: Self.draftBody([("file.a5-approval.yaml", String(repeating: "#", count: 4096))])))
            #expect(r.status == .contentTooLarge)
        }
    }

    @Test func withTokensEveryPageNeedsOneAndSignInSetsACookie() async throws {
        let logged = try Logged([Self.qc], tokens: [Self.token])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            for path in ["/", "/try", "/audit", "/audit/0", "/audit/proof?case=x", "/draft"] {
                let r = try await client.get(path)
                #expect(r.status == .unauthorized, "\(path)")
                #expect(text(r.body).contains(#"name="token""#))
            }
            #expect(try await client.get("/audit", token: Self.token).status == .ok)
            #expect(try await client.get("/static/console.css").status == .ok)
            let wrong = try await client.execute(uri: "/login", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                                 body: ByteBuffer(string: "token=not-the-token-at-all-x&next=%2Faudit&csrf=\(Self.csrf)"))
            #expect(wrong.status == .unauthorized)
            let noCSRF = try await client.execute(uri: "/login", method: .post, headers: Self.headers(form: true),
                                                  body: ByteBuffer(string: "token=\(Self.token)&next=%2Faudit"))
            #expect(noCSRF.status == .forbidden)
            let signIn = try await client.execute(uri: "/login", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                                  body: ByteBuffer(string: "token=\(Self.token)&next=%2F%2Fevil.example&csrf=\(Self.csrf)"))
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/", "an off-site next is not followed")
            let cookie = try #require(signIn.headers[values: .setCookie].first { $0.hasPrefix("verdict_session_") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Expires=") && cookie.contains("Path=/"))
            #expect(!cookie.contains(Self.token), "the cookie holds a session, never the API token")
            let value = String(cookie.split(separator: ";")[0])
            #expect(try await client.execute(uri: "/audit", method: .get, headers: Self.headers(cookie: value)).status == .ok)
            // A session id the server did not give out, or the raw token in the old cookie, opens nothing.
            let name = String(value.split(separator: "=")[0])
            let forged = "\(name)=\(String(repeating: "A", count: 43))="
            #expect(try await client.execute(uri: "/audit", method: .get, headers: Self.headers(cookie: forged)).status == .unauthorized)
            #expect(try await client.execute(uri: "/audit", method: .get, headers: Self.headers(cookie: "verdict_token=\(Self.token)")).status == .unauthorized)
        }
    }

    @Test func auditSearchRecordAndProof() async throws {
        let logged = try Logged([Self.qc])
        defer { logged.close() }
        try await logged.service.application().test(.router) { client in
            #expect(try await client.post("/v1/policies/quality-complaints/decide", henanCase).status == .ok)
            let list = try await client.get("/audit?case=Q-2026-0042")
            #expect(list.status == .ok)
            #expect(text(list.body).contains(#"href="/audit/0""#))
            #expect(text(try await client.get("/audit?output=approver&value=head_office").body).contains("Q-2026-0042"))
            #expect(text(try await client.get("/audit?output=approver&value=branch_manager").body).contains("No recorded decision matches."))
            #expect(text(try await client.get("/audit").body).contains("Q-2026-0042"), "the latest decisions without a query")
            #expect(try await client.get("/audit?since=yesterday").status == .badRequest)
            let record = try await client.get("/audit/0")
            #expect(record.status == .ok)
            let page = text(record.body)
            #expect(page.contains("reproduced the recorded outputs exactly"))
            #expect(page.contains("the whole log verifies"))
            #expect(page.contains(#"data-override="henan-finance" data-applied="true""#))
            #expect(try await client.get("/audit/99").status == .notFound)
            // No checkpoint yet: no proof, and the page says how to sign one.
            let none = try await client.get("/audit/proof?case=Q-2026-0042")
            #expect(none.status == .notFound)
            #expect(text(none.body).contains("verdict audit checkpoint"))
            _ = try logged.log.checkpoint(key: AuditKeys.generate().privateKey, time: Timestamp(Date()))
            let proof = try await client.get("/audit/proof?case=Q-2026-0042")
            #expect(proof.status == .ok)
            #expect(proof.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(text(proof.body).contains(InclusionProof.format))
            // The draft check replays the recorded case: a draft that sends every amount to head office changes nothing for it,
            // one that moves 1200 yuan to the middle band changes its approver.
            let a5 = try String(contentsOfFile: Self.qc + "/a5-approval.yaml", encoding: .utf8)
            let moved = a5.replacingOccurrences(of: "when: cost in (300..1000]", with: "when: cost in (300..2000]")
                .replacingOccurrences(of: "when: cost > 1000", with: "when: cost > 2000")
            let r = try await client.execute(uri: "/draft", method: .post, headers: Self.headers(cookie: "verdict_csrf=\(Self.csrf)", form: true),
                                             body: ByteBuffer(string: Self.draftBody([("file.a5-approval.yaml", moved)])))
            let draft = text(r.body)
            #expect(draft.contains("Impact on recorded cases"))
            // Grouped by cause: the rule transition, and the approver by its labels.
            #expect(draft.contains("band-above-1000 + henan-finance → band-300-to-1000 + henan-finance"))
            #expect(draft.contains("<span class=\"change\">head office → division manager</span>"))
        }
    }
}

/// The console's form token and session cookie name.
@Suite("console sessions")
struct ConsoleSessionsTests {
    @Test func formTokensAreSignedByThisProcess() {
        let token = ConsoleFormToken.newFormToken()
        #expect(token.utf8.count == 96)
        #expect(ConsoleFormToken.isFormToken(token))
        #expect(ConsoleFormToken.newFormToken() != token)
        // Any change to nonce or signature, or another length, is refused.
        var bytes = Array(token.utf8)
        bytes[0] = bytes[0] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        #expect(!ConsoleFormToken.isFormToken(String(decoding: bytes, as: UTF8.self)))
        #expect(!ConsoleFormToken.isFormToken(String(token.dropLast())))
        #expect(!ConsoleFormToken.isFormToken(token.uppercased()))
        #expect(!ConsoleFormToken.isFormToken(""))
    }

    @Test func sessionCookieIsNamedAfterThePort() {
        #expect(ConsoleSessionStore.cookieName(authority: "127.0.0.1:8080") == "verdict_session_8080")
        #expect(ConsoleSessionStore.cookieName(authority: "[::1]:9000") == "verdict_session_9000")
        #expect(ConsoleSessionStore.cookieName(authority: nil) == "verdict_session_80")
    }
}
