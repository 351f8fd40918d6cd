import Foundation
import Testing
import Verdict
import VerdictAudit
import VerdictConsole
@testable import VerdictServer

/// Issue 32, "every step is recorded": the service's recorder commits each step of a governed change
/// to the log (``DecisionRecorder/changeRecorded(_:)``), a recorder without a log refuses the step, and
/// the console's audit page shows a set's change history beside its decisions — escaped, in en and zh.
@Suite("console change history")
struct ConsoleChangeHistoryTests {
    typealias Logged = ConsoleRouteTests.Logged

    static let base = "sha256:81f915d935d1f607ade043fbb20af180b66c95af98bfc36db5a33e1267baabcf"
    static let candidate = "sha256:eae3136a35d893925ee1ad706fd70f2e0978e9b0421e6e446f32a195e999db1c"

    static func step(_ step: PendingChangeEvent.Step, _ proposal: String, set: String = "quality-complaints", by: String, reason: String,
                     rollbackOf: String? = nil) throws -> PendingChangeEvent {
        PendingChangeEvent(step: step, proposal: proposal, set: set, by: by, reason: reason, baseDigest: base, candidateDigest: candidate,
                           rollbackOf: rollbackOf, recordedAt: try Timestamp(rfc3339: "2026-06-01T08:00:00Z"))
    }

    @Test func theRecorderCommitsEachStepAndTheSearchReadsThem() async throws {
        let logged = try Logged([ConsoleRouteTests.qc])
        defer { logged.close() }
        let recorder = AuditRecorder(writer: logged.writer)
        try recorder.changeRecorded(try Self.step(.proposed, "P1", by: "alice", reason: "raise the band"))
        try recorder.changeRecorded(try Self.step(.rejected, "P1", by: "bob", reason: "no impact report"))
        try recorder.changeRecorded(try Self.step(.proposed, "P2", set: "customer-complaints", by: "carol", reason: ""))
        // Committed when it returns: another connection sees them.
        let reader = try DecisionLogs.open(logged.log.location, create: false, readOnly: true)
        defer { reader.close() }
        #expect(try ChangeHistory.of(reader).steps.map(\.proposal) == ["P1", "P1", "P2"])
        #expect(try LogVerifier.verify(reader).records == 3)
        let q = AuditPage.Query([("set", "quality-complaints")])
        #expect(try AuditSearch.changes(q, log: logged.log).map(\.step) == [.proposed, .rejected])
        #expect(try AuditSearch.changes(AuditPage.Query([]), log: logged.log).count == 3)
        // The set named filters the decisions too: none of quality-complaints was recorded, so none is listed.
        #expect(try AuditSearch.run(q, log: logged.log).rows.isEmpty)
    }

    @Test func aRecorderWithoutALogRefusesTheStep() throws {
        #expect(throws: AuditError.self) { try RefusingRecorder().changeRecorded(try Self.step(.approved, "P1", by: "bob", reason: "")) }
    }

    @Test func theAuditPageShowsTheChangesEscapedInEnglishAndChinese() throws {
        let log = try DecisionLogs.open("sqlite:" + FileManager.default.temporaryDirectory.appendingPathComponent("changes-\(UUID().uuidString).db").path,
                                        create: true)
        defer { log.close() }
        _ = try log.appendChangeEvents([
            try Self.step(.proposed, "P1", by: "alice", reason: "raise <b>300</b> & more"),
            try Self.step(.approved, "P1", by: "<script>bob</script>", reason: "ok"),
            try Self.step(.activated, "P1", by: "service", reason: ""),
            try Self.step(.proposed, "P2", by: "alice", reason: "back", rollbackOf: Self.base),
        ])
        let steps = try ChangeHistory.of(log).steps
        let q = AuditPage.Query([])
        let en = AuditPage.search(q, rows: [], more: false, problem: nil, changes: steps,
                                  context: ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: true, path: "/audit"))
        #expect(en.contains(#"<h2 id="changes">Changes</h2>"#))
        #expect(en.contains("raise &lt;b&gt;300&lt;/b&gt; &amp; more") && !en.contains("<b>300</b>"))
        #expect(en.contains("&lt;script&gt;bob&lt;/script&gt;") && !en.contains("<script>bob"))
        #expect(en.contains(#"<tr data-step="activated">"#) && en.contains("the service"))
        #expect(en.contains(#"<code title="\#(Self.base)">81f915d935d1</code> → <code title="\#(Self.candidate)">eae3136a35d8</code>"#), "\(en)")
        #expect(en.contains("rolls back to"))
        let zh = AuditPage.search(q, rows: [], more: false, problem: nil, changes: steps,
                                  context: ConsoleContext(language: .zh, csrfToken: "t", hasAuditLog: true, path: "/audit"))
        for words in [#"<h2 id="changes">变更</h2>"#, "<td>提出</td>", "<td>批准</td>", "<td>启用</td>", "<td>服务</td>", "理由或意见", "回滚至"] {
            #expect(zh.contains(words), Comment(rawValue: words))
        }
        // A set with no steps says so; without a history given, there is no section; a query problem shows no history.
        let none = AuditPage.search(AuditPage.Query([("set", "other")]), rows: [], more: false, problem: nil, changes: [],
                                    context: ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: true, path: "/audit"))
        #expect(none.contains("The log records no change step of set other."))
        let without = AuditPage.search(q, rows: [], more: false, problem: nil, context: ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: true, path: "/audit"))
        #expect(!without.contains(#"id="changes""#))
        let problem = AuditPage.search(q, rows: [], more: false, problem: "since: bad", changes: steps,
                                       context: ConsoleContext(language: .en, csrfToken: "t", hasAuditLog: true, path: "/audit"))
        #expect(!problem.contains(#"id="changes""#))
    }
}
