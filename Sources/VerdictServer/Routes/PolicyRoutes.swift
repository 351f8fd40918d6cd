import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict

/// `GET /v1/policies`, `GET /v1/policies/{name}`, `GET /v1/policies/{name}/schema`, `POST /v1/admin/reload`.
struct PolicyRoutes: Sendable {
    let registry: PolicyRegistry
    let authenticator: Authenticator

    static func time(_ date: Date) -> String { date.formatted(.iso8601) }

    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, type: String = "application/json") -> Response {
        var h = HTTPFields()
        h[.contentType] = type
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    func list(_ request: Request, context: some RequestContext) async throws -> Response {
        let privileged = authenticator.isPrivileged(request, context: context)
        var w = JSONWriter()
        w.object { w in
            w.key("policies")
            w.array { w in for set in registry.sets { Self.write(set, privileged: privileged, to: &w) } }
        }
        return Self.json(w.bytes)
    }

    /// The set the path names, percent-decoded: `/v1/policies/%E6%9C%8D%E5%8A%A1%E6%A0%87%E5%87%86/decide`
    /// names `服务标准`. A segment whose escapes do not decode to UTF-8 is taken as written (and names
    /// no set, since a policy name holds no `%`: see ``PolicyName``).
    static func setName(_ context: some RequestContext) -> String {
        let raw = context.parameters.get("name") ?? ""
        // Most names hold no escape: Foundation's percent decoding (through CFString) was 4% of a
        // decide request's CPU in a profile of the service under load.
        guard raw.utf8.contains(UInt8(ascii: "%")) else { return raw }
        return raw.removingPercentEncoding ?? raw
    }

    func one(_ request: Request, context: some RequestContext) async throws -> Response {
        let name = Self.setName(context)
        guard let set = registry.set(named: name) else { throw DecisionRoutes.unknownSet(name, registry) }
        var w = JSONWriter()
        Self.write(set, privileged: authenticator.isPrivileged(request, context: context), to: &w)
        return Self.json(w.bytes)
    }

    func schema(_ request: Request, context: some RequestContext) async throws -> Response {
        let name = Self.setName(context)
        guard let set = registry.set(named: name) else { throw DecisionRoutes.unknownSet(name, registry) }
        guard let active = set.active else { throw Problem(.serviceUnavailable, "policy-not-loaded", "Policy set not loaded yet") }
        var response = Self.json(active.schema, type: "application/schema+json")
        response.headers[.policyDigest] = active.policy.identity.digest
        response.headers[.policyVersion] = active.policy.identity.version
        return response
    }

    /// One set as `GET /v1/policies` lists it. Folders and diagnostics only for privileged callers.
    static func write(_ set: LivePolicySet, privileged: Bool, to w: inout JSONWriter) {
        let active = set.active
        let attempt = set.lastAttempt
        w.object { w in
            w.field("name", set.name)
            w.field("loaded", active != nil)
            if let active {
                let id = active.policy.identity
                w.field("version", id.version)
                if let e = id.effective { w.field("effective", e.description) }
                w.field("digest", id.digest)
                w.field("loaded_at", time(active.loadedAt))
                w.field("tests_passed", active.testsPassed)
                if active.versions.isDated {
                    // Each version with the date it is in force from; a case is decided by the one of its date.
                    if let by = active.versions.effectiveBy { w.field("effective_by", by) }
                    w.key("versions")
                    w.array { w in
                        for v in active.versions.versions {
                            w.object { w in
                                w.field("version", v.identity.version)
                                if let e = v.identity.effective { w.field("effective", e.description) }
                                w.field("digest", v.identity.digest)
                            }
                        }
                    }
                }
            }
            if privileged { w.field("folder", set.folder) }
            if let attempt {
                w.key("last_reload")
                write(attempt, privileged: privileged, to: &w)
            }
        }
    }

    static func write(_ attempt: ReloadAttempt, privileged: Bool, to w: inout JSONWriter) {
        w.object { w in
            w.field("at", time(attempt.at))
            w.field("trigger", attempt.trigger.rawValue)
            w.field("outcome", attempt.outcome.rawValue)
            w.field("ok", attempt.outcome != .failed)
            if let d = attempt.candidateDigest { w.field("candidate_digest", d) }
            if let v = attempt.candidateVersion { w.field("candidate_version", v) }
            w.field("tests_passed", attempt.testsPassed)
            w.field("tests_failed", attempt.testsFailed)
            w.field("errors", DiagnosticRenderer.counts(attempt.diagnostics).errors)
            if privileged {
                w.key("diagnostics")
                w.array { w in for d in attempt.diagnostics { d.write(to: &w) } }
            }
        }
    }

    /// Reloads every set, or the one `?policy=` names; 200 when each is activated or unchanged, 422
    /// (problem details listing every set's outcome and diagnostics) when any was refused.
    func reload(_ request: Request, context: some RequestContext) async throws -> Response {
        var only: [LivePolicySet]?
        for (key, value) in QueryString.pairs(request) {
            guard key == "policy" else {
                throw DecisionRoutes.Options.invalid(key, "unknown parameter `\(key)`: the only parameter is policy")
            }
            guard let set = registry.set(named: value) else { throw DecisionRoutes.unknownSet(value, registry) }
            only = (only ?? []) + [set]
        }
        let results = await registry.reloadAll(trigger: .request, only: only)
        func writeResults(_ w: inout JSONWriter) {
            w.array { w in
                for (set, attempt) in results {
                    w.object { w in
                        w.field("name", set.name)
                        w.field("outcome", attempt.outcome.rawValue)
                        w.key("serving")
                        if let active = set.active { active.policy.identity.write(to: &w) } else { w.null() }
                        if let d = attempt.candidateDigest { w.field("candidate_digest", d) }
                        w.field("tests_passed", attempt.testsPassed)
                        w.field("tests_failed", attempt.testsFailed)
                        w.key("diagnostics")
                        w.array { w in for d in attempt.diagnostics { d.write(to: &w) } }
                    }
                }
            }
        }
        let failed = results.filter { $0.1.outcome == .failed }
        if !failed.isEmpty {
            let names = failed.map { "`\($0.0.name)`" }.joined(separator: ", ")
            throw Problem(.unprocessableContent, "reload-failed", "Reload refused",
                          detail: "\(names) did not load or failed \(failed.count == 1 ? "its" : "their") tests; the previous version keeps serving")
                .with("results", writeResults)
        }
        var w = JSONWriter()
        w.object { w in
            w.key("results")
            writeResults(&w)
        }
        return Self.json(w.bytes)
    }
}
