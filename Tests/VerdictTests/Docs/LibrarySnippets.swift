import Foundation
// snippet: getting-started
import Verdict

// end snippet

/// The Swift blocks of docs/library.md, verbatim, compiled by the test target and run by
/// `LibrarySnippetsTests`. Each block is the text between `// snippet: NAME` and `// end snippet`
/// (its indentation removed; a block's regions of one name, such as its `import` at the top of
/// this file, joined in order), and the page marks it with `<!-- snippet: NAME -->`. What a block
/// takes for granted (a case, a folder, somewhere to write) is declared outside the markers.
struct LibrarySnippets: Sendable {
    /// What the snippets print, write and log, in order (the test reads it).
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    }

    /// The case the snippets decide (`caseJSON`, `caseBytes`, `bytes`, `body`, `chunk`).
    var caseJSON: String = LibraryArticlesTests.caseJSON
    var caseBytes: [UInt8] { Array(caseJSON.utf8) }
    var bytes: [UInt8] { caseBytes }
    var body: [UInt8] { caseBytes }
    /// Two lines of JSON Lines, the second one refused (no fields but its id).
    var chunk: [UInt8] { Array((caseJSON.replacingOccurrences(of: "\n", with: " ") + "\n" + #"{"id": "x"}"# + "\n").utf8) }
    var now: Timestamp = try! Timestamp(rfc3339: "2026-03-02T10:00:00+08:00")
    /// The folder a live set follows: the shipped set (read only).
    var folder: String = shippedPolicyPath("quality-complaints")
    /// The set the reading-outputs and batch snippets decide by, and the policy the why-not snippet asks.
    let set: PolicyVersions
    let policy: CompiledPolicy
    let output = Output()

    init(caseJSON: String = LibraryArticlesTests.caseJSON) throws {
        self.caseJSON = caseJSON
        set = try PolicyVersions.load(directory: shippedPolicyPath("quality-complaints"))
        policy = set.latest
    }

    func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
        output.append(items.map { String(describing: $0) }.joined(separator: separator))
    }
    func write(_ bytes: [UInt8]) { output.append(String(decoding: bytes, as: UTF8.self)) }
    func log(_ message: String) { output.append("log: " + message) }

    /// The manifest lines (`swift package` evaluates them, not this target: see the test).
    static let packageDependency = """
        // snippet: package-dependency
        .package(url: "https://example.com/verdict.git", from: "0.10.0", traits: []),
        // in the target: .product(name: "Verdict", package: "verdict")
        // end snippet
        """

    func gettingStarted() throws {
        // snippet: getting-started
        // Load, check and compile a set once, with its versions (throws PolicyLoadError with every diagnostic).
        let set = try PolicyVersions.load(directory: "policies/quality-complaints")

        // Decide from JSON ([UInt8], Data or a String): the version in force on the case's date decides ...
        let decision = try set.decide(json: Array(caseJSON.utf8))
        try decision.number("tier")        // 3
        try decision.members("signers")    // ["handler", "bu_finance_head", "branch_manager", "division_manager"]
        decision.policy.version            // "1.0.0", the version that decided
        decision.json()                    // the JSON shape below

        // ... or from typed values, with an explanation.
        let d = try set.decide([
            "id": .string("Q-1"),
            "received_at": .timestamp(try Timestamp(rfc3339: "2026-03-02T09:15:00+08:00")),
            "problem": .member("pig_hair"),
            "cost": .money(try Money(parsing: "300.01")),
            "region": .string("Henan"), "branch": .string("Kaifeng"),
            "eaten": .bool(true), "adverse_reaction": .bool(true), "hospitalised": .bool(true),
            "media_involved": .bool(false), "government_involved": .bool(false), "excessive_demand": .bool(false),
            "food_poisoning": .bool(false), "batch_problem": .bool(false),
        ], explain: true)
        print(d.explanation!.text(.zh))
        // end snippet
    }

    func readingOutputs() throws {
        // snippet: reading-outputs
        let decision = try set.decide(json: Data(caseJSON.utf8))
        try decision.member("approver")      // "head_office"
        try decision.time("report_due")      // nil: the case is not resolved, no rule set it
        decision["approver"]?.asMember       // "head_office": OutputValue has asMember, asMembers, asMoney, asTimestamp, ...
        do { try decision.member("aprover") } catch { print(error) }   // throws OutputAccessError
        do { try decision.money("approver") } catch { print(error) }   // throws OutputAccessError
        do { try decision.member("signers") } catch { print(error) }   // throws OutputAccessError
        // end snippet
    }

    func decisionRequest() throws {
        // snippet: decision-request
        let set = try PolicyVersions.load(directory: "policies/quality-complaints")
        var request = DecisionRequest(explanation: .compact, language: .zh, now: try Timestamp(rfc3339: "2026-03-02T10:00:00+08:00"))
        request.whyNot = ["approver=branch_manager"]
        do {
            let response = try set.answer(request, json: caseBytes)
            response.decision["approver"]     // the version in force on the case's date decided
            response.whyNot?.answers          // answered with the set's versions
            print(response.rendered())        // the service's JSON answer; .text and .explanation formats too
        } catch .refused(let caseError, let policy) {
            // the case cannot be decided (policy: the version that read it)
        } catch .invalidQuestion(let question, let why) {
            // a why-not question no version can read
        }
        // end snippet
    }

    func decisionBatch() throws {
        // snippet: decision-batch
        let batch = DecisionBatch(set: set, request: DecisionRequest(now: now), jobs: 4) { bytes in write(bytes) }
        batch.feed(chunk)              // as the bytes arrive, in pieces of any size
        let summary = batch.finish()   // summary.decided, summary.refused
        // end snippet
    }

    func livePolicySet() async throws {
        // snippet: live-policy-set
        let live = try await LivePolicySet.open(folder: folder)  // "/srv/policies/quality-complaints"; throws PolicyLoadError
        let watching = Task { await live.watch() }       // every second; reloads once changed files hold still
        let events = Task {
            for await attempt in live.events() {         // each reload: activated, unchanged or failed, and why
                if attempt.outcome == .failed { log(attempt.summary) }   // "…/a5-approval.yaml:21:15: unknown field or output `cots`"
            }
        }
        // On any thread, any time, during reloads too:
        let response = try live.answer(DecisionRequest(explanation: .compact), json: body)
        response.policy.version                           // the version that decided this case
        // At shutdown: watch() returns and the events loop ends once their tasks are cancelled.
        watching.cancel()
        events.cancel()
        // end snippet
    }

    func policyVersions() throws {
        // snippet: policy-versions
        let set = try PolicyVersions.load(directory: "policies/examples/quality-complaints-amended")
        set.versions.map(\.identity.version)   // ["1.0.0", "2.0.0"]
        set.effectiveBy                        // "received_at"
        let d = try set.decide(json: Array(caseJSON.utf8), explain: true, now: nil)
        d.policy.version                       // "2.0.0" for a case received on or after 2027-01-01 (Asia/Shanghai)
        let v = try set.version(for: Array(caseJSON.utf8), now: nil)   // the CompiledPolicy that decides it
        set.version(at: try Timestamp(rfc3339: "2026-12-31T23:59:59+08:00"))?.identity.version  // "1.0.0"
        // end snippet
    }

    func whyNot() throws {
        // snippet: why-not
        let questions = try ["approver=branch_manager", "tier", "signers contains finance_supervisor"]
            .map { try WhyNotQuestion(parsing: $0, for: policy) }   // WhyNotQuestionError: unknown output, value not of its type
        let w = try policy.whyNot(questions, json: bytes)             // CaseError when the case cannot be decided
        for a in w.answers {
            switch a.outcome {
            case .already: break                                     // the case already gives it
            case .changes(let alternatives):                         // any one suffices; fewest fields, then nearest values
                for c in alternatives[0].changes {
                    print(c.field, c.condition, c.current?.description ?? "-", c.nearest?.description ?? "-")   // cost ≤ 300.00 1200.00 300.00
                }
            case .impossible(let why): print(why)                    // .notAssigned, .neverDecides(rules:), .onlyOtherVersions(_:), ...
            case .cannotReason(let conditions): print(conditions)    // the conditions the analyser does not reason about
            }
        }
        print(w.text(.zh))                                           // or w.json()
        // end snippet
    }
}
