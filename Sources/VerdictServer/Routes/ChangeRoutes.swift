import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict
import VerdictChanges
import VerdictConsole

/// Governed changes over HTTP (issue 32), so that a company can drive reviews from its own ticketing
/// system; a thin adapter over ``ChangeDesk``, which the console uses too.
///
/// | route | role | does |
/// | --- | --- | --- |
/// | `GET /v1/proposals` (`?set=`, `?state=`) | viewer | lists proposals, the latest first |
/// | `POST /v1/proposals` | editor | checks and submits a change (`files`), a new version (`new_version` and `files`) or a rollback (`rollback_of`) |
/// | `GET /v1/proposals/{id}` | viewer | one proposal, with its files' diffs |
/// | `POST /v1/proposals/{id}/update` | its author | brings it up to date with what serves now |
/// | `POST /v1/proposals/{id}/approve` | approver, not its author | approves and activates it |
/// | `POST /v1/proposals/{id}/reject` | approver, not its author | rejects it, with a comment |
/// | `POST /v1/proposals/{id}/withdraw` | its author | takes it back |
struct ChangeRoutes: Sendable {
    let desk: ChangeDesk
    let authenticator: Authenticator
    let registry: PolicyRegistry
    /// The server's limits: a body must arrive within `requestTimeout`.
    let limits: ServerLimits

    /// The largest request body: a proposal's files.
    static let bodyLimit = 8 << 20

    func register(on router: Router<VerdictRequestContext>) {
        let group = router.group("v1/proposals")
        group.get { request, context in try self.list(request, context: context) }
        group.post { request, context in try await self.create(request, context: context) }
        group.get(":id") { request, context in try self.one(request, context: context) }
        group.post(":id/update") { request, context in try await self.update(request, context: context) }
        group.post(":id/approve") { request, context in try await self.review(request, context: context, approve: true) }
        group.post(":id/reject") { request, context in try await self.review(request, context: context, approve: false) }
        group.post(":id/withdraw") { request, context in try await self.withdraw(request, context: context) }
    }

    // MARK: - Requests

    struct FileBody: Decodable {
        var path: String
        var text: String?
        var remove: Bool?
    }

    struct CreateBody: Decodable {
        var set: String
        var version: String?
        var reason: String
        var files: [FileBody]?
        var rollback_of: String?
        /// Make a new version (in `versions/NAME`) from `version`'s files with `files` in their place.
        var new_version: NewVersionBody?
    }

    struct NewVersionBody: Decodable {
        var version: String
        var effective: String
    }

    struct UpdateBody: Decodable {
        var files: [FileBody]?
    }

    struct ReviewBody: Decodable {
        var comment: String?
        /// The proposal's revision the reviewer saw; an approval needs it.
        var revision: Int?
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: Request, what: String) async throws -> T {
        if let media = DecisionRoutes.mediaType(request), media != "application/json" {
            throw DecisionRoutes.unsupported(media, accepted: ["application/json"])
        }
        let bytes = try await BodyReader.collect(request, limit: Self.bodyLimit, timeout: limits.requestTimeout, what: what)
        if bytes.isEmpty, let empty = try? JSONDecoder().decode(T.self, from: Data("{}".utf8)) { return empty }
        if BodyReader.exceedsDepth(bytes, limit: 16) {
            throw Problem(.badRequest, "invalid-json", "Invalid JSON", detail: "\(what) nests deeper than 16 levels")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.keyNotFound(key, _) {
            throw Problem(.badRequest, "invalid-request", "Invalid request", detail: "\(what) has no `\(key.stringValue)`")
        } catch let DecodingError.typeMismatch(_, c), let DecodingError.valueNotFound(_, c) {
            let at = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined()
            throw Problem(.badRequest, "invalid-request", "Invalid request", detail: "\(what): `\(at.hasPrefix(".") ? String(at.dropFirst()) : at)` has the wrong type")
        } catch {
            throw Problem(.badRequest, "invalid-json", "Invalid JSON", detail: "\(what) is not valid JSON")
        }
    }

    static func files(_ bodies: [FileBody]) throws -> [ChangeDesk.SubmittedFile] {
        try bodies.enumerated().map { i, f in
            if f.remove == true {
                guard f.text == nil else { throw Problem(.badRequest, "invalid-request", "Invalid request", detail: "files[\(i)] has both `text` and `remove`") }
                return .init(path: f.path, text: nil)
            }
            guard let text = f.text else { throw Problem(.badRequest, "invalid-request", "Invalid request", detail: "files[\(i)] has neither `text` nor `remove: true`") }
            return .init(path: f.path, text: text)
        }
    }

    // MARK: - Handlers

    func list(_ request: Request, context: VerdictRequestContext) throws -> Response {
        _ = try authenticator.require(.viewer, request, context: context)
        let query = QueryString.pairs(request.uri.query ?? "")
        let set = query.first { $0.0 == "set" }?.1
        var state: Proposal.State?
        if let s = query.first(where: { $0.0 == "state" })?.1 {
            guard let known = Proposal.State(rawValue: s) else {
                throw Problem(.badRequest, "invalid-parameter", "Invalid query parameter",
                              detail: "`state` is one of \(Proposal.State.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))")
                    .with("parameter") { $0.string("state") }
            }
            state = known
        }
        var w = JSONWriter()
        w.object { w in
            w.key("proposals")
            w.array { w in
                for p in desk.store.all(set: set) where state == nil || p.state == state {
                    Self.write(p, files: false, to: &w)
                }
            }
        }
        return PolicyRoutes.json(w.bytes)
    }

    func one(_ request: Request, context: VerdictRequestContext) throws -> Response {
        _ = try authenticator.require(.viewer, request, context: context)
        return PolicyRoutes.json(Self.json(try proposal(context), files: true))
    }

    func create(_ request: Request, context: VerdictRequestContext) async throws -> Response {
        let who = try authenticator.require(.editor, request, context: context)
        let body = try await decode(CreateBody.self, request, what: "a proposal")
        let result: (Proposal, DraftReport)
        if let digest = body.rollback_of {
            guard body.files == nil, body.new_version == nil else {
                throw Problem(.badRequest, "invalid-request", "Invalid request", detail: "a proposal has `files` (and `new_version`) or `rollback_of`, not both")
            }
            result = try Self.map { () throws(ChangeDesk.Failure) in try desk.proposeRollback(set: body.set, digest: digest, reason: body.reason, by: who) }
        } else {
            let files = try Self.files(body.files ?? [])
            result = try Self.map { () throws(ChangeDesk.Failure) in
                try desk.propose(set: body.set, version: body.version ?? "", reason: body.reason, files: files,
                                 newVersion: body.new_version.map { .init(version: $0.version, effective: $0.effective) }, by: who)
            }
        }
        var response = PolicyRoutes.json(Self.json(result.0, files: true), status: .created)
        response.headers[.location] = "/v1/proposals/\(result.0.id)"
        return response
    }

    func update(_ request: Request, context: VerdictRequestContext) async throws -> Response {
        let who = try authenticator.require(.editor, request, context: context)
        let id = try proposal(context).id
        let body = try await decode(UpdateBody.self, request, what: "an update")
        let files = try body.files.map(Self.files)
        let result = try Self.map { () throws(ChangeDesk.Failure) in try desk.update(id, files: files, by: who) }
        return PolicyRoutes.json(Self.json(result.0, files: true))
    }

    func review(_ request: Request, context: VerdictRequestContext, approve: Bool) async throws -> Response {
        let who = try authenticator.require(.approver, request, context: context)
        let id = try proposal(context).id
        let body = try await decode(ReviewBody.self, request, what: "a review")
        let p: Proposal
        if approve {
            do { p = try await desk.approve(id, comment: body.comment ?? "", revision: body.revision, by: who) } catch { throw Self.problem(error) }
        } else {
            p = try Self.map { () throws(ChangeDesk.Failure) in try desk.reject(id, comment: body.comment ?? "", by: who) }
        }
        return PolicyRoutes.json(Self.json(p, files: false))
    }

    func withdraw(_ request: Request, context: VerdictRequestContext) async throws -> Response {
        let who = try authenticator.require(.editor, request, context: context)
        let id = try proposal(context).id
        let p = try Self.map { () throws(ChangeDesk.Failure) in try desk.withdraw(id, by: who) }
        return PolicyRoutes.json(Self.json(p, files: false))
    }

    private func proposal(_ context: VerdictRequestContext) throws -> Proposal {
        let id = context.parameters.get("id") ?? ""
        guard let p = desk.store.proposal(id) else {
            throw Problem(.notFound, "no-proposal", "No such proposal", detail: "there is no proposal `\(id.prefix(40))`")
        }
        return p
    }

    // MARK: - Errors

    static func map<T>(_ body: () throws(ChangeDesk.Failure) -> T) throws(Problem) -> T {
        do { return try body() } catch { throw problem(error) }
    }

    static func problem(_ failure: ChangeDesk.Failure) -> Problem {
        switch failure {
        case .refused(let r):
            let status: HTTPResponse.Status = switch r.kind {
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .conflict: .conflict
            case .invalid: .unprocessableContent
            case .storage: .serviceUnavailable
            }
            return Problem(status, r.code, title(r.code), detail: r.description)
        case .unknownSet(let name):
            return Problem(.notFound, "unknown-policy", "Unknown policy set", detail: "no policy set named `\(name.prefix(80))` is served (or it has not loaded yet)")
        case .write(let reason):
            return Problem(.serviceUnavailable, "write-failed", "The files could not be written", detail: reason)
        case .draft(let report):
            let errors = (report.diagnostics + report.testDiagnostics).filter { $0.severity == .error }
            let failed = report.tests?.failures ?? []
            var detail = errors.isEmpty ? "" : "\(errors.count) error\(errors.count == 1 ? "" : "s"): " + errors.prefix(3).map(\.description).joined(separator: "; ")
            if !failed.isEmpty { detail += (detail.isEmpty ? "" : "; ") + "\(failed.count) of the set's tests fail" }
            return Problem(.unprocessableContent, "candidate-refused", "The proposed files would be refused", detail: detail.isEmpty ? "the candidate does not load" : detail)
                .with("problems") { w in w.array { w in for d in errors { d.write(to: &w) } } }
                .with("failed_tests") { w in w.array { w in for f in failed { w.string("\(f.location): \(f.test): \(f.problems.joined(separator: "; "))") } } }
        }
    }

    static func title(_ code: String) -> String {
        switch code {
        case "own-proposal": "A proposal is reviewed by someone else"
        case "changed-since-review": "The proposal changed since it was reviewed"
        case "missing-revision": "Name the revision you reviewed"
        case "changed-since": "The files changed since the proposal was made"
        case "not-a-person": "A change is made by a named person"
        case "not-recorded": "The decision log could not record the step"
        case "insufficient-role": "Your role does not allow this"
        case "not-author": "Only its author may do this"
        case "stale-base": "The proposal must be brought up to date"
        case "not-open": "The proposal is not open"
        case "set-gone": "The policy set is no longer served"
        case "no-proposal": "No such proposal"
        default: "The change was refused"
        }
    }

    // MARK: - JSON

    static func json(_ p: Proposal, files: Bool) -> [UInt8] {
        var w = JSONWriter()
        write(p, files: files, to: &w)
        return w.bytes
    }

    /// A proposal as the API shows it; with `files`, each changed file's text and its line diff.
    static func write(_ p: Proposal, files: Bool, to w: inout JSONWriter) {
        w.object { w in
            w.field("id", p.id)
            w.field("set", p.set)
            if !p.version.isEmpty { w.field("version_folder", p.version) }
            w.field("state", p.state.rawValue)
            w.field("author", p.author)
            w.field("reason", p.reason)
            w.field("created_at", p.createdAt)
            w.field("updated_at", p.updatedAt)
            w.field("revision", p.revision)
            w.field("base_digest", p.baseDigest)
            w.field("candidate_digest", p.candidateDigest)
            if let r = p.rollbackOf { w.field("rollback_of", r) }
            if let from = p.madeFrom {
                w.key("new_version")
                w.object { w in
                    w.field("version", p.newVersionName ?? "")
                    if let e = p.newVersionEffective { w.field("effective", e) }
                    w.field("made_from", from)
                }
            }
            w.key("check")
            w.object { w in
                w.field("tests_passed", p.check.testsPassed)
                w.field("tests_failed", p.check.testsFailed)
                w.field("replayed", p.check.replayed)
                w.field("changed_decisions", p.check.changedDecisions)
                w.key("warnings")
                w.array { w in for s in p.check.warnings { w.string(s) } }
            }
            w.key("reviews")
            w.array { w in
                for r in p.reviews {
                    w.object { w in
                        w.field("by", r.by)
                        w.field("approved", r.approved)
                        w.field("comment", r.comment)
                        w.field("at", r.at)
                    }
                }
            }
            w.key("outcome")
            w.array { w in for s in p.outcome { w.string(s) } }
            w.key("files")
            w.array { w in
                for c in p.changes {
                    w.object { w in
                        w.field("path", c.path)
                        w.field("change", c.text == nil ? "removed" : c.before == nil ? "added" : "edited")
                        if files {
                            if let t = c.text { w.field("text", t) }
                            let d = LineDiff(old: c.before ?? "", new: c.text ?? "")
                            w.field("lines_added", d.added)
                            w.field("lines_removed", d.removed)
                            w.field("diff", Self.unified(d))
                        }
                    }
                }
            }
        }
    }

    /// A diff's hunks as unified-diff lines (`+`, `-`, ` `), hunks separated by `@@`.
    static func unified(_ d: LineDiff) -> String {
        d.hunks.map { hunk in
            let first = hunk.first
            return "@@ -\(first?.old ?? 0) +\(first?.new ?? 0) @@\n" + hunk.map { l in
                (l.kind == .added ? "+" : l.kind == .removed ? "-" : " ") + l.text
            }.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
