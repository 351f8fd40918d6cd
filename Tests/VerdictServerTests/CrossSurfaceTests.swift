#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import Verdict

/// Issue 26, item 7: generated cases of every shipped set and of sets with versions, asked through the
/// command line (the built `verdict`), the HTTP API (`verdict serve` in a process of its own) and the web
/// console (`GET /try` of that same server), give the same decision, the same explanation and the same
/// why-not answers — equal bytes where the format is the same.
///
/// What is compared, and where the surfaces legitimately differ in format:
/// - `decide --batch F --explain --now T` and `POST …/decide-batch?explain=true&now=T`: equal bytes, line
///   for line (and the same without `--explain`); the batch also holds refused cases (their error lines).
/// - `POST …/decide?explain=true&now=T` for each case: equal bytes to the CLI's line for it (`decide --case`
///   writes the same line as the batch: checked on the first cases).
/// - `explain --format text --lang L` and the API's `explanation_text` with `lang=L`: equal text.
///   `explain --format json` and the API's `explanation`: equal JSON (the CLI prints the explanation object
///   alone, the API nests it in the decision, so equal as JSON values, not as a byte range).
/// - `explain --format json --why-not Q…` and the API's `why_not` answers (`why_not=Q…`): equal JSON for
///   `case`, `policy` and the answers (the CLI wraps them as `{case, policy, why_not}`, the API adds `why_not`
///   to the decision). `explain --format text --lang L --why-not Q…` and the API's `why_not_text`: equal text.
///   A question one surface refuses must be refused by all, with the same message (each surface frames it:
///   `--why-not Q: …`, a 400 problem's detail `` `Q`: … ``, the console's `Why not …?: …`).
/// - The console is HTML: each output's shown value (a member with its label, as the console shows it),
///   each rule's state (decides, matched but another decides, did not match, not evaluated) per decision
///   table, and each why-not answer's text (the console asks one question per form) must be what the
///   API's JSON says. A refused case lists the same problems (field, message and help; the console shows no
///   code).
/// - Refused cases (a missing required field, a malformed value, a case dated before every version): the
///   CLI's error line, the API's 422 problems and the console's list give the same problems.
///
/// The explanation names each rule's file by the folder path it was loaded from, so the CLI and the server
/// are given the same absolute path.
@Suite("cross-surface: CLI, HTTP API and console agree", .serialized)
struct CrossSurfaceTests {
    /// The decision time on every surface (clocks depend on it; the sets with versions pick by `received_at`).
    static let now = "2026-06-01T12:00:00+08:00"
    static let token = "cross-surface-token-0123456789abcdef"

    /// A set under test: a folder below `policies/`, or the derived set with versions (`dated`).
    struct Subject: Sendable, CustomTestStringConvertible {
        var folder: String
        /// Asked together, on every surface (each parses under every version of the set).
        var questions: [String]
        /// Asked one at a time: questions that only some version can read, or that no version can.
        var single: [String] = []
        var cases = 24
        var seed: UInt64 = 2607
        /// `received_at` of the generated cases, cycled (empty: as generated).
        var dates: [String] = []
        var testDescription: String { folder }
    }

    /// Dates on both sides of the example amendment's 2027-01-01 (and of the derived set's 2026-12-01 rule).
    static let boundaryDates = ["2026-11-20T10:00:00+08:00", "2026-12-31T23:59:59+08:00", "2027-01-01T00:00:00+08:00", "2027-01-15T09:00:00+08:00"]

    static let qcQuestions = ["approver=branch_manager", "approver=head_office", "signers contains bu_finance_head", "tier", "approver=handler"]

    static let subjects: [Subject] = [
        Subject(folder: "quality-complaints", questions: qcQuestions, single: ["aprover=branch_manager"]),
        Subject(folder: "customer-complaints",
                questions: ["route", "replier=regional_manager", "approval_chain contains quality_department", "monthly_report=true", "dispatcher=customer_service"]),
        Subject(folder: "service-standards", questions: ["fee=free", "fee_basis", "missing_steps contains review", "fee=may_charge"]),
        Subject(folder: "after-sales-template", questions: ["return_eligible=true", "return_ground", "recall_chain contains management", "return_eligible"]),
        Subject(folder: "examples/quality-complaints-amended", questions: qcQuestions, dates: boundaryDates),
        Subject(folder: "dated", questions: ["desk=head_office", "desk=division_manager", "approver=branch_manager", "desk"],
                single: ["escalate=true", "escalate"], dates: boundaryDates),
    ]

    // MARK: - The derived set with versions

    /// The example set with versions, renamed `quality-complaints-dated`, with one more decision table in
    /// each version: in 1.0.0 a complaint received from 2026-12-01 goes to head office's desk (a value only
    /// another date gives), in 2.0.0 one above 5000 yuan goes to the division manager's (a value only
    /// another version gives) and 2.0.0 alone has the output `escalate` (a question only it can read).
    static func derivedSet() throws -> PolicyCopy {
        let copy = try PolicyCopy("examples/quality-complaints-amended", keepVersions: true)
        for file in ["policy.yaml", "versions/2.0.0/policy.yaml"] {
            try copy.edit(file, replacing: "name: quality-complaints-amended", with: "name: quality-complaints-dated")
        }
        try copy.write("a7-desk.yaml", """
            decisions:
              desk:
                hit: first
                outputs: {desk: role}
                rules:
                  - {id: december-desk, when: 'received_at >= "2026-12-01T00:00:00+08:00"', then: {desk: head_office}}
                  - {id: desk-default, then: {desk: division}}

            """)
        try copy.write("versions/2.0.0/a7-desk.yaml", """
            decisions:
              desk:
                hit: first
                outputs: {desk: role, escalate: bool}
                rules:
                  - {id: desk-large, when: cost > 5000, then: {desk: division_manager, escalate: true}}
                  - {id: desk-default, then: {desk: division, escalate: false}}

            """)
        return copy
    }

    // MARK: - Tests

    @Test(arguments: subjects)
    func decisionsExplanationsAndWhyNotAgree(_ subject: Subject) throws {
        let copy = subject.folder == "dated" ? try Self.derivedSet() : nil
        defer { copy?.remove() }
        let folder = copy?.path ?? shippedPolicyPath(subject.folder)
        let env = try Environment(folder: folder)
        defer { env.close() }

        // The cases, generated from the first version with a fixed seed; the sets with versions get dates on
        // both sides of their amendment.
        var generator = CaseGenerator(policy: env.versions.versions[0], seed: subject.seed)
        let cases: [String] = (0..<subject.cases).map { i in
            var line = generator.nextJSON()
            if !subject.dates.isEmpty {
                let received = subject.dates[i % subject.dates.count]
                line = Self.replacing(field: "received_at", in: line, with: received)
                // An event generated before the new receipt would contradict it (a clock stopped before
                // it started is refused as inconsistent-clock): such events are left out.
                line = Self.removingTimes(before: received, except: "received_at", from: line)
            }
            return line
        }
        #expect(cases.count == subject.cases && !cases.contains(where: \.isEmpty))
        if !subject.dates.isEmpty {
            // Both sides of the amendment are decided (not vacuous: the dates reach both versions).
            let versions = Set(try cases.map { try env.versions.version(for: Array($0.utf8), now: env.nowTimestamp).identity.version })
            #expect(versions == ["1.0.0", "2.0.0"], "versions reached: \(versions)")
        }

        // 1. The CLI's batches, explained and not (the API's are compared last, in 5).
        let batchBody = cases.joined(separator: "\n") + "\n"
        let batchFile = try env.file("cases.jsonl", batchBody)
        var cliBatches: [Bool: [String]] = [:]
        for explain in [true, false] {
            let cli = try env.cli(["decide", "--policies", folder, "--batch", batchFile, "--now", Self.now, "--jobs", "2"] + (explain ? ["--explain"] : []))
            #expect(cli.status == 0, "decide --batch exit \(cli.status): \(cli.stderr)")
            cliBatches[explain] = cli.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        let explainedLines = cliBatches[true] ?? []
        #expect(explainedLines.count >= cases.count)

        // 2. Each case alone: the API's explained decision is the CLI's line; `decide --case` is the same line.
        var apiDecisions: [[String: Any]] = []
        for (i, c) in cases.enumerated() {
            let api = try env.decide(query: "explain=true&now=" + enc(Self.now), body: c)
            #expect(api.status == 200, "\(subject.folder) case \(i): \(api.status) \(api.body.prefix(300))")
            if i < explainedLines.count {
                #expect(api.body == explainedLines[i], "\(subject.folder) case \(i): POST decide?explain=true differs from the CLI's line\n\(Self.firstDifference(api.body, explainedLines[i]))")
            }
            apiDecisions.append(api.json)
            if i < 2 {
                let file = try env.file("case-\(i).json", c)
                let one = try env.cli(["decide", "--policies", folder, "--case", file, "--explain", "--now", Self.now])
                #expect(one.status == 0 && one.stdout == api.body + "\n", "\(subject.folder) case \(i): decide --case differs from the API\n\(Self.firstDifference(one.stdout, api.body + "\n"))")
            }
        }

        // 3. The console shows the same outputs and rule states for every case.
        for (i, c) in cases.enumerated() where i < apiDecisions.count {
            let page = try env.console(case: c, whyNot: nil)
            #expect(page.status == 200, "\(subject.folder) case \(i): console \(page.status)")
            let outline = PolicyOutline(try env.versions.version(for: Array(c.utf8), now: env.nowTimestamp))
            Self.compareConsole(page.body, apiDecisions[i], outline: outline, what: "\(subject.folder) case \(i)")
        }

        // 4. Explanations and why-not answers of the first cases, on all three.
        var outcomes: [String: Int] = [:]
        let asked = min(4, cases.count)
        for i in 0..<asked {
            let c = cases[i]
            let file = try env.file("case-\(i).json", c)
            let what = "\(subject.folder) case \(i)"
            // Explanation text in both languages, and the explanation's JSON.
            for lang in i == 0 ? ["en", "zh"] : ["en"] {
                let api = try env.decide(query: "lang=\(lang)&now=" + enc(Self.now), body: c)
                let cliText = try env.cli(["explain", "--policies", folder, "--case", file, "--now", Self.now, "--format", "text", "--lang", lang])
                #expect(cliText.status == 0, "\(what): explain --lang \(lang) exit \(cliText.status): \(cliText.stderr)")
                let apiText = api.json["explanation_text"] as? String
                #expect(apiText == cliText.stdout, "\(what): explain --format text --lang \(lang) vs explanation_text\n\(Self.firstDifference(cliText.stdout, apiText ?? "(none)"))")
            }
            let cliJSON = try env.cli(["explain", "--policies", folder, "--case", file, "--now", Self.now, "--format", "json"])
            #expect(cliJSON.status == 0, "\(what): explain --format json exit \(cliJSON.status): \(cliJSON.stderr)")
            #expect(Self.same(Self.parse(cliJSON.stdout), apiDecisions[i]["explanation"]), "\(what): explain --format json differs from the API's explanation")

            // The questions asked together, then each of the single ones.
            let groups = [subject.questions] + subject.single.map { [$0] }
            for questions in groups {
                let api = try Self.apiWhyNot(env, c, questions)
                let cli = try Self.cliWhyNot(env, folder, file, questions, zh: i == 0)
                let label = "\(what), why not \(questions)"
                switch (api, cli) {
                case let (.answered(a), .answered(b)):
                    #expect(Self.same(a.json["case"], b.json["case"]) && Self.same(a.json["policy"], b.json["policy"]),
                            "\(label): case or policy differ — API \(Self.render(a.json["policy"])), CLI \(Self.render(b.json["policy"]))")
                    #expect(Self.same(a.json["why_not"], b.json["why_not"]),
                            "\(label): the answers differ\n  API: \(Self.render(a.json["why_not"]))\n  CLI: \(Self.render(b.json["why_not"]))")
                    #expect(a.textEN == b.textEN, "\(label): why_not_text (en) differs from explain --format text\n\(Self.firstDifference(a.textEN, b.textEN))")
                    if i == 0 { #expect(a.textZH == b.textZH, "\(label): why_not_text (zh) differs from explain --lang zh") }
                    for answer in a.json["why_not"] as? [[String: Any]] ?? [] {
                        let reason = (answer["reason"] as? [String: Any])?["code"] as? String
                        outcomes[(answer["outcome"] as? String ?? "?") + (reason.map { "/" + $0 } ?? ""), default: 0] += 1
                    }
                case let (.refused(a), .refused(b)):
                    #expect(b.contains(a), "\(label): both refuse, with different messages\n  API: \(a)\n  CLI: \(b)")
                    outcomes["refused", default: 0] += 1
                default:
                    Issue.record("\(label): the API and the CLI disagree\n  API: \(api)\n  CLI: \(cli)")
                }
                // The console asks one question at a time.
                for q in questions {
                    let page = try env.console(case: c, whyNot: q)
                    #expect(page.status == 200, "\(label): console \(page.status)")
                    let shown = Self.consoleWhyNot(page.body)
                    switch (api, shown) {
                    case let (.answered(a), .answered(page)):
                        let texts = page.json["texts"] as? [String] ?? []
                        let expected = (a.json["why_not"] as? [[String: Any]] ?? []).filter { $0["question"] as? String == q }
                            .map { ($0["text"] as? [String: Any])?["en"] as? String ?? "" }
                        #expect(!expected.isEmpty, "\(label): the API gives no answer to `\(q)`")
                        #expect(texts == expected, "\(what), why not \(q): the console's answer differs from the API's\n  console: \(texts)\n  API: \(expected)")
                    case let (.refused(a), .refused(message)):
                        #expect(message.contains(a), "\(what), why not \(q): both refuse, with different messages\n  API: \(a)\n  console: \(message)")
                    default:
                        Issue.record("\(what), why not \(q): the console and the API disagree\n  console: \(shown)\n  API: \(api)")
                    }
                }
            }
        }
        // 5. The API's batches: equal bytes to the CLI's, line for line (last: a batch that fails must not
        // hide what the single requests show).
        for explain in [true, false] {
            let api = try env.batch(query: (explain ? "explain=true&" : "") + "now=" + enc(Self.now), body: batchBody)
            #expect(api.status == 200, "decide-batch: \(api.status) \(api.body.prefix(500))")
            let apiLines = api.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            Self.compareLines(cliBatches[explain] ?? [], apiLines, what: "\(subject.folder): decide --batch\(explain ? " --explain" : "") vs decide-batch\(explain ? "?explain=true" : "")")
        }

        // Not vacuous: the questions reached answers of every kind (already, changes, impossible).
        if subject.folder == "dated" {
            #expect(outcomes["impossible/only-other-versions", default: 0] > 0, "\(outcomes)")
            #expect(outcomes["impossible/only-another-date", default: 0] > 0, "\(outcomes)")
        }
        // (service-standards' fee questions are `cannot-reason` — its conditions on dates are not analysed — and
        // after-sales-template's questions reach no impossible value: those two sets need two kinds of answer.)
        if ["service-standards", "after-sales-template"].contains(subject.folder) {
            #expect(outcomes.keys.count >= 2, "\(subject.folder): the questions reached only \(outcomes)")
        } else {
            #expect(outcomes.keys.contains("already") && outcomes.keys.contains("changes") && outcomes.keys.contains { $0.hasPrefix("impossible") },
                    "\(subject.folder): the questions did not reach already, changes and impossible answers: \(outcomes)")
        }
    }

    /// A case missing a required field, one with a malformed value and (in the set with versions) one dated
    /// before every version: the same problems on all three, in a batch and alone.
    @Test(arguments: ["quality-complaints", "examples/quality-complaints-amended"])
    func refusedCasesGiveTheSameProblems(_ folder: String) throws {
        let path = shippedPolicyPath(folder)
        let env = try Environment(folder: path)
        defer { env.close() }
        var generator = CaseGenerator(policy: env.versions.versions[0], seed: 11)
        let base = generator.nextJSON()
        var refused = [
            ("missing `problem`", Self.removing(field: "problem", from: base)),
            ("malformed `cost`", Self.replacing(field: "cost", in: base, with: "lots")),
            ("malformed `received_at`", Self.replacing(field: "received_at", in: base, with: "yesterday")),
        ]
        if folder.hasPrefix("examples/") {
            refused.append(("before the first version", Self.replacing(field: "received_at", in: base, with: "2011-06-11T23:59:59+08:00")))
        }
        // In a batch, beside a case that is decided: equal bytes (the API's batch is asked last, below).
        let lines = [base] + refused.map(\.1)
        let batchFile = try env.file("refused.jsonl", lines.joined(separator: "\n") + "\n")
        let cli = try env.cli(["decide", "--policies", path, "--batch", batchFile, "--now", Self.now])
        #expect(cli.status == 1, "decide --batch with refused cases exits 1: \(cli.status) \(cli.stderr)")

        for (i, (name, c)) in refused.enumerated() {
            let what = "\(folder): \(name)"
            let file = try env.file("refused-\(i).json", c)
            let one = try env.cli(["decide", "--policies", path, "--case", file, "--now", Self.now])
            #expect(one.status == 1, "\(what): decide --case exits 1, not \(one.status)")
            let cliProblems = (Self.parse(one.stdout) as? [String: Any]).flatMap { ($0["error"] as? [String: Any])?["problems"] as? [[String: Any]] }
            let answer = try env.decide(query: "explain=true&now=" + enc(Self.now), body: c)
            #expect(answer.status == 422, "\(what): the API answers \(answer.status), not 422")
            let apiProblems = answer.json["problems"] as? [[String: Any]]
            #expect(apiProblems != nil && !(apiProblems ?? []).isEmpty, "\(what): no problems in \(answer.body)")
            #expect(Self.same(cliProblems, apiProblems), "\(what): problems differ\n  CLI: \(Self.render(cliProblems))\n  API: \(Self.render(apiProblems))")
            #expect(answer.json["case"] as? String == (Self.parse(one.stdout) as? [String: Any])?["case"] as? String, "\(what): case ids differ")
            // The explain command refuses it too.
            let explained = try env.cli(["explain", "--policies", path, "--case", file, "--now", Self.now, "--format", "json"])
            #expect(explained.status == 1, "\(what): explain exits 1, not \(explained.status)")
            for p in apiProblems ?? [] {
                #expect(explained.stderr.contains(p["message"] as? String ?? "\u{0}"), "\(what): explain's message lacks `\(p["message"] ?? "")`: \(explained.stderr)")
            }
            // The console lists the same problems: field, message and help (it shows no code).
            let page = try env.console(case: c, whyNot: nil)
            let shown = Self.consoleProblems(page.body)
            let expected = (apiProblems ?? []).map { p in
                ConsoleProblem(field: p["field"] as? String, message: p["message"] as? String ?? "", help: p["help"] as? String)
            }
            #expect(shown == expected, "\(what): the console's problems differ\n  console: \(shown)\n  API: \(expected)")
        }
        let api = try env.batch(query: "now=" + enc(Self.now), body: lines.joined(separator: "\n") + "\n")
        #expect(api.status == 200)
        Self.compareLines(cli.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                          api.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), what: "\(folder): refused cases in a batch")
    }

    // MARK: - The surfaces

    /// A server for one set (with a token, which the console's sign-in accepts as a bearer header), a
    /// scratch folder, and the set loaded in process (for generating cases and for the console's labels).
    final class Environment {
        let server: EndToEndTests.Server
        let scratch: URL
        let versions: PolicyVersions
        let name: String
        let nowTimestamp: Timestamp

        init(folder: String) throws {
            scratch = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-cross-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            let tokens = scratch.appendingPathComponent("tokens")
            try "# cross-surface\n\(CrossSurfaceTests.token)\n".write(to: tokens, atomically: true, encoding: .utf8)
            versions = try PolicyVersions.load(directory: folder)
            name = versions.name
            nowTimestamp = try Timestamp(rfc3339: CrossSurfaceTests.now)
            #expect(FileManager.default.isExecutableFile(atPath: EndToEndTests.binary.path), "the verdict binary is missing at \(EndToEndTests.binary.path)")
            server = try EndToEndTests.Server(["--policies", folder, "--watch-interval", "0", "--token-file", tokens.path])
        }

        func close() {
            server.stop()
            try? FileManager.default.removeItem(at: scratch)
        }

        func file(_ name: String, _ text: String) throws -> String {
            let url = scratch.appendingPathComponent(name)
            try text.write(to: url, atomically: false, encoding: .utf8)
            return url.path
        }

        var auth: [String: String] { ["Authorization": "Bearer \(CrossSurfaceTests.token)"] }

        func decide(query: String, body: String) throws -> HTTP.Response {
            try HTTP.request(port: server.port, "POST", "/v1/policies/\(name)/decide?" + query, headers: auth, body: body)
        }

        func batch(query: String, body: String) throws -> HTTP.Response {
            let connection = try HTTP.Connection(port: server.port)
            try connection.send("POST /v1/policies/\(name)/decide-batch?\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                + "Authorization: Bearer \(CrossSurfaceTests.token)\r\n"
                                + "Content-Type: application/x-ndjson\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body)
            return try HTTP.Response(connection.receiveToEnd(seconds: 60))
        }

        /// `GET /try` with the case as the form's fields (`f.NAME`, one per list item), in English.
        func console(case json: String, whyNot: String?) throws -> HTTP.Response {
            let outline = PolicyOutline(versions.versions[0])
            var pairs = [("policy", name), ("decide", "1"), ("lang", "en"), ("now", CrossSurfaceTests.now)]
            pairs += CrossSurfaceTests.formFields(json, outline: outline)
            if let whyNot { pairs.append(("whynot", whyNot)) }
            let query = pairs.map { "\(enc($0.0))=\(enc($0.1))" }.joined(separator: "&")
            return try HTTP.request(port: server.port, "GET", "/try?" + query, headers: auth)
        }

        struct Run { var status: Int32; var stdout: String; var stderr: String }

        /// Runs the built `verdict` (stopped after 120 s); its standard error goes through a file.
        func cli(_ arguments: [String]) throws -> Run {
            let p = Process()
            p.executableURL = EndToEndTests.binary
            p.arguments = arguments
            p.currentDirectoryURL = scratch
            let errURL = scratch.appendingPathComponent("stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
            let errHandle = try FileHandle(forWritingTo: errURL)
            defer { try? errHandle.close(); try? FileManager.default.removeItem(at: errURL) }
            let out = Pipe()
            p.standardOutput = out
            p.standardError = errHandle
            p.standardInput = FileHandle.nullDevice
            try p.run()
            let pid = p.processIdentifier
            let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
            DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            watchdog.cancel()
            let err = (try? Data(contentsOf: errURL)) ?? Data()
            return Run(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
        }
    }

    // MARK: - Why not, per surface

    enum WhyNotResult: CustomStringConvertible {
        /// The `{case, policy, why_not}` JSON, and the text in English and Chinese.
        case answered(Answered)
        /// The question was refused, with this message (the part every surface should share).
        case refused(String)

        struct Answered { var json: [String: Any]; var textEN: String; var textZH: String? }

        var description: String {
            switch self {
            case .answered(let a): return "answers \(render(a.json["why_not"]))"
            case .refused(let m): return "refused: \(m)"
            }
        }
    }

    static func apiWhyNot(_ env: Environment, _ c: String, _ questions: [String]) throws -> WhyNotResult {
        let q = questions.map { "why_not=" + enc($0) }.joined(separator: "&")
        let en = try env.decide(query: "lang=en&now=\(enc(now))&" + q, body: c)
        guard en.status == 200 else {
            // `` `Q`: MESSAGE `` — the message after the question.
            let detail = en.json["detail"] as? String ?? en.body
            if en.status == 400, en.json["parameter"] as? String == "why_not", let r = detail.range(of: "`: ") { return .refused(String(detail[r.upperBound...])) }
            return .refused("HTTP \(en.status): \(detail)")
        }
        let zh = try env.decide(query: "lang=zh&now=\(enc(now))&" + q, body: c)
        var json: [String: Any] = [:]
        json["case"] = en.json["case"]
        json["policy"] = en.json["policy"]
        json["why_not"] = en.json["why_not"]
        return .answered(.init(json: json, textEN: en.json["why_not_text"] as? String ?? "(no why_not_text)", textZH: zh.json["why_not_text"] as? String))
    }

    static func cliWhyNot(_ env: Environment, _ folder: String, _ file: String, _ questions: [String], zh: Bool) throws -> WhyNotResult {
        let base = ["explain", "--policies", folder, "--case", file, "--now", now] + questions.flatMap { ["--why-not", $0] }
        let json = try env.cli(base + ["--format", "json"])
        guard json.status == 0 else { return .refused(json.stderr) }
        let en = try env.cli(base + ["--format", "text", "--lang", "en"])
        let zhText = zh ? try env.cli(base + ["--format", "text", "--lang", "zh"]).stdout : nil
        return .answered(.init(json: parse(json.stdout) as? [String: Any] ?? [:], textEN: en.stdout, textZH: zhText))
    }

    /// The console's why-not section: each answer's text, or the refusal's message.
    static func consoleWhyNot(_ html: String) -> WhyNotResult {
        if let r = html.range(of: #"<p class="problem" role="alert" id="whynot">"#) {
            let message = unescape(String(html[r.upperBound...].prefix { $0 != "<" }))
            return .refused(message)
        }
        let texts = matches(#"<pre class="whynot" data-output="[^"]*">([^<]*)</pre>"#, in: html).map { unescape($0[1]) }
        return texts.isEmpty ? .refused("(no why-not section on the page)") : .answered(.init(json: ["texts": texts], textEN: texts.joined(), textZH: nil))
    }

    // MARK: - The console's page

    /// The case's JSON as the try-a-case form's fields: one `f.NAME` per value, one per item of a list,
    /// booleans as `true`/`false`, everything else as its JSON string or number.
    static func formFields(_ json: String, outline: PolicyOutline) -> [(String, String)] {
        guard let object = parse(json) as? [String: Any] else { return [] }
        let kinds = Dictionary(outline.fields.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        var pairs: [(String, String)] = []
        for key in object.keys.sorted() {
            let value = object[key]!
            if let list = value as? [Any] {
                for item in list { pairs.append(("f." + key, scalar(item, kind: nil))) }
            } else {
                pairs.append(("f." + key, scalar(value, kind: kinds[key])))
            }
        }
        return pairs
    }

    static func scalar(_ v: Any, kind: PolicyOutline.ValueKind?) -> String {
        if kind == .bool, let b = v as? Bool { return b ? "true" : "false" }
        if let s = v as? String { return s }
        if let n = v as? NSNumber { return n.stringValue }
        return "\(v)"
    }

    /// Compares the console's outputs and rule states with the API's explained decision.
    static func compareConsole(_ html: String, _ decision: [String: Any], outline: PolicyOutline, what: String) {
        // Outputs: every output the API gives is shown with its value; the others are shown as absent.
        let outputs = decision["outputs"] as? [String: Any] ?? [:]
        var shown: [String: String] = [:]
        for m in matches(#"<tr data-output="([^"]+)">.*?<td class="value">([^<]*)</td>"#, in: html) { shown[unescape(m[1])] = unescape(m[2]) }
        #expect(!shown.isEmpty, "\(what): the console shows no outputs\n\(html.prefix(2000))")
        let types = Dictionary(outline.decisions.flatMap(\.outputs).map { ($0.name, $0.type) }, uniquingKeysWith: { a, _ in a })
        for (name, value) in outputs.sorted(by: { $0.key < $1.key }) {
            let expected = display(value, type: types[name], outline: outline)
            #expect(shown[name] == expected, "\(what): output `\(name)` — console shows \(shown[name] ?? "nothing"), the API says \(expected)")
        }
        for (name, value) in shown where outputs[name] == nil {
            #expect(value == "(absent)", "\(what): the console shows output `\(name)` = \(value), which the API does not give")
        }
        // Rule states, per decision table, in order.
        let explanation = decision["explanation"] as? [String: Any] ?? [:]
        let sections = html.components(separatedBy: #"<section class="decision" data-decision=""#).dropFirst()
        var consoleStates: [String: [String]] = [:]
        for s in sections {
            let name = String(s.prefix { $0 != "\"" })
            let rows = matches(#"<tr(?: class="[^"]*")? data-rule="([^"]+)">\s*<td>.*?</td>\s*<td>.*?</td>\s*<td>(.*?)</td>"#, in: s)
            consoleStates[unescape(name)] = rows.map { unescape($0[1]) + ": " + unescape(stripTags($0[2])) }
        }
        for d in explanation["decisions"] as? [[String: Any]] ?? [] {
            let name = d["decision"] as? String ?? "?"
            let expected = (d["rules"] as? [[String: Any]] ?? []).map { r -> String in
                let evaluated = r["evaluated"] as? Bool ?? true, matched = r["matched"] as? Bool ?? false, selected = r["selected"] as? Bool ?? false
                let state = !evaluated ? "not evaluated (an earlier rule decides)" : matched ? (selected ? "decides" : "matched, another rule decides") : "did not match"
                return (r["id"] as? String ?? "?") + ": " + state
            }
            #expect(consoleStates[name] == expected, "\(what): decision `\(name)` — rule states differ\n  console: \(consoleStates[name] ?? [])\n  API: \(expected)")
        }
        #expect(consoleStates.count == (explanation["decisions"] as? [Any])?.count, "\(what): the console shows \(consoleStates.count) decision tables, the API explains \((explanation["decisions"] as? [Any])?.count ?? 0)")
    }

    /// A JSON output value as the console shows it: a member with its label when the label differs, a
    /// list in brackets, anything else as written.
    static func display(_ v: Any, type: String?, outline: PolicyOutline) -> String {
        if v is NSNull { return "(absent)" }
        if let list = v as? [Any] { return "[" + list.map { display($0, type: type, outline: outline) }.joined(separator: ", ") + "]" }
        if let s = v as? String {
            if let type, let l = outline.label(ofMember: s, in: type)?.text(.en), l != s { return "\(s) (\(l))" }
            return s
        }
        if let n = v as? NSNumber {
            if type == "bool" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        }
        return "\(v)"
    }

    struct ConsoleProblem: Equatable, CustomStringConvertible {
        var field: String?
        var message: String
        var help: String?
        var description: String { "\(field ?? "-"): \(message)\(help.map { " — \($0)" } ?? "")" }
    }

    static func consoleProblems(_ html: String) -> [ConsoleProblem] {
        guard let start = html.range(of: #"<h2 id="refused">"#), let ul = html[start.upperBound...].range(of: "<ul>"),
              let end = html[ul.upperBound...].range(of: "</ul>") else { return [] }
        let list = String(html[ul.upperBound..<end.lowerBound])
        return matches("<li>(.*?)</li>", in: list).map { m in
            var item = m[1]
            var field: String?
            if let f = matches(#"^<a href="[^"]*"><code>([^<]*)</code></a>: "#, in: item).first {
                field = unescape(f[1])
                item = String(item.dropFirst(f[0].count))
            }
            var help: String?
            if let r = item.range(of: #"<span class="muted"> — "#) {
                help = unescape(stripTags(String(item[r.upperBound...])))
                item = String(item[..<r.lowerBound])
            }
            return ConsoleProblem(field: field, message: unescape(stripTags(item)), help: help)
        }
    }

    // MARK: - Helpers

    static func compareLines(_ cli: [String], _ api: [String], what: String) {
        #expect(cli.count == api.count, "\(what): \(cli.count) lines from the CLI, \(api.count) from the API")
        var reported = 0
        for (i, (a, b)) in zip(cli, api).enumerated() where a != b {
            reported += 1
            if reported <= 3 { Issue.record("\(what): line \(i + 1) differs\n\(firstDifference(a, b))") }
        }
        if reported > 3 { Issue.record("\(what): \(reported) lines differ in all") }
    }

    /// Where two texts first differ, with some context of each.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a.utf8), y = Array(b.utf8)
        let i = (0..<min(x.count, y.count)).first { x[$0] != y[$0] } ?? min(x.count, y.count)
        let from = max(0, i - 80)
        func piece(_ z: [UInt8]) -> String { String(decoding: z[min(from, z.count)..<min(z.count, i + 120)], as: UTF8.self) }
        return "  at byte \(i) (lengths \(x.count), \(y.count))\n  first:  …\(piece(x))\n  second: …\(piece(y))"
    }

    static func parse(_ text: String) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
    }

    static func same(_ a: Any?, _ b: Any?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return render(x) == render(y)
        default: return false
        }
    }

    /// Canonical JSON text (sorted keys) of a parsed value, for comparing and for messages.
    static func render(_ v: Any?) -> String {
        guard let v else { return "nil" }
        guard JSONSerialization.isValidJSONObject(v) else { return "\(v)" }
        let data = (try? JSONSerialization.data(withJSONObject: v, options: [.sortedKeys, .fragmentsAllowed])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `"field":"…"` in a one-line generated case replaced by `"field":"value"` (added when absent).
    static func replacing(field: String, in line: String, with value: String) -> String {
        if let r = line.range(of: #""\#(field)":"[^"]*""#, options: .regularExpression) {
            return line.replacingCharacters(in: r, with: #""\#(field)":"\#(value)""#)
        }
        return String(line.dropLast()) + #","\#(field)":"\#(value)"}"#
    }

    /// The case without its timestamp fields (other than `except`) earlier than `instant`.
    static func removingTimes(before instant: String, except: String, from line: String) -> String {
        let parse = ISO8601DateFormatter()
        guard let limit = parse.date(from: instant) else { return line }
        var out = line
        for m in matches(#""([a-z_]+)":"([0-9]{4}-[0-9]{2}-[0-9]{2}T[^"]*)""#, in: line) where m[1] != except {
            if let t = parse.date(from: m[2]), t < limit { out = removing(field: m[1], from: out) }
        }
        return out
    }

    static func removing(field: String, from line: String) -> String {
        guard let r = line.range(of: #","\#(field)":("[^"]*"|true|false|-?[0-9.]+)"#, options: .regularExpression) else { return line }
        return line.replacingCharacters(in: r, with: "")
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { m.range(at: $0).location == NSNotFound ? "" : ns.substring(with: m.range(at: $0)) }
        }
    }

    static func stripTags(_ s: String) -> String {
        s.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
    }

    static func unescape(_ s: String) -> String {
        s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A query component, percent-encoded (everything but unreserved characters).
private func enc(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}
