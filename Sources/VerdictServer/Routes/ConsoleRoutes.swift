import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict
import VerdictAudit
import VerdictConsole

/// The web console (issue 12) at `/`: policies, try a case, audit, check a draft, in English and
/// Chinese. Pages are rendered by `VerdictConsole`; this wires them to the registry and the log.
///
/// - Forms that change nothing are GET. The two POST forms (sign-in, draft check) carry a
///   double-submit token: a random value signed by the server (``ConsoleSessions``) in a
///   `SameSite=Strict`, `HttpOnly` cookie and the same value in a hidden field; a POST whose field does
///   not match its cookie, whose token the server did not sign, or whose `Origin` is another site, is
///   refused with 403. Bodies are bounded by ``ServerLimits/maxFormBytes``.
/// - When tokens are configured, every page needs one: a bearer header, or the session cookie that
///   signing in sets (a signed expiry, never the token itself).
/// - Every page is sent with a Content-Security-Policy that allows only the console's own style
///   sheet and script (no inline code), and is never cached.
struct ConsoleRoutes: Sendable {
    let registry: PolicyRegistry
    let authenticator: Authenticator
    let limits: ServerLimits
    let log: (any DecisionLog)?
    /// Verifies the log from where the last page view left off (a page view reads only the records appended since).
    let verifier: IncrementalVerifier?
    /// Archived policy versions, each compiled once.
    let archive: ArchivedPolicies?
    /// Bounds the expensive actions (audit pages, proofs, draft checks) per client.
    let throttle: ConsoleThrottle

    init(registry: PolicyRegistry, authenticator: Authenticator, limits: ServerLimits, log: (any DecisionLog)?,
         throttle: ConsoleThrottle = ConsoleThrottle()) {
        self.registry = registry
        self.authenticator = authenticator
        self.limits = limits
        self.log = log
        verifier = log.map(IncrementalVerifier.init(log:))
        archive = log.map(ArchivedPolicies.init(log:))
        self.throttle = throttle
    }

    static let csrfCookie = ConsoleSessions.formCookie
    static let langCookie = "verdict_lang"
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in try self.policies(request) }
        router.get("static/console.css") { _, _ in Self.asset(ConsoleAssets.css + "\n" + DraftAssets.css, type: "text/css; charset=utf-8") }
        router.get("static/console.js") { _, _ in Self.asset(ConsoleAssets.js + "\n" + DraftAssets.js, type: "text/javascript; charset=utf-8") }
        router.get("login") { request, _ in
            let page = Page(request)
            let next = FormData.value(page.query, "next") ?? "/"
            return page.html(ConsolePage.signIn(next: Self.safeNext(next), failed: false, context: page.context(hasAudit: log != nil)))
        }
        router.post("login") { request, _ in try await self.signIn(request) }
        router.get("try") { request, _ in try self.tryCase(request) }
        router.get("audit") { request, _ in try self.audit(request) }
        router.get("audit/proof") { request, _ in try self.proof(request) }
        router.get("audit/:seq") { request, context in try self.record(request, seq: context.parameters.get("seq") ?? "") }
        router.get("draft") { request, _ in try self.draft(request) }
        router.post("draft") { request, _ in try await self.checkDraft(request) }
        router.post("draft/download") { request, _ in try await self.downloadDraft(request) }
        router.get("table.xlsx") { request, _ in try self.tableXLSX(request) }
    }

    // MARK: - Pages

    func policies(_ request: Request) throws -> Response {
        let page = Page(request)
        if let refusal = gate(page) { return refusal }
        let sets = registry.sets.map { Self.consoleSet($0) }
        return page.html(PoliciesPage.render(sets, context: page.context(hasAudit: log != nil)))
    }

    func tryCase(_ request: Request) throws -> Response {
        let page = Page(request)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil, keep: ["policy"])
        let names = registry.sets.map(\.name)
        let chosen = FormData.value(page.query, "policy").flatMap { registry.set(named: $0) } ?? (names.count == 1 ? registry.sets.first : nil)
        let form = CaseForm(page.query)
        var outcome: TryCasePage.Outcome?
        var whyNot: TryCasePage.WhyNotOutcome?
        if let chosen, let active = chosen.active, FormData.value(page.query, "decide") == "1" {
            let outline = PolicyOutline(active.policy)
            do {
                let now = try form.nowTimestamp(zone: outline.zone) ?? Timestamp(Date())
                let json = form.json(for: outline)
                // One question to the library, as the service and the CLI ask it: the version in force on
                // the case's date decides it, explains it and answers its why-not question.
                var request = DecisionRequest(explanation: .full, now: now)
                if !form.whyNot.isEmpty { request.whyNot = [form.whyNot] }
                do {
                    let response = try active.versions.answer(request, json: json)
                    outcome = .decided(response.decision)
                    whyNot = response.whyNot.map { .answered($0) }
                } catch {
                    switch error {
                    case .refused(let caseError, _): outcome = .refused(caseError)
                    case .invalidQuestion(_, let reason):
                        // The question cannot be read: the case is decided without it, and the page says why.
                        request.whyNot = []
                        whyNot = .invalid(reason.description)
                        do { outcome = .decided(try active.versions.answer(request, json: json).decision) } catch {
                            outcome = .refused(error.caseError)
                        }
                    }
                }
            } catch {
                outcome = .invalid("now: \(error)")
            }
        }
        return page.html(TryCasePage.render(sets: names, set: chosen.map { Self.consoleSet($0) }, form: form, outcome: outcome, whyNot: whyNot, context: c))
    }

    func audit(_ request: Request) throws -> Response {
        let page = Page(request)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil, keep: ["case", "since", "until", "output", "value"])
        guard let log else { return page.html(ConsolePage.message(title: c.words.audit, c.words.noLog, context: c), status: .notFound) }
        let q = AuditPage.Query(page.query)
        // The latest decisions (no query) are a cheap read; a search may scan the whole log.
        if !q.isEmpty, let refusal = throttled(page) { return refusal }
        do {
            let (rows, more) = try AuditSearch.run(q, log: log, scope: auditScope())
            return page.html(AuditPage.search(q, rows: rows, more: more, problem: nil, context: c))
        } catch let e as AuditSearch.UnknownOutput {
            let problem = c.words.notAnOutput(e.name, known: e.known, suggestion: e.suggestion)
            return page.html(AuditPage.search(q, rows: [], more: false, problem: problem, context: c), status: .badRequest)
        } catch let e as AuditSearch.QueryProblem {
            return page.html(AuditPage.search(q, rows: [], more: false, problem: e.description, context: c), status: .badRequest)
        } catch {
            return page.html(AuditPage.search(q, rows: [], more: false, problem: "\(error)", context: c), status: .internalServerError)
        }
    }

    /// What an audit search reads of the served sets: the time zone of a plain date (the first served
    /// set's), the output names of every served version (clock statuses as `clock.status`), the archive.
    func auditScope() -> AuditSearch.Scope {
        let policies = registry.sets.flatMap { set in set.active.map { [$0.policy] + $0.versions.versions } ?? [] }
        var names: [String] = []
        var outlines: [String: PolicyOutline] = [:]
        for p in policies {
            let outline = PolicyOutline(p)
            outlines["\(p.identity.name) \(p.identity.version)"] = outline
            for n in p.outputNames + outline.clocks.map({ $0.name + ".status" }) where !names.contains(n) { names.append(n) }
        }
        return AuditSearch.Scope(zone: policies.first?.zone ?? .utc, outputs: names, outlines: outlines, archive: archive)
    }

    func record(_ request: Request, seq text: String) throws -> Response {
        let page = Page(request)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil)
        guard let log else { return page.html(ConsolePage.message(title: c.words.audit, c.words.noLog, context: c), status: .notFound) }
        guard let seq = UInt64(text), let stored = try log.record(seq: seq) else {
            return page.html(ConsolePage.message(title: c.words.notFound, "no record #\(text) in the decision log", context: c), status: .notFound)
        }
        if let refusal = throttled(page) { return refusal }
        do {
            try AuditTrail.checked(stored)
            let derived = try AuditTrail.rederive(try stored.parsed(), policies: archive ?? ArchivedPolicies(log: log))
            let inclusion = try RecordInclusion.of(stored, in: log)
            let verification: Result<VerifyReport, Error> = Result { try (verifier ?? IncrementalVerifier(log: log)).verify() }
            return page.html(AuditPage.record(AuditorPage.Record(derived, inclusion: inclusion), verification: verification, context: c))
        } catch {
            return page.html(ConsolePage.message(title: c.words.audit, "\(error)", context: c), status: .internalServerError)
        }
    }

    func proof(_ request: Request) throws -> Response {
        let page = Page(request)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil)
        guard let log else { return page.html(ConsolePage.message(title: c.words.audit, c.words.noLog, context: c), status: .notFound) }
        let caseID = FormData.value(page.query, "case") ?? ""
        if let refusal = throttled(page) { return refusal }
        do {
            let proof = try InclusionProof.make(log: log, caseID: caseID)
            var h = HTTPFields()
            h[.contentType] = "application/json"
            h[.contentDisposition] = "attachment; filename=\"proof-\(Self.fileSafe(caseID)).json\""
            h[.cacheControl] = "no-store"
            h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: proof.json)))
        } catch let e as AuditError where e.kind == .notFound {
            return page.html(ConsolePage.message(title: c.words.noProof, e.message, context: c), status: .notFound)
        } catch {
            return page.html(ConsolePage.message(title: c.words.noProof, "\(error)", context: c), status: .internalServerError)
        }
    }

    func signIn(_ request: Request) async throws -> Response {
        let page = Page(request)
        let form = try await postForm(request, page)
        let c = page.context(hasAudit: log != nil)
        let next = Self.safeNext(FormData.value(form, "next") ?? "/")
        let token = FormData.value(form, "token") ?? ""
        guard authenticator.anyConfigured else { return Self.redirect(next) }
        guard authenticator.accepts(Array(token.utf8)) else {
            return page.html(ConsolePage.signIn(next: next, failed: true, context: c), status: .unauthorized)
        }
        var response = Self.redirect(next)
        // The cookie holds a signed session, never the token: it cannot be replayed against the API.
        let cookie = ConsoleSessions.sessionCookie(authority: request.head.authority)
        response.headers[values: .setCookie].append("\(cookie)=\(ConsoleSessions.newSession()); Path=/; Max-Age=\(ConsoleSessions.lifetime); HttpOnly; SameSite=Strict")
        return response
    }

    // MARK: - Gates

    /// nil when the request may see console pages; otherwise the sign-in page with 401.
    func gate(_ page: Page) -> Response? {
        guard authenticator.anyConfigured else { return nil }
        if let token = Authenticator.bearer(page.request), authenticator.accepts(token) { return nil }
        if let session = page.request.cookies[ConsoleSessions.sessionCookie(authority: page.request.head.authority)]?.value,
           ConsoleSessions.isSession(session) { return nil }
        let next = page.request.uri.path + (page.request.uri.query.map { "?" + $0 } ?? "")
        var response = page.html(ConsolePage.signIn(next: Self.safeNext(next), failed: false, context: page.context(hasAudit: log != nil)),
                                 status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer realm="verdict""#
        return response
    }

    /// nil when the client may run one more expensive action now; otherwise 429 with `Retry-After`.
    func throttled(_ page: Page) -> Response? {
        let client = ConsoleThrottle.client(page.request, tokenCookie: ConsoleSessions.sessionCookie(authority: page.request.head.authority), tokensConfigured: authenticator.anyConfigured)
        guard let wait = throttle.take(client) else { return nil }
        let c = page.context(hasAudit: log != nil)
        var response = page.html(ConsolePage.message(title: c.words.audit, "too many expensive requests (audit pages, proofs, draft checks) from this client: try again in \(wait) s",
                                                     context: c), status: .tooManyRequests)
        response.headers[.retryAfter] = String(wait)
        return response
    }

    /// The body of a POST form, within the limit, after the double-submit and origin checks.
    func postForm(_ request: Request, _ page: Page) async throws -> [(String, String)] {
        let type = DecisionRoutes.mediaType(request)
        guard type == "application/x-www-form-urlencoded" else {
            throw DecisionRoutes.unsupported(type, accepted: ["application/x-www-form-urlencoded"])
        }
        if let origin = request.headers[.origin], let host = request.head.authority {
            let o = origin.split(separator: "/", omittingEmptySubsequences: true)
            guard o.count >= 2, o[1] == host else { throw Self.refused(page, "the form was sent from another site (`\(origin)`)") }
        }
        let bytes = try await BodyReader.collect(request, limit: limits.maxFormBytes, timeout: limits.requestTimeout, what: "a form")
        let form = FormData.parse(String(decoding: bytes, as: UTF8.self))
        guard let cookie = request.cookies[Self.csrfCookie]?.value, ConsoleSessions.isFormToken(cookie), let field = FormData.value(form, "csrf"),
              ConsoleSessions.constantTimeEqual(Array(cookie.utf8), Array(field.utf8)) else {
            throw Self.refused(page, page.context(hasAudit: log != nil).words.csrfRefused)
        }
        return form
    }

    static func refused(_ page: Page, _ message: String) -> ConsoleRefusal {
        let c = page.context(hasAudit: false)
        return ConsoleRefusal(response: page.html(ConsolePage.message(title: c.words.forbidden, message, context: c), status: .forbidden))
    }

    // MARK: - Helpers

    static func consoleSet(_ set: LivePolicySet) -> ConsoleSet {
        let active = set.active
        let reload = set.lastAttempt.map {
            ConsoleSet.Reload(at: $0.at, trigger: $0.trigger.rawValue, outcome: $0.outcome.rawValue, testsPassed: $0.testsPassed,
                              testsFailed: $0.testsFailed, diagnostics: $0.diagnostics)
        }
        return ConsoleSet(name: set.name, folder: set.folder, policy: active?.policy, loadedAt: active?.loadedAt,
                          testsPassed: active?.testsPassed ?? 0, lastReload: reload, versions: active?.versions.versions ?? [])
    }

    static func asset(_ text: String, type: String) -> Response {
        var h = HTTPFields()
        h[.contentType] = type
        h[.cacheControl] = "public, max-age=300"
        h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func redirect(_ location: String) -> Response {
        var h = HTTPFields()
        h[.location] = location
        h[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: h)
    }

    /// A local path to go back to after signing in: never another site (`//evil`, `https://…`).
    static func safeNext(_ s: String) -> String {
        guard s.hasPrefix("/"), !s.hasPrefix("//"), !s.contains("\\"), !s.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/" }
        return s
    }

    static func fileSafe(_ s: String) -> String {
        String(s.unicodeScalars.prefix(64).map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") ? Character($0) : "_" })
    }

    /// One request's language, form token and query, and how its pages are answered.
    struct Page {
        let request: Request
        let query: [(String, String)]
        let language: Language
        let csrf: String
        /// Cookies to set with the answer: a new form token, a language chosen by `?lang=`.
        var cookies: [String] = []

        init(_ request: Request) {
            self.request = request
            query = QueryString.pairs(request)
            var cookies: [String] = []
            if let l = FormData.value(query, "lang").flatMap(Language.init(rawValue:)) {
                language = l
                cookies.append("\(ConsoleRoutes.langCookie)=\(l.rawValue); Path=/; SameSite=Strict")
            } else if let l = request.cookies[ConsoleRoutes.langCookie].flatMap({ Language(rawValue: $0.value) }) {
                language = l
            } else if let accept = request.headers[.acceptLanguage]?.lowercased(), accept.hasPrefix("zh") {
                language = .zh
            } else {
                language = .en
            }
            if let c = request.cookies[ConsoleRoutes.csrfCookie]?.value, ConsoleSessions.isFormToken(c) {
                csrf = c
            } else {
                csrf = ConsoleSessions.newFormToken()
                cookies.append("\(ConsoleRoutes.csrfCookie)=\(csrf); Path=/; HttpOnly; SameSite=Strict")
            }
            self.cookies = cookies
        }

        /// The context of this page; the language switch keeps the query keys in `keep`.
        func context(hasAudit: Bool, path: String? = nil, keep: Set<String> = [], extra: [(String, String)] = []) -> ConsoleContext {
            let kept = query.filter { keep.contains($0.0) || ($0.0.hasPrefix("f.") && keep.contains("policy")) || (["now", "whynot"].contains($0.0) && keep.contains("policy")) || $0.0 == "decide" && keep.contains("policy") }
            return ConsoleContext(language: language, csrfToken: csrf, hasAuditLog: hasAudit, path: path ?? request.uri.path, query: kept + extra)
        }

        /// An HTML answer with the console's security headers and this page's cookies.
        func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
            var h = HTTPFields()
            h[.contentType] = "text/html; charset=utf-8"
            h[.contentSecurityPolicy] = ConsoleRoutes.contentSecurityPolicy
            h[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
            h[HTTPField.Name("X-Frame-Options")!] = "DENY"
            h[HTTPField.Name("Referrer-Policy")!] = "same-origin"  // no-referrer would make browsers send `Origin: null` with forms
            h[.cacheControl] = "no-store"
            h[.contentLanguage] = language == .zh ? "zh-Hans" : "en"
            for c in cookies { h.append(HTTPField(name: .setCookie, value: c)) }
            return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }
}
