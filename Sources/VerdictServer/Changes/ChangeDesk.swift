import Foundation
import Logging
import Synchronization
import Verdict
import VerdictAudit
import VerdictChanges
import VerdictConsole

/// The one path of a governed change in the service (issue 32): the HTTP API and the console are thin
/// adapters over it.
///
/// A proposal is checked as the console's draft check checks a draft (loaded, checked together with
/// the set's other versions, its YAML tests run, recorded decisions replayed) and refused unless it
/// would load and pass; stored by ``ProposalStore``, which holds the review rules; on approval its
/// files are written whole by ``SetWriter`` inside the registry's reload gate and the set reloaded —
/// a refused reload puts the old files back. Each step goes to the decision log as a change event,
/// and to the webhook when one is configured.
final class ChangeDesk: Sendable {
    let store: ProposalStore
    let registry: PolicyRegistry
    let log: (any DecisionLog)?
    let recorder: (any DecisionRecorder)?
    let webhook: ChangeWebhook?
    let logger: Logger

    init(store: ProposalStore, registry: PolicyRegistry, log: (any DecisionLog)?, recorder: (any DecisionRecorder)?, webhook: ChangeWebhook?, logger: Logger) {
        self.store = store
        self.registry = registry
        self.log = log
        self.recorder = recorder
        self.webhook = webhook
        self.logger = logger
    }

    /// One file of a submission: its new text, or nil to remove it.
    struct SubmittedFile: Sendable {
        var path: String
        var text: String?
    }

    /// Why a step did not happen.
    enum Failure: Error {
        /// The store's rules refused it.
        case refused(ProposalStore.Refusal)
        /// The candidate does not load, or its tests fail: the draft check's report says where.
        case draft(DraftReport)
        /// No such set, or it has not loaded yet.
        case unknownSet(String)
        /// Writing the files failed: nothing changed.
        case write(String)
    }

    /// What a proposal was checked to be.
    struct Candidate {
        var changes: [Proposal.FileChange]
        var report: DraftReport
        var base: String
    }

    /// Checks `files` as a change of the version in `version` of `setName`: the serving files with these
    /// in their place (nil removes one).
    ///
    /// With `newVersion`, the change makes a new version instead, in its own folder `versions/NAME`, from
    /// the files of `version` with these in their place (its manifest's `version` and `effective` set):
    /// every file of the new version is then a new file of the change.
    func candidate(set setName: String, version: String, files: [SubmittedFile], newVersion: DraftTarget.NewVersion? = nil,
                   language: Language = .en) throws(Failure) -> Candidate {
        guard let set = registry.set(named: setName), set.active != nil else { throw .unknownSet(setName) }
        let checker = DraftChecker(set)
        guard let base = checker.servingDigest(of: version) else {
            throw .refused(.init(.invalid, "no-version", "`\(setName)` has no version in the folder `\(version)`"))
        }
        guard files.count <= ProposalStore.maxFiles else { throw .refused(.init(.invalid, "too-large", "a proposal may change at most \(ProposalStore.maxFiles) files")) }
        var merged = checker.currentFiles(of: version)
        var changes: [Proposal.FileChange] = []
        for f in files {
            if let problem = ProposalPath.problem(f.path) { throw .refused(.init(.invalid, "bad-path", problem)) }
            if let problem = SetWriter.placeProblem(f.path, in: checker.folder(of: version)) {
                throw .refused(.init(.invalid, "bad-path", problem))
            }
            guard !f.path.hasPrefix("versions/") else {
                throw .refused(.init(.invalid, "bad-path", "`\(f.path)` belongs to another version: propose it as a change of that version"))
            }
            let text = f.text?.replacingOccurrences(of: "\r\n", with: "\n")
            let i = merged.firstIndex { $0.path == f.path }
            let before = i.map { merged[$0].text }
            if let text {
                guard text != before else { continue }
                if let i { merged[i].text = text } else { merged.append((f.path, text)) }
            } else {
                guard let i else { throw .refused(.init(.invalid, "bad-path", "`\(f.path)` is not a file of this version: nothing to remove")) }
                merged.remove(at: i)
            }
            changes.append(.init(path: f.path, text: text, before: before))
        }
        if let n = newVersion {
            let made = checker.asNewVersion(merged, base: version, n, words: .of(language))
            guard made.problems.isEmpty else { throw .refused(.init(.invalid, "bad-new-version", made.problems.joined(separator: " "))) }
            let target = checker.target(base: version, asNew: n)
            let report = checker.check(made.files, changed: made.changed, target: target, log: log)
            guard report.canHandOn else { throw .draft(report) }
            return Candidate(changes: made.files.map { .init(path: $0.path, text: $0.text, before: nil) }, report: report, base: base)
        }
        guard !changes.isEmpty else { throw .refused(.init(.invalid, "no-change", "the files sent are the files serving: nothing would change")) }
        let report = checker.check(merged, changed: changes.compactMap { $0.text == nil ? nil : $0.path },
                                   target: checker.target(base: version, asNew: nil), log: log)
        guard report.canHandOn else { throw .draft(report) }
        return Candidate(changes: changes, report: report, base: base)
    }

    static func summary(_ r: DraftReport) -> Proposal.CheckSummary {
        Proposal.CheckSummary(testsPassed: r.tests?.passed ?? 0, testsFailed: r.tests?.failed ?? 0,
                              warnings: (r.diagnostics + r.testDiagnostics).filter { $0.severity != .error }.map(\.description),
                              replayed: r.replay?.decisions ?? 0, changedDecisions: r.replay?.changedCases ?? 0)
    }

    /// Checks and records a new proposal by `by`.
    /// With `newVersion`, a new version made from `version`'s files (``candidate(set:version:files:newVersion:language:)``).
    func propose(set: String, version: String = "", reason: String, files: [SubmittedFile], rollbackOf: String? = nil,
                 newVersion: DraftTarget.NewVersion? = nil, language: Language = .en, by: Identity) throws(Failure) -> (Proposal, DraftReport) {
        try Self.person(by)
        let c = try candidate(set: set, version: version, files: files, newVersion: newVersion, language: language)
        let p: Proposal
        do {
            p = try store.propose(set: set, version: newVersion?.folder ?? version, by: by, reason: reason, baseDigest: c.base, candidateDigest: c.report.digest ?? "",
                                  rollbackOf: rollbackOf, madeFrom: newVersion == nil ? nil : version, effective: newVersion?.effective, changes: c.changes, check: Self.summary(c.report), at: Timestamp(Date()),
                                  record: recording(.proposed, by: by.name) { $0.reason })
        } catch { throw .refused(error) }
        return (p, c.report)
    }

    /// Names that are not a person's: the token files' shared identities, the service's own steps, the
    /// open server's anonymous caller. A change is proposed and reviewed by named people only.
    static let reservedNames = ["token", "admin", "service", "anonymous"]

    static func person(_ who: Identity) throws(Failure) {
        guard !reservedNames.contains(where: { Identity.sameName($0, who.name) }) else {
            throw .refused(.init(.forbidden, "not-a-person", "`\(who.name)` is a shared or reserved identity (a token file's, or the service's): a change is proposed and reviewed by named users (--users-file, a trusted proxy, or single sign-on)"))
        }
    }

    /// Proposes bringing back the archived version `digest` of `set`: its policy files written over the
    /// version's (test files stay), checked and reviewed like any change.
    func proposeRollback(set setName: String, digest: String, reason: String, by: Identity) throws(Failure) -> (Proposal, DraftReport) {
        guard let set = registry.set(named: setName), let active = set.active else { throw .unknownSet(setName) }
        guard let log else { throw .refused(.init(.invalid, "no-log", "a rollback needs the decision log, whose archive holds every version that served (start with --log)")) }
        let archived: ArchivedPolicy?
        do { archived = try log.policy(digest: digest) } catch { throw .refused(.init(.storage, "storage", "the decision log cannot be read: \(error)")) }
        guard let archived, archived.name == setName else {
            throw .refused(.init(.notFound, "no-archived-version", "the decision log's archive holds no version `\(digest.prefix(64))` of `\(setName)`"))
        }
        // The version folder that serves a version of the archived one's name, else the set's own files.
        let checker = DraftChecker(set)
        let version = checker.versions().first { $0.policy.identity.version == archived.version }?.version.folder ?? ""
        guard active.versions.versions.allSatisfy({ $0.identity.digest != digest }) else {
            throw .refused(.init(.conflict, "already-serving", "`\(setName)` serves \(digest.prefix(12)) already"))
        }
        let own = archived.files.filter { !$0.included && !$0.path.contains("..") && !$0.path.hasPrefix("/") }
        guard !own.isEmpty else { throw .refused(.init(.invalid, "no-archived-files", "the archived version holds none of the set's own files")) }
        var files = own.map { SubmittedFile(path: $0.path, text: $0.text) }
        // Policy files serving now that the archived version did not have are removed (tests stay).
        let kept = Set(own.map(\.path))
        for f in checker.currentFiles(of: version) where !kept.contains(f.path) && !PolicyFolder.isTestFile(f.path) {
            files.append(SubmittedFile(path: f.path, text: nil))
        }
        // The archive holds policy files, not tests. When the version was left by an activated proposal,
        // that proposal's test files go back to what they were too (its tests expect its behaviour).
        if let left = store.all(set: setName).first(where: { $0.state == .activated && $0.baseDigest == digest && $0.version == version }) {
            for c in left.changes where PolicyFolder.isTestFile(c.path) && !files.contains(where: { $0.path == c.path }) {
                files.append(SubmittedFile(path: c.path, text: c.before))
            }
        }
        return try propose(set: setName, version: version, reason: reason, files: files, rollbackOf: digest, by: by)
    }

    /// Brings an open proposal up to date with what serves now: the same new texts (or `files`, when
    /// given) checked again on the current files of its version.
    func update(_ id: String, files: [SubmittedFile]?, by: Identity) throws(Failure) -> (Proposal, DraftReport) {
        try Self.person(by)
        guard let p = store.proposal(id) else { throw .refused(.init(.notFound, "no-proposal", "there is no proposal `\(id.prefix(40))`")) }
        // Who may, and whether it is open, before the candidate's check is paid for (the store checks again).
        guard Identity.sameName(p.author, by.name) else {
            throw .refused(.init(.forbidden, "not-author", "only its author, \(p.author), may bring \(id) up to date"))
        }
        guard p.state == .open else { throw .refused(.init(.conflict, "not-open", "\(id) is \(p.state.rawValue) already")) }
        if let from = p.madeFrom {
            // A new version is its source's files with the author's in their place: brought up to date on
            // a source that changed since, its own copy of every file would undo that change unseen.
            guard let set = registry.set(named: p.set) else { throw .unknownSet(p.set) }
            let checker = DraftChecker(set)
            if files == nil, let now = checker.servingDigest(of: from), now != p.baseDigest {
                throw .refused(.init(.conflict, "changed-since",
                                     "the version \(id) was made from changed since it was proposed: send the new version's files again, made from what serves now, so that the other change is kept"))
            }
            // Its files as proposed, with those sent in their place (nil removes one); source files it does not have stay out.
            var sent = p.changes.map { SubmittedFile(path: $0.path, text: $0.text) }
            for f in files ?? [] {
                if let i = sent.firstIndex(where: { $0.path == f.path }) { sent[i].text = f.text } else { sent.append(f) }
            }
            let kept = Set(sent.compactMap { $0.text == nil ? nil : $0.path })
            sent = sent.filter { $0.text != nil }
            for f in checker.currentFiles(of: from) where !kept.contains(f.path) { sent.append(.init(path: f.path, text: nil)) }
            let n = DraftTarget.NewVersion(version: p.newVersionName ?? "", effective: p.newVersionEffective ?? "")
            let c = try candidate(set: p.set, version: from, files: sent, newVersion: n)
            do {
                return (try store.update(id, by: by, baseDigest: c.base, candidateDigest: c.report.digest ?? "", changes: c.changes,
                                         check: Self.summary(c.report), at: Timestamp(Date()),
                                         record: recording(.proposed, by: by.name) { "brought up to date (revision \($0.revision)): " + $0.reason }), c.report)
            } catch { throw .refused(error) }
        }
        if files == nil, let set = registry.set(named: p.set) {
            // The same texts again only where nobody changed the file since: else they would undo that change unseen.
            let current = DraftChecker(set).currentFiles(of: p.version)
            let moved = p.changes.filter { c in current.first { $0.path == c.path }?.text != c.before }.map(\.path)
            guard moved.isEmpty else {
                throw .refused(.init(.conflict, "changed-since",
                                     "\(moved.map { "`\($0)`" }.joined(separator: ", ")) changed since \(id) was proposed: send its files again, edited on top of what serves now, so that the other change is kept"))
            }
        }
        let c = try candidate(set: p.set, version: p.version, files: files ?? p.changes.map { SubmittedFile(path: $0.path, text: $0.text) })
        let updated: Proposal
        do {
            updated = try store.update(id, by: by, baseDigest: c.base, candidateDigest: c.report.digest ?? "", changes: c.changes,
                                       check: Self.summary(c.report), at: Timestamp(Date()),
                                       record: recording(.proposed, by: by.name) { "brought up to date (revision \($0.revision)): " + $0.reason })
        } catch { throw .refused(error) }
        return (updated, c.report)
    }

    func withdraw(_ id: String, by: Identity) throws(Failure) -> Proposal {
        try Self.person(by)
        do { return try store.withdraw(id, by: by, at: Timestamp(Date()), record: recording(.withdrawn, by: by.name) { _ in "" }) } catch { throw .refused(error) }
    }

    func reject(_ id: String, comment: String, by: Identity) throws(Failure) -> Proposal {
        try Self.person(by)
        do {
            return try store.review(id, by: by, approve: false, comment: comment, serving: nil, at: Timestamp(Date()),
                                    record: recording(.rejected, by: by.name) { $0.reviews.last?.comment ?? "" })
        } catch { throw .refused(error) }
    }

    /// Approves an open proposal and activates it: inside the reload gate (so that two approvals, or an
    /// approval and a reload, never interleave), the review's rules (four eyes, the revision the reviewer
    /// saw, the base still serving), the files on disk still those the proposal was made from, the
    /// approval recorded, then the files written whole and the set reloaded. Returns the proposal as it
    /// ends: `activated`, or `refused` with the reload's reasons (the old files back in place, and served).
    func approve(_ id: String, comment: String, revision: Int?, by: Identity) async throws(Failure) -> Proposal {
        try Self.person(by)
        guard let p = store.proposal(id) else { throw .refused(.init(.notFound, "no-proposal", "there is no proposal `\(id.prefix(40))`")) }
        // A set whose folder was removed is no longer served, whatever is still in memory.
        guard let set = registry.set(named: p.set).flatMap({ FileManager.default.fileExists(atPath: $0.folder) ? $0 : nil }) else {
            do { _ = try store.review(id, by: by, approve: true, comment: comment, serving: nil, revision: revision, at: Timestamp(Date())) } catch { throw .refused(error) }
            throw .refused(.init(.conflict, "set-gone", "the policy set `\(p.set)` is no longer served"))
        }
        let (folder, _) = Self.placement(p, in: set)
        let approved = Mutex<Proposal?>(nil)
        let store = self.store
        let record = recording(.approved, by: by.name) { $0.reviews.last?.comment ?? "" }
        let write: @Sendable () throws -> Void = {
            let now = store.proposal(id) ?? p
            // What is on disk must be what the proposal was made from: another change, a hand edit or a
            // test file changed since would otherwise be overwritten unseen.
            let current = DraftChecker(set).currentFiles(of: now.version)
            let moved = now.changes.filter { c in current.first { $0.path == c.path }?.text != c.before }.map { now.pathInSet($0) }
            let serving = DraftChecker(set).servingDigest(of: now.baseVersion)
            // A new version's folder must not exist yet: made by hand (or by another proposal) since, it is not this proposal's to fill.
            if now.madeFrom != nil, FileManager.default.fileExists(atPath: DraftChecker(set).folder(of: now.version)), now.state == .open,
               !Identity.sameName(now.author, by.name) {
                throw ProposalStore.Refusal(.conflict, "version-exists",
                                            "the folder `\(now.version)` exists already: \(id) cannot make the version \(now.newVersionName ?? "") there; withdraw it, or propose the change as an edit of that version")
            }
            if !moved.isEmpty, serving == now.baseDigest, now.state == .open, !Identity.sameName(now.author, by.name) {
                throw ProposalStore.Refusal(.conflict, "changed-since",
                                            "\(moved.map { "`\($0)`" }.joined(separator: ", ")) changed on disk since \(id) was proposed: its author must bring it up to date first, so that no change is lost")
            }
            let a = try store.review(id, by: by, approve: true, comment: comment, serving: serving, revision: revision, at: Timestamp(Date()), record: record)
            approved.withLock { $0 = a }
            try SetWriter.apply(Self.placement(a, in: set).changes, to: folder, tag: id)
        }
        let candidate = p.candidateDigest
        let attempt: ReloadAttempt
        do {
            attempt = try await registry.applyChange(set, write: write,
                                                     undo: { try SetWriter.apply(Self.placement(Self.inverse(approved.withLock { $0 } ?? p), in: set).changes, to: folder, tag: id + "-undo") },
                                                     accept: { _ in set.active?.versions.versions.contains { $0.identity.digest == candidate } == true })
        } catch let refusal as ProposalStore.Refusal {
            throw .refused(refusal)
        } catch let failure as SetWriter.Failure {
            guard let a = approved.withLock({ $0 }) else { throw .write(failure.description) }
            if failure.committed {
                logger.critical("proposal \(id): its files were only partly moved into place: \(failure); the next start finishes the change",
                                metadata: ["policy": .string(a.set)])
                throw .write("\(id) is approved, but its files were only partly moved into place: \(failure.description). The next start of the service finishes the change")
            }
            return finish(a, activated: false, outcome: ["the files could not be written, nothing changed: \(failure)"])
        } catch {
            throw .write("\(error)")
        }
        guard let a = approved.withLock({ $0 }) else { throw .write("the approval was not recorded") }
        let nowServing = set.active?.versions.versions.map(\.identity.digest) ?? []
        if attempt.outcome != .failed, nowServing.contains(a.candidateDigest) {
            return finish(a, activated: true, outcome: ["serving \(a.candidateDigest)"])
        }
        var reasons = attempt.diagnostics.map(\.description)
        if attempt.testsFailed > 0 { reasons.insert("\(attempt.testsFailed) of the set's tests failed on the serving machine", at: 0) }
        if reasons.isEmpty { reasons = ["the set reloaded as \(nowServing.map { String($0.prefix(12)) }.joined(separator: ", ")), not as the candidate \(a.candidateDigest.prefix(12)); the old files were put back"] }
        return finish(a, activated: false, outcome: reasons)
    }

    /// The proposal that undoes `p`'s change: each file back to its text before (removed if it was new).
    static func inverse(_ p: Proposal) -> Proposal {
        var undo = p
        undo.changes = p.changes.map { Proposal.FileChange(path: $0.path, text: $0.before, before: $0.text) }
        return undo
    }

    /// Where `p`'s files are written: its version's folder, and its changes relative to it — or, for a
    /// new version, the set's folder with `versions/NAME/` in front of each path, so that the new folder
    /// is made by the same one change (and removed with its last file when undone), never left empty.
    static func placement(_ p: Proposal, in set: LivePolicySet) -> (folder: String, changes: [Proposal.FileChange]) {
        let base = PolicyFolder.base(set.folder)
        if p.madeFrom != nil {
            return (base, p.changes.map { .init(path: p.version + "/" + $0.path, text: $0.text, before: $0.before) })
        }
        return (base + (p.version.isEmpty ? "" : "/" + p.version), p.changes)
    }

    private func finish(_ p: Proposal, activated: Bool, outcome: [String]) -> Proposal {
        let step: PendingChangeEvent.Step = activated ? (p.rollbackOf != nil ? .rolledBack : .activated) : .refused
        do {
            return try store.finish(p.id, activated: activated, outcome: outcome, at: Timestamp(Date()),
                                    record: recording(step, by: "service") { $0.outcome.joined(separator: "; ") })
        } catch {
            // The files are as the step says, but the log could not record it: the proposal stays approved,
            // and the next start settles and records it.
            logger.critical("proposal \(p.id): `\(step.rawValue)` could not be recorded: \(error); it stays approved until the next start settles it",
                            metadata: ["policy": .string(p.set)])
            return p
        }
    }

    /// Finishes proposals a stopped service left approved, by what is on disk: each of its files as it
    /// proposed and its candidate serving — activated; each file as it was before — refused (the
    /// service stopped before the change was committed); its files written but the set not serving them
    /// (the reload refused them, and the service stopped before putting the old ones back) — the old files
    /// are put back and reloaded now, and it is refused.
    func settleInterrupted() async {
        for p in store.all() where p.state == .approved {
            guard let set = registry.set(named: p.set) else {
                _ = finish(p, activated: false, outcome: ["the service stopped during its activation, and the set `\(p.set)` is no longer served"])
                continue
            }
            let current = DraftChecker(set).currentFiles(of: p.version)
            func on(_ path: String) -> String? { current.first { $0.path == path }?.text }
            let written = p.changes.allSatisfy { on($0.path) == $0.text }
            let untouched = p.changes.allSatisfy { on($0.path) == $0.before }
            let serving = set.active?.versions.versions.contains { $0.identity.digest == p.candidateDigest } == true
            if written, serving {
                _ = finish(p, activated: true, outcome: ["serving \(p.candidateDigest) (activated across a restart)"])
            } else if untouched {
                _ = finish(p, activated: false, outcome: ["the service stopped during its activation, before its files were written: nothing of it serves"])
            } else {
                var back = Self.inverse(p)
                back.changes = back.changes.filter { on($0.path) == $0.before }
                let (folder, changes) = Self.placement(back, in: set)
                do {
                    _ = try await registry.applyChange(set, write: { try SetWriter.apply(changes, to: folder, tag: p.id + "-settle") }, undo: {}, accept: { _ in true })
                    _ = finish(p, activated: false, outcome: ["the service stopped during its activation, its files written but not served; the old files were put back"])
                } catch {
                    logger.critical("proposal \(p.id): the service stopped during its activation, and its old files could not be put back: \(error)",
                                    metadata: ["policy": .string(p.set)])
                }
            }
        }
    }

    struct NoDecisionLog: Error, CustomStringConvertible {
        var description: String { "the service has no decision log (--log): a governed change is recorded there, or it does not happen" }
    }

    /// A store's recorder of `step` by `by`: the step to the decision log, committed before the store
    /// keeps it (when the log cannot record it, it throws and the step does not happen), then to the
    /// webhook and the service's log.
    private func recording(_ step: PendingChangeEvent.Step, by: String, reason: @escaping @Sendable (Proposal) -> String) -> ProposalStore.Recorder {
        let recorder = self.recorder, webhook = self.webhook, logger = self.logger
        return { p in
            let event = PendingChangeEvent(step: step, proposal: p.id, set: p.set, by: by, reason: reason(p), baseDigest: p.baseDigest,
                                           candidateDigest: p.candidateDigest, rollbackOf: p.rollbackOf, recordedAt: Timestamp(Date()))
            // No decision log, no step: a governed change is never made unrecorded.
            guard let recorder else { throw NoDecisionLog() }
            try recorder.changeRecorded(event)
            logger.notice("proposal \(p.id) \(step.rawValue) by \(by)", metadata: ["policy": .string(p.set), "proposal": .string(p.id), "step": .string(step.rawValue)])
            webhook?.send(event)
        }
    }
}
