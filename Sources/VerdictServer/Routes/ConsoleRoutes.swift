import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict
import VerdictAudit
import VerdictChanges
import VerdictConsole

/// The web console (issue 12) at `/`: policies, try a case, audit, check a draft, in English and
/// Chinese. Pages are rendered by `VerdictConsole`; this wires them to the registry and the log.
///
/// - Forms that change nothing are GET. Every POST form (sign-in and out, draft check, proposals) carries a
///   double-submit token: a random value signed by the server (``ConsoleFormToken``) in a
///   `SameSite=Strict`, `HttpOnly` cookie and the same value in a hidden field; a POST whose field does
///   not match its cookie, whose token the server did not sign, or whose `Origin` is another site, is
///   refused with 403. Bodies are bounded by ``ServerLimits/maxFormBytes``.
/// - When tokens or users are configured, every page needs an identity: a bearer header, the trusted
///   proxy's user header (from a trusted peer only), or the session that signing in with one's own
///   token opens (``ConsoleSessionStore``: kept on the server, the cookie holds only a random id; signing
///   out ends it). The header of every page says who is signed in; the draft pages need an editor (403
///   for a viewer).
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
    /// Governed changes (issue 32): the proposal pages and the draft's "Propose this change"; nil when
    /// the server keeps no proposals.
    let desk: ChangeDesk?
    /// Who is signed in, kept on the server (the cookie holds a session id only).
    let sessions: ConsoleSessionStore
    /// Wrong tokens given to the sign-in form, per peer address: ``wrongSignInsAllowed`` at once, then one
    /// more every ``wrongSignInRefill`` seconds; past that, every sign-in from that address (right token
    /// or wrong) is refused with 429 until the wait is over, so a token cannot be guessed by trying.
    let signIns: ConsoleThrottle
    static let wrongSignInsAllowed = 10
    static let wrongSignInRefill = 30.0

    init(registry: PolicyRegistry, authenticator: Authenticator, limits: ServerLimits, log: (any DecisionLog)?,
         throttle: ConsoleThrottle = ConsoleThrottle(), desk: ChangeDesk? = nil, sessions: ConsoleSessionStore = ConsoleSessionStore(),
         signIns: ConsoleThrottle = ConsoleThrottle(capacity: ConsoleRoutes.wrongSignInsAllowed, refillInterval: ConsoleRoutes.wrongSignInRefill)) {
        self.desk = desk
        self.sessions = sessions
        self.signIns = signIns
        self.registry = registry
        self.authenticator = authenticator
        self.limits = limits
        self.log = log
        verifier = log.map(IncrementalVerifier.init(log:))
        archive = log.map(ArchivedPolicies.init(log:))
        self.throttle = throttle
    }

    static let csrfCookie = ConsoleFormToken.formCookie
    static let langCookie = "verdict_lang"
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func register(on router: Router<VerdictRequestContext>) {
        router.get("/") { request, context in try await self.policies(request, context: context) }
        router.get("static/console.css") { _, _ in Self.asset(ConsoleAssets.css + "\n" + DraftAssets.css, type: "text/css; charset=utf-8") }
        router.get("static/console.js") { _, _ in Self.asset(ConsoleAssets.js + "\n" + DraftAssets.js, type: "text/javascript; charset=utf-8") }
        router.get("login") { request, context in
            let page = await self.page(request, context)
            // Behind a trusted proxy the header has signed the user in already: no form.
            if page.identity != nil, let next = FormData.value(page.query, "next") { return Self.redirect(Self.safeNext(next)) }
            let next = FormData.value(page.query, "next") ?? "/"
            return page.html(ConsolePage.signIn(next: Self.safeNext(next), failed: false, context: page.context(hasAudit: log != nil)))
        }
        router.post("login") { request, context in try await self.signIn(request, context: context) }
        router.post("logout") { request, context in try await self.signOut(request, context: context) }
        router.get("try") { request, context in try await self.tryCase(request, context: context) }
        router.get("audit") { request, context in try await self.audit(request, context: context) }
        router.get("audit/proof") { request, context in try await self.proof(request, context: context) }
        router.get("audit/:seq") { request, context in try await self.record(request, context: context, seq: context.parameters.get("seq") ?? "") }
        router.get("draft") { request, context in try await self.draft(request, context: context) }
        router.post("draft") { request, context in try await self.checkDraft(request, context: context) }
        router.post("draft/download") { request, context in try await self.downloadDraft(request, context: context) }
        router.get("table.xlsx") { request, context in try await self.tableXLSX(request, context: context) }
        registerChanges(on: router)
    }

    /// What a viewer may not do in the console, with the role it needs: the draft check (editing a set's
    /// files, its download) is the start of a change, so it needs an editor. Every other page reads.
    static let editorPaths: Set<String> = ["/draft", "/draft/download"]

    // MARK: - Pages

    func policies(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let sets = registry.sets.map { Self.consoleSet($0) }
        return page.html(PoliciesPage.render(sets, context: page.context(hasAudit: log != nil)))
    }

    func tryCase(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
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

    func audit(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        let c = page.context(hasAudit: log != nil, keep: ["case", "since", "until", "output", "value", "set"])
        guard let log else { return page.html(ConsolePage.message(title: c.words.audit, c.words.noLog, context: c), status: .notFound) }
        let q = AuditPage.Query(page.query)
        // The latest decisions (no query) are a cheap read; a search may scan the whole log.
        if !q.isEmpty, let refusal = throttled(page) { return refusal }
        do {
            let (rows, more) = try AuditSearch.run(q, log: log, scope: auditScope())
            // A set's change history (issue 32) beside its decisions.
            return page.html(AuditPage.search(q, rows: rows, more: more, problem: nil, changes: try? AuditSearch.changes(q, log: log), context: c))
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

    func record(_ request: Request, context: some RequestContext, seq text: String) async throws -> Response {
        let page = await self.page(request, context)
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

    func proof(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
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

    func signIn(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        let form = try await postForm(request, page)
        let c = page.context(hasAudit: log != nil)
        let next = Self.safeNext(FormData.value(form, "next") ?? "/")
        let token = FormData.value(form, "token") ?? ""
        guard authenticator.anyConfigured else { return Self.redirect(next) }
        let client = Authenticator.peer(context)?.ipAddress ?? "unknown"
        if let wait = signIns.waiting(client) {
            var response = page.html(ConsolePage.signIn(next: next, failed: true, retryAfter: wait, context: c), status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let session = authenticator.consoleSession(token: Array(token.utf8)) else {
            _ = signIns.take(client)
            return page.html(ConsolePage.signIn(next: next, failed: true, context: c), status: .unauthorized)
        }
        var response = Self.redirect(next)
        // The cookie holds a random session id, never the token: the server keeps who it is, so it cannot
        // be replayed against the API, changed to another name or role, or outlive signing out.
        let limit = authenticator.sessionLimit(token: Array(token.utf8))  // a JWT's session ends with it
        // A new id at every sign-in, and the session this browser had before ends: signing in again never
        // keeps an id someone else may have set, nor piles up sessions.
        _ = await sessions.close(request)
        response.headers[values: .setCookie].append(try await sessions.open(session, request: request, limit: limit))
        return response
    }

    /// `POST /logout`: ends this browser's session on the server and clears its cookie; then the sign-in page.
    func signOut(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        _ = try await postForm(request, page)
        var response = Self.redirect("/login")
        if let cleared = await sessions.close(request) { response.headers[values: .setCookie].append(cleared) }
        return response
    }

    // MARK: - Gates

    /// The page of a request, with its signed-in identity: a bearer token, the trusted proxy's header
    /// (from a trusted peer only), or the session cookie; nil when none is valid or nothing is configured.
    func page(_ request: Request, _ context: some RequestContext) async -> Page {
        var page = Page(request, secure: sessions.secure)
        page.hasProposals = desk != nil
        guard authenticator.anyConfigured else { return page }
        if let identity = authenticator.identity(request, context: context) {
            page.identity = identity
        } else if Authenticator.bearer(request) == nil, let session = await sessions.session(request) {
            // A users-file session is who the users file says now: gone, or with another token, is signed out.
            page.identity = ConsoleSessionStore.identity(of: session, users: authenticator.users)
            page.hasSession = page.identity != nil
            // Ended for good: the user is gone or has another token (given the old one back, it stays ended).
            if page.identity == nil { _ = await sessions.close(request) }
        }
        return page
    }

    /// nil when the request may see this console page; otherwise the sign-in page with 401 (no one is
    /// signed in), or 403 when the signed-in role may not use it (the draft pages need an editor).
    func gate(_ page: Page) -> Response? {
        guard authenticator.anyConfigured else { return nil }
        if let identity = page.identity {
            let needed: Role = Self.editorPaths.contains(page.request.uri.path) ? .editor : .viewer
            if identity.role.allows(needed) { return nil }
            let c = page.context(hasAudit: log != nil)
            return page.html(ConsolePage.message(title: c.words.forbidden, c.words.roleRefused(needed.rawValue, identity.role.rawValue), context: c),
                             status: .forbidden)
        }
        let next = page.request.uri.path + (page.request.uri.query.map { "?" + $0 } ?? "")
        var response = page.html(ConsolePage.signIn(next: Self.safeNext(next), failed: false, context: page.context(hasAudit: log != nil)),
                                 status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer realm="verdict""#
        return response
    }

    /// nil when the client may run one more expensive action now; otherwise 429 with `Retry-After`.
    func throttled(_ page: Page) -> Response? {
        var client = ConsoleThrottle.client(page.request, tokenCookie: ConsoleSessionStore.cookieName(authority: page.request.head.authority), tokensConfigured: authenticator.anyConfigured)
        // A trusted proxy's users have no token or cookie to tell them apart: each has a bucket by name.
        if client == "anonymous", let identity = page.identity { client = "user:" + identity.name }
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
        guard let cookie = request.cookies[Self.csrfCookie]?.value, ConsoleFormToken.isFormToken(cookie), let field = FormData.value(form, "csrf"),
              ConsoleFormToken.constantTimeEqual(Array(cookie.utf8), Array(field.utf8)) else {
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
        /// Who is signed in (set by ``ConsoleRoutes/page(_:_:)``); nil when no one is, or nothing is configured.
        var identity: Identity?
        /// Cookies to set with the answer: a new form token, a language chosen by `?lang=`.
        var cookies: [String] = []
        /// True when the server keeps proposals (the navigation links to them).
        var hasProposals = false
        /// True when the identity comes from a console session (the header then offers to sign out).
        var hasSession = false

        /// `secure`: the cookies it sets are marked `Secure`.
        init(_ request: Request, secure: Bool = false) {
            self.request = request
            query = QueryString.pairs(request)
            var cookies: [String] = []
            if let l = FormData.value(query, "lang").flatMap(Language.init(rawValue:)) {
                language = l
                cookies.append("\(ConsoleRoutes.langCookie)=\(l.rawValue); Path=/; SameSite=Strict" + (secure ? "; Secure" : ""))
            } else if let l = request.cookies[ConsoleRoutes.langCookie].flatMap({ Language(rawValue: $0.value) }) {
                language = l
            } else if let accept = request.headers[.acceptLanguage]?.lowercased(), accept.hasPrefix("zh") {
                language = .zh
            } else {
                language = .en
            }
            if let c = request.cookies[ConsoleRoutes.csrfCookie]?.value, ConsoleFormToken.isFormToken(c) {
                csrf = c
            } else {
                csrf = ConsoleFormToken.newFormToken()
                cookies.append("\(ConsoleRoutes.csrfCookie)=\(csrf); Path=/; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : ""))
            }
            self.cookies = cookies
        }

        /// The context of this page; the language switch keeps the query keys in `keep`.
        func context(hasAudit: Bool, path: String? = nil, keep: Set<String> = [], extra: [(String, String)] = []) -> ConsoleContext {
            let kept = query.filter { keep.contains($0.0) || ($0.0.hasPrefix("f.") && keep.contains("policy")) || (["now", "whynot"].contains($0.0) && keep.contains("policy")) || $0.0 == "decide" && keep.contains("policy") }
            var c = ConsoleContext(language: language, csrfToken: csrf, hasAuditLog: hasAudit, path: path ?? request.uri.path, query: kept + extra)
            c.signedIn = identity.map { (name: $0.name, role: $0.role.rawValue) }
            c.hasProposals = hasProposals
            c.canSignOut = hasSession
            return c
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
