import Foundation
import HTTPTypes
import Hummingbird
import Verdict
import VerdictAudit
import VerdictChanges
import VerdictConsole

/// The console's pages of governed changes (issue 32), thin over ``ChangeDesk`` as the JSON API is:
///
/// | route | role | does |
/// | --- | --- | --- |
/// | `GET /proposals` (`?set=`, `?state=`) | viewer | the list, the latest first; for an editor, the rollback forms |
/// | `POST /proposals` | editor | proposes a checked draft (the draft page's "Propose this change"): its changed and removed files, or a new version's files |
/// | `POST /proposals/rollback` | editor | proposes bringing back an archived version (`set`, `digest`, `reason`) |
/// | `GET /proposals/{id}` | viewer | one proposal: facts, check, diffs, reviews, outcome, the forms the role allows |
/// | `POST /proposals/{id}/approve` | approver, not its author | approves and activates it (`comment` optional) |
/// | `POST /proposals/{id}/reject` | approver, not its author | rejects it (`comment` required) |
/// | `POST /proposals/{id}/withdraw` | editor: its author (or an admin) | takes it back |
/// | `POST /proposals/{id}/update` | editor: its author (or an admin) | brings it up to date with what serves now |
///
/// Every POST is checked in this order: signed in (401), role (403), then the form's size, type, origin
/// and double-submit token (``postForm(_:_:)``) before any of its fields is read. A refusal of the desk
/// or the store is shown on the page it came from, with the store's reason.
extension ConsoleRoutes {
    func registerChanges(on router: Router<VerdictRequestContext>) {
        guard desk != nil else { return }
        router.get("proposals") { request, context in try await self.proposals(request, context: context) }
        router.post("proposals") { request, context in try await self.propose(request, context: context) }
        router.post("proposals/rollback") { request, context in try await self.proposeRollback(request, context: context) }
        router.get("proposals/:id") { request, context in try await self.proposal(request, context: context, id: context.parameters.get("id") ?? "") }
        for action in ["approve", "reject", "withdraw", "update"] {
            router.post(RouterPath("proposals/:id/" + action)) { request, context in
                try await self.act(action, request, context: context, id: context.parameters.get("id") ?? "")
            }
        }
    }

    // MARK: - Pages

    func proposals(_ request: Request, context: some RequestContext, refusal: ProposalPages.Refusal? = nil,
                   status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        guard let desk else { return notKept(page) }
        let c = page.context(hasAudit: log != nil, path: "/proposals", keep: ["set", "state"])
        let cw = c.changeWords
        let set = FormData.value(page.query, "set").flatMap { $0.isEmpty ? nil : $0 }
        var state: Proposal.State?
        var problem = refusal
        var status = status
        if let s = FormData.value(page.query, "state"), !s.isEmpty {
            if let known = Proposal.State(rawValue: s) {
                state = known
            } else {
                problem = .init(code: "bad-state", detail: cw.notAState(String(s.prefix(40)), states: Proposal.State.allCases.map(\.rawValue)))
                status = .badRequest
            }
        }
        let rows = desk.store.all(set: set).filter { state == nil || $0.state == state }
        let names = registry.sets.map(\.name)
        let sets = names + Set(desk.store.all().map(\.set)).subtracting(names).sorted()
        let canPropose = page.identity?.role.allows(.editor) ?? false
        let earlier = canPropose ? earlierVersions() : []
        return page.html(ProposalPages.list(rows, sets: sets, set: set, state: state?.rawValue, earlier: earlier, canPropose: canPropose,
                                            refusal: problem, context: c), status: status)
    }

    func proposal(_ request: Request, context: some RequestContext, id: String, refusal: ProposalPages.Refusal? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        guard let desk else { return notKept(page) }
        let c = page.context(hasAudit: log != nil, path: "/proposals/" + id)
        guard let p = desk.store.proposal(id) else {
            return page.html(ConsolePage.message(title: c.changeWords.refusalTitle("no-proposal"), "there is no proposal `\(id.prefix(40))`", context: c),
                             status: .notFound)
        }
        let serving = servingDigest(p)
        return page.html(ProposalPages.one(p, actions: Self.actions(p, who: page.identity, serving: serving), serving: serving,
                                           refusal: refusal, context: c), status: status)
    }

    // MARK: - Actions

    /// `POST /proposals`: the draft page's "Propose this change" — the checked draft's changed files, read
    /// as the draft check reads its form, proposed through the desk; then the proposal's page.
    func propose(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        guard let desk else { return notKept(page) }
        if let refusal = requireRole(.editor, page) { return refusal }
        let form = try await postForm(request, page)
        if let refusal = throttled(page) { return refusal }
        let c = page.context(hasAudit: log != nil, path: "/draft", keep: [], extra: FormData.value(form, "policy").map { [("policy", $0)] } ?? [])
        let d: DraftForm
        switch draftForm(form, page, c) {
        case .success(let x): d = x
        case .failure(let box): return box.response
        }
        // An edit sends its changed files and removals; a new version, every file it will have.
        let newVersion = d.target?.asNew
        let files = d.files.filter { newVersion != nil || d.changed.contains($0.path) }.map { ChangeDesk.SubmittedFile(path: $0.path, text: $0.text) }
            + d.removed.map { ChangeDesk.SubmittedFile(path: $0, text: nil) }
        let who = page.identity!
        do {
            let (p, _) = try desk.propose(set: d.set.name, version: d.target?.base.folder ?? "", reason: FormData.value(form, "reason") ?? "",
                                          files: files, newVersion: newVersion, language: page.language, by: who)
            return Self.redirect("/proposals/" + p.id)
        } catch {
            if case .draft(let report) = error {
                // The draft does not load or pass its tests now (the set changed since it was checked): its page says where.
                return page.html(DraftPage.render(sets: registry.sets.map(\.name), set: d.set.name, files: d.files, report: report, context: c),
                                 status: .unprocessableContent)
            }
            let (refusal, status) = Self.refusal(error)
            return try await proposals(request, context: context, refusal: refusal, status: status)
        }
    }

    /// `POST /proposals/rollback`: proposes bringing back the archived version `digest` of `set`.
    func proposeRollback(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        guard let desk else { return notKept(page) }
        if let refusal = requireRole(.editor, page) { return refusal }
        let form = try await postForm(request, page)
        if let refusal = throttled(page) { return refusal }
        let set = FormData.value(form, "set") ?? "", digest = FormData.value(form, "digest") ?? ""
        do {
            let (p, _) = try desk.proposeRollback(set: set, digest: digest, reason: FormData.value(form, "reason") ?? "", by: page.identity!)
            return Self.redirect("/proposals/" + p.id)
        } catch {
            let (refusal, status) = Self.refusal(error)
            return try await proposals(request, context: context, refusal: refusal, status: status)
        }
    }

    /// `POST /proposals/{id}/ACTION`: approve, reject, withdraw or update; then the proposal's page, or
    /// that page with why not.
    func act(_ action: String, _ request: Request, context: some RequestContext, id: String) async throws -> Response {
        let page = await self.page(request, context)
        if let refusal = gate(page) { return refusal }
        guard let desk else { return notKept(page) }
        let needed: Role = action == "approve" || action == "reject" ? .approver : .editor
        if let refusal = requireRole(needed, page) { return refusal }
        let form = try await postForm(request, page)
        guard desk.store.proposal(id) != nil else { return try await proposal(request, context: context, id: id) }
        let who = page.identity!
        let comment = FormData.value(form, "comment") ?? ""
        do {
            switch action {
            case "approve":
                if let refusal = throttled(page) { return refusal }
                // The revision the page showed: files changed since are reviewed again, never approved unseen.
                _ = try await desk.approve(id, comment: comment, revision: FormData.value(form, "revision").flatMap { Int($0) }, by: who)
            case "reject": _ = try desk.reject(id, comment: comment, by: who)
            case "withdraw": _ = try desk.withdraw(id, by: who)
            default:
                if let refusal = throttled(page) { return refusal }
                _ = try desk.update(id, files: nil, by: who)
            }
        } catch {
            let (refusal, status) = Self.refusal(error)
            return try await proposal(request, context: context, id: id, refusal: refusal, status: status)
        }
        return Self.redirect("/proposals/" + id)
    }

    // MARK: - Helpers

    /// nil when the signed-in person has `role`; otherwise a 403 page saying what is needed (or that no
    /// one can sign in to this server, when nothing names people).
    func requireRole(_ role: Role, _ page: Page) -> Response? {
        let c = page.context(hasAudit: log != nil)
        guard let who = page.identity else {
            return page.html(ConsolePage.message(title: c.words.forbidden, c.changeWords.noIdentities, context: c), status: .forbidden)
        }
        guard who.role.allows(role) else {
            return page.html(ConsolePage.message(title: c.words.forbidden, c.words.roleRefused(role.rawValue, who.role.rawValue), context: c),
                             status: .forbidden)
        }
        return nil
    }

    func notKept(_ page: Page) -> Response {
        let c = page.context(hasAudit: log != nil)
        return page.html(ConsolePage.message(title: c.words.notFound, c.changeWords.noChangeDesk, context: c), status: .notFound)
    }

    /// A failure of the desk as the page shows it, with the status the API would answer.
    static func refusal(_ failure: ChangeDesk.Failure) -> (ProposalPages.Refusal, HTTPResponse.Status) {
        let problem = ChangeRoutes.problem(failure)
        return (.init(code: problem.code, detail: problem.detail ?? problem.title), problem.status)
    }

    /// The digest serving now in `p`'s set and version folder; nil when the set is not served.
    func servingDigest(_ p: Proposal) -> String? {
        guard let set = registry.set(named: p.set) else { return nil }
        return DraftChecker(set).servingDigest(of: p.baseVersion)
    }

    /// What `who` may do with `p` now, as the store's rules allow: the forms the page shows.
    static func actions(_ p: Proposal, who: Identity?, serving: String?) -> ProposalPages.Actions {
        guard let who, p.state == .open else { return .init() }
        let isAuthor = Identity.sameName(who.name, p.author)
        return .init(review: who.role.allows(.approver) && !isAuthor, withdraw: who.role.allows(.editor) && (isAuthor || who.role.allows(.admin)),
                     update: isAuthor && who.role.allows(.editor) && serving != nil && serving != p.baseDigest,
                     ownProposalNote: isAuthor && who.role.allows(.approver))
    }

    /// Versions the log archived that served a served set before and serve no more, the latest first (at most 20).
    func earlierVersions() -> [ProposalPages.EarlierVersion] {
        guard let log, let history = try? VersionHistory.of(log) else { return [] }
        var seen = Set<String>()
        var out: [ProposalPages.EarlierVersion] = []
        for s in history.spells.reversed() {
            guard let until = s.until, let set = registry.set(named: s.set), let active = set.active,
                  !active.versions.versions.contains(where: { $0.identity.digest == s.digest }), seen.insert(s.set + " " + s.digest).inserted
            else { continue }
            out.append(.init(set: s.set, version: s.version, digest: s.digest, from: s.from.rfc3339(in: .utc), until: until.rfc3339(in: .utc)))
            if out.count == 20 { break }
        }
        return out
    }
}
