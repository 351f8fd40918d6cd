import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Verdict

extension HTTPField.Name {
    /// The digest of the policy version that decided (or refused) the request.
    static let policyDigest = HTTPField.Name("Verdict-Policy-Digest")!
    static let policyVersion = HTTPField.Name("Verdict-Policy-Version")!
}

/// `POST /v1/policies/{name}/decide` and `/decide-batch`.
struct DecisionRoutes: Sendable {
    let registry: PolicyRegistry
    let limits: ServerLimits
    let metrics: ServerMetrics
    let recorder: (any DecisionRecorder)?

    /// What the query string asks for.
    struct Options: Sendable {
        var explain = false
        var language: Language?
        var now: Timestamp
        /// "Why not?" questions (`why_not`, repeatable): `approver=branch_manager`, `tier`, `signers contains bu_finance_head`.
        var whyNot: [String] = []

        init(_ request: Request) throws(Problem) {
            let query = request.uri.queryParameters
            now = Timestamp(Date())
            for (key, value) in query {
                switch String(key) {
                case "explain":
                    switch String(value).lowercased() {
                    case "true", "1", "yes", "": explain = true
                    case "false", "0", "no": explain = false
                    default: throw Self.invalid("explain", "`\(value)` is not true or false")
                    }
                case "lang":
                    guard let l = Language(rawValue: String(value)) else { throw Self.invalid("lang", "`\(value)` is not a language: use en or zh") }
                    language = l
                    explain = true
                case "now":
                    do { now = try Timestamp(rfc3339: String(value)) } catch {
                        throw Self.invalid("now", "`\(value)` is not an RFC 3339 timestamp with an offset: \(error)")
                    }
                case "why_not":
                    whyNot.append(String(value))
                default:
                    throw Self.invalid(String(key), "unknown parameter `\(key)`: the parameters are explain, lang, now and why_not")
                }
            }
        }

        static func invalid(_ name: String, _ detail: String) -> Problem {
            Problem(.badRequest, "invalid-parameter", "Invalid query parameter", detail: detail)
                .with("parameter") { $0.string(name) }
        }
    }

    /// The serving version of the set the path names: 404 for an unknown set, 503 before its first load.
    func active(_ context: some RequestContext) throws(Problem) -> (PolicySet, ActivePolicy) {
        let name = PolicyRoutes.setName(context)
        guard let set = registry.set(named: name) else { throw Self.unknownSet(name, registry) }
        guard let active = set.active else {
            throw Problem(.serviceUnavailable, "policy-not-loaded", "Policy set not loaded yet",
                          detail: "`\(name)` has not loaded without errors since the server started; see GET /v1/policies")
                .with(header: .retryAfter, "5")
        }
        return (set, active)
    }

    static func unknownSet(_ name: String, _ registry: PolicyRegistry) -> Problem {
        let names = registry.sets.map(\.name).sorted()
        return Problem(.notFound, "unknown-policy", "Unknown policy set",
                       detail: "no policy set is named `\(name)`; this server serves \(names.map { "`\($0)`" }.joined(separator: ", "))")
    }

    /// The media type without parameters, lowercased.
    static func mediaType(_ request: Request) -> String? {
        guard let value = request.headers[.contentType] else { return nil }
        if value == "application/json" || value == "application/x-ndjson" { return value }  // the usual case, without parsing
        return value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    static func unsupported(_ given: String?, accepted: [String]) -> Problem {
        Problem(.unsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                detail: "send \(accepted.joined(separator: " or ")); got \(given.map { "`\($0)`" } ?? "no Content-Type")")
            .with(header: .accept, accepted.joined(separator: ", "))
    }

    static let batchTypes = ["application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"]

    func decide(_ request: Request, context: some RequestContext) async throws -> Response {
        let (set, active) = try active(context)
        let type = Self.mediaType(request)
        guard let type, type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) else {
            throw Self.unsupported(type, accepted: ["application/json"])
        }
        let options = try Options(request)
        let bytes = try await BodyReader.collect(request, limit: limits.maxCaseBytes, timeout: limits.requestTimeout)
        if BodyReader.exceedsDepth(bytes, limit: limits.maxJSONDepth) { throw BodyReader.tooDeep(limits.maxJSONDepth) }
        // The version in force on the case's date decides it (and answers its why-not questions), and
        // the answer names that version.
        var policy = active.policy
        do { policy = try active.versions.version(for: bytes, now: options.now) } catch {
            metrics.decisions(set: set.name, decided: 0, refused: 1)
            throw Self.problem(error, policy: policy.identity)
        }
        var questions: [WhyNotQuestion] = []
        for text in options.whyNot {
            do { questions.append(try WhyNotQuestion(parsing: text, for: policy)) } catch {
                throw Options.invalid("why_not", "`\(text)`: \(error)")
            }
        }
        let decision: Decision
        let whyNot: WhyNot?
        do {
            decision = try ThreadDeciders.decider(for: policy).decide(json: bytes, explain: options.explain, now: options.now)
            whyNot = questions.isEmpty ? nil : try active.versions.whyNot(questions, json: bytes, now: options.now)
        } catch {
            metrics.decisions(set: set.name, decided: 0, refused: 1)
            throw Self.problem(error, policy: policy.identity)
        }
        metrics.decisions(set: set.name, decided: 1, refused: 0)
        if let recorder {
            let recording = recorder.recording()
            recording.submit(decision, input: bytes)
            do { try await recording.commit() } catch { throw Self.logUnavailable(error, recorder) }
        }
        var w = JSONWriter(capacity: options.explain ? 32 << 10 : 1 << 10)  // an explained answer is some 16–24 KB: one allocation
        decision.write(to: &w)
        if let language = options.language, let explanation = decision.explanation {
            w.reopenObject()
            w.field("explanation_text", explanation.text(language))
            w.closeObject()
        }
        if let whyNot {
            // The answers, each with its text in both languages; `why_not_text` in the asked language.
            w.reopenObject()
            w.key("why_not")
            w.array { w in for a in whyNot.answers { a.write(to: &w) } }
            if let language = options.language { w.field("why_not_text", whyNot.text(language)) }
            w.closeObject()
        }
        let body = w.withUnsafeBytes { bytes in  // the one copy, straight into the response's buffer
            var b = ByteBufferAllocator().buffer(capacity: bytes.count)
            b.writeBytes(bytes)
            return b
        }
        return Response(status: .ok, headers: Self.headers(policy.identity, type: "application/json"),
                        body: .init(byteBuffer: body))
    }

    /// 503 when the decision log cannot record: no decision is reported that is not recorded. The
    /// detail never shows the log's path or location (the server's log does).
    static func logUnavailable(_ error: Error, _ recorder: any DecisionRecorder) -> Problem {
        logUnavailable(reason: recorder.publicMessage(error))
    }

    static func logUnavailable(reason: String) -> Problem {
        Problem(.serviceUnavailable, "decision-log-unavailable", "Decision log unavailable",
                detail: "the decision could not be recorded, so it is not reported: \(reason)")
            .with(header: .retryAfter, "5")
    }

    static func headers(_ identity: PolicyIdentity, type: String) -> HTTPFields {
        var h = HTTPFields()
        h[.contentType] = type
        h[.policyDigest] = identity.digest
        h[.policyVersion] = identity.version
        return h
    }

    /// 400 for JSON that does not parse, 422 for a case the policy refuses; both name the version.
    static func problem(_ error: CaseError, policy: PolicyIdentity) -> Problem {
        let syntax = error.problems.first { $0.code == "json-syntax" }
        var p = syntax != nil
            ? Problem(.badRequest, "malformed-json", "Malformed JSON", detail: syntax!.message)
            : Problem(.unprocessableContent, "invalid-case", "Invalid case",
                      detail: error.problems.count == 1 ? error.problems[0].message : "\(error.problems.count) problems in the case")
        p = p.with("case") { w in if let id = error.caseID { w.string(id) } else { w.null() } }
        p = p.with("problems") { w in
            w.array { w in
                for problem in error.problems {
                    w.object { w in
                        if let f = problem.field { w.field("field", f) }
                        w.field("code", problem.code)
                        w.field("message", problem.message)
                        if let h = problem.help { w.field("help", h) }
                    }
                }
            }
        }
        p = p.with("policy") { w in policy.write(to: &w) }
        return p.with(header: .policyDigest, policy.digest).with(header: .policyVersion, policy.version)
    }

    /// JSON Lines in, JSON Lines out, streamed: each line is decided as it arrives and its answer
    /// written at once. A line that cannot be decided gives its error line and the rest go on. The
    /// whole batch is decided by the versions serving when it started, each line by the one in force on
    /// its date; the headers name the version in force now.
    func decideBatch(_ request: Request, context: some RequestContext) async throws -> Response {
        let (set, active) = try active(context)
        let type = Self.mediaType(request)
        guard let type, Self.batchTypes.contains(type) else { throw Self.unsupported(type, accepted: Self.batchTypes) }
        let options = try Options(request)
        if !options.whyNot.isEmpty { throw Options.invalid("why_not", "why-not questions are answered one case at a time, by POST /v1/policies/{name}/decide") }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limits.maxBatchBytes {
            throw BodyReader.tooLarge(limits.maxBatchBytes, what: "a batch")
        }
        if let reason = recorder?.unavailableReason { throw Self.logUnavailable(reason: reason) }
        // The body's first line is awaited before the 200 is sent: an empty batch is a 400.
        var iterator = request.body.makeAsyncIterator()
        let lead = try await Self.lead(&iterator, timeout: self.limits.requestTimeout)
        let rest = IteratorBox(iterator)
        let limits = self.limits
        let metrics = self.metrics
        let name = set.name
        let policy = active.policy
        let versions = active.versions
        let recorder = self.recorder
        let body = ResponseBody { writer in
            let recording = recorder?.recording()
            var splitter = BatchSplitter(policy: versions, options: options, limits: limits, recording: recording)
            var iterator = rest.iterator
            var leading = lead[...]
            while !splitter.stopped {
                var chunk = leading.popFirst()
                if chunk == nil {
                    do { chunk = try await Self.next(&iterator, timeout: limits.requestTimeout) } catch let problem as Problem {
                        // The body broke off (its next part too slow, a malformed chunk): the answer, already
                        // 200, ends with an error line that says so, never silently.
                        splitter.bodyFailed(problem)
                        break
                    }
                }
                guard let chunk else { break }
                splitter.feed(chunk.readableBytesView)
                if !splitter.output.isEmpty {
                    // The answers written are recorded answers: wait for their commit first.
                    if let recorder, let recording {
                        do { try await recording.commit() } catch { splitter.logFailed(recorder.publicMessage(error)) }
                    }
                    try await writer.write(ByteBuffer(bytes: splitter.output))
                    splitter.output.removeAll(keepingCapacity: true)
                }
            }
            splitter.finish()
            if let recorder, let recording, !splitter.logFailure {
                do { try await recording.commit() } catch { splitter.logFailed(recorder.publicMessage(error)) }
            }
            if !splitter.output.isEmpty { try await writer.write(ByteBuffer(bytes: splitter.output)) }
            metrics.decisions(set: name, decided: splitter.decided, refused: splitter.refused)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.headers(policy.identity, type: "application/x-ndjson"), body: body)
    }

    /// The first parts of a batch's body, up to the first that holds more than white space (or 64 KiB
    /// of it); 400 `empty-batch` when the body ends first, holding no line.
    static func lead(_ iterator: inout RequestBody.AsyncIterator, timeout: Swift.Duration) async throws -> [ByteBuffer] {
        var parts: [ByteBuffer] = []
        var size = 0
        while let part = try await next(&iterator, timeout: timeout) {
            parts.append(part)
            size += part.readableBytes
            if size > 64 << 10 || part.readableBytesView.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }) {
                return parts
            }
        }
        throw Problem(.badRequest, "empty-batch", "Empty batch",
                      detail: size == 0 ? "the batch holds no line: send one case per line, as JSON Lines"
                                        : "the batch holds only blank lines: send one case per line, as JSON Lines")
    }

    /// The next part of a body, or 408 (naming `reporting`, the configured timeout) when none comes within `timeout`.
    static func next(_ iterator: inout RequestBody.AsyncIterator, timeout: Swift.Duration, reporting: Swift.Duration? = nil) async throws -> ByteBuffer? {
        let box = IteratorBox(iterator)
        defer { iterator = box.iterator }
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await box.next() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw BodyReader.timedOut(reporting ?? timeout)
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
    }
}

/// Lets a child task advance the body's iterator (the task group needs a `Sendable` reference).
private final class IteratorBox: @unchecked Sendable {
    var iterator: RequestBody.AsyncIterator
    init(_ iterator: RequestBody.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> ByteBuffer? { try await iterator.next() }
}

/// Splits a batch body into lines and decides each, appending answer lines to `output`.
struct BatchSplitter {
    let policy: PolicyVersions
    let options: DecisionRoutes.Options
    let limits: ServerLimits
    let recording: (any DecisionRecording)?
    var output: [UInt8] = []
    var decided = 0
    var refused = 0
    var stopped = false
    /// The decision log failed: nothing more is decided or sent.
    private(set) var logFailure = false
    private var line: [UInt8] = []
    private var number = 0
    private var received = 0
    /// The current line outgrew the case limit: skip to its end.
    private var skipping = false

    init(policy: PolicyVersions, options: DecisionRoutes.Options, limits: ServerLimits, recording: (any DecisionRecording)? = nil) {
        self.policy = policy
        self.recording = recording
        self.options = options
        self.limits = limits
        output.reserveCapacity(64 << 10)
    }

    mutating func feed(_ bytes: ByteBufferView) {
        received += bytes.count
        if received > limits.maxBatchBytes {
            stop("the batch is larger than \(limits.maxBatchBytes) bytes (\(BodyReader.describe(bytes: limits.maxBatchBytes)))", code: "body-too-large")
            return
        }
        var start = bytes.startIndex
        while !stopped, let nl = bytes[start...].firstIndex(of: 0x0A) {
            append(bytes[start..<nl])
            endLine()
            start = bytes.index(after: nl)
        }
        if !stopped, start < bytes.endIndex { append(bytes[start...]) }
    }

    private mutating func append(_ part: ByteBufferView.SubSequence) {
        if skipping { return }
        if line.count + part.count > limits.maxCaseBytes {
            skipping = true
            line.removeAll(keepingCapacity: true)
            return
        }
        line.append(contentsOf: part)
    }

    mutating func finish() {
        if !stopped, skipping || !line.isEmpty { endLine() }
    }

    private mutating func endLine() {
        number += 1
        defer { line.removeAll(keepingCapacity: true) }
        if skipping {
            skipping = false
            refused += 1
            errorLine(id: nil, code: "body-too-large", message: "the line is longer than \(limits.maxCaseBytes) bytes (\(BodyReader.describe(bytes: limits.maxCaseBytes)))")
            return
        }
        if line.last == 0x0D { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        if number > limits.maxBatchLines {
            stop("a batch may have at most \(limits.maxBatchLines) lines; the rest was not read", code: "too-many-lines")
            return
        }
        if BodyReader.exceedsDepth(line, limit: limits.maxJSONDepth) {
            refused += 1
            errorLine(id: nil, code: "json-too-deep", message: "arrays and objects may nest at most \(limits.maxJSONDepth) levels")
            return
        }
        do {
            let version = try policy.version(for: line, now: options.now)
            let decision = try ThreadDeciders.decider(for: version).decide(json: line, explain: options.explain, now: options.now)
            recording?.submit(decision, input: line)
            decision.appendJSON(to: &output)
            decided += 1
        } catch {
            refused += 1
            var w = JSONWriter()
            w.object { w in
                w.key("case")
                if let id = error.caseID { w.string(id) } else { w.null() }
                w.field("line", number)
                w.key("error")
                error.write(to: &w)
            }
            output.append(contentsOf: w.bytes)
        }
        output.append(0x0A)
    }

    /// `{"case": ID, "line": N, "error": {"message": ..., "problems": [{"code": ..., "message": ...}]}}`
    /// The codes are the server's own limits (`body-too-large`, `json-too-deep`, `too-many-lines`),
    /// in the shape of ``CaseError``'s JSON.
    private mutating func errorLine(id: String?, code: String, message: String) {
        var w = JSONWriter()
        w.object { w in
            w.key("case")
            if let id { w.string(id) } else { w.null() }
            w.field("line", number)
            w.key("error")
            w.object { w in
                w.field("message", message)
                w.key("problems")
                w.array { w in w.object { w in w.field("code", code); w.field("message", message) } }
            }
        }
        output.append(contentsOf: w.bytes)
        output.append(0x0A)
    }

    /// The decision log could not record the answers not yet sent: they are dropped (no decision is
    /// reported that is not recorded), an error line says so, and the rest of the batch is not read.
    mutating func logFailed(_ reason: String) {
        logFailure = true
        output.removeAll(keepingCapacity: true)
        stop("the decisions after the last answer sent could not be recorded, so they are not reported, and the rest of the batch was not read: \(reason)",
             code: "decision-log-unavailable")
    }

    /// The request's body broke off after the answer began: a last error line with the problem's code
    /// (`request-timeout`, `bad-request`) says so, and the line it was in is not decided.
    mutating func bodyFailed(_ problem: Problem) {
        stop("the rest of the batch could not be read: \(problem.detail ?? problem.title)", code: problem.code)
    }

    private mutating func stop(_ message: String, code: String) {
        errorLine(id: nil, code: code, message: message)
        stopped = true
    }
}
