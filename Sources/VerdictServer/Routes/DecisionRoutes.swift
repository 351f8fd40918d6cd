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

    /// What the query string asks for: the request put to the library (``DecisionRequest``).
    struct Options: Sendable {
        var request: DecisionRequest

        init(_ request: Request) throws(Problem) {
            self.request = DecisionRequest(now: Timestamp(Date()))
            // `+` and `%20` are spaces: `why_not=approver+%3D+branch_manager` is `approver = branch_manager`.
            for (key, value) in QueryString.pairs(request) {
                // `format` is the command line's and the C library's: the service answers JSON.
                guard key != "format", DecisionRequest.parameterNames.contains(key) else {
                    throw Self.invalid(key, "unknown parameter `\(key)`: the parameters are explain, lang, now, why_not and schema_digest")
                }
                do { try self.request.set(parameter: key, to: value) } catch { throw Self.invalid(key, error.message) }
            }
        }

        static func invalid(_ name: String, _ detail: String) -> Problem {
            Problem(.badRequest, "invalid-parameter", "Invalid query parameter", detail: detail)
                .with("parameter") { $0.string(name) }
        }
    }

    /// The serving version of the set the path names: 404 for an unknown set, 503 before its first load.
    func active(_ context: some RequestContext) throws(Problem) -> (LivePolicySet, ActivePolicy) {
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
        // One question to the library: the version in force on the case's date decides it, answers its
        // why-not questions, and is named in the answer.
        let response: DecisionResponse
        do { response = try active.versions.answer(options.request, json: bytes) } catch {
            switch error {
            case let .refused(caseError, policy):
                metrics.decisions(set: set.name, decided: 0, refused: 1)
                throw Self.problem(caseError, policy: policy)
            case let .invalidQuestion(text, reason):
                throw Options.invalid("why_not", "`\(text)`: \(reason)")
            }
        }
        metrics.decisions(set: set.name, decided: 1, refused: 0)
        if let recorder {
            let recording = recorder.recording()
            recording.submit(response.decision, input: bytes)
            do { try await recording.commit() } catch { throw Self.logUnavailable(error, recorder) }
        }
        var w = JSONWriter(capacity: response.capacity)
        response.write(to: &w)
        let body = w.withUnsafeBytes { bytes in  // the one copy, straight into the response's buffer
            var b = ByteBufferAllocator().buffer(capacity: bytes.count)
            b.writeBytes(bytes)
            return b
        }
        return Response(status: .ok, headers: Self.headers(response.policy, type: "application/json"),
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
        let syntax = error.problems.first { $0.code == .jsonSyntax }
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
                        w.field("code", problem.codeText)
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
        if let type, type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) {
            return try await decideBatchArray(request, set: set, active: active)
        }
        guard let type, Self.batchTypes.contains(type) else { throw Self.unsupported(type, accepted: Self.batchTypes + ["application/json"]) }
        let options = try Self.batchOptions(request)
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
            let answers = AnswerBuffer()
            // The one batch engine, on this request's task (requests are the service's parallelism).
            let batch = DecisionBatch(set: versions, request: options.request, limits: Self.batchLimits(limits), each: recording.map { recording in
                { _, answer, _ in if case let .decided(response, input) = answer { recording.submit(response.decision, input: input) } }
            }) { bytes in answers.bytes.append(contentsOf: bytes) }
            var iterator = rest.iterator
            var leading = lead[...]
            var received = 0
            var logFailure = false
            while !batch.stopped {
                var chunk = leading.popFirst()
                if chunk == nil {
                    do { chunk = try await Self.next(&iterator, timeout: limits.requestTimeout) } catch let problem as Problem {
                        // The body broke off (its next part too slow, a malformed chunk): the answer, already
                        // 200, ends with an error line that says so, never silently.
                        batch.stop(code: problem.code, message: "the rest of the batch could not be read: \(problem.detail ?? problem.title)")
                        break
                    }
                }
                guard let chunk else { break }
                received += chunk.readableBytes
                if received > limits.maxBatchBytes {
                    batch.stop(code: "body-too-large", message: "the batch is larger than \(limits.maxBatchBytes) bytes (\(BodyReader.describe(bytes: limits.maxBatchBytes)))")
                    break
                }
                chunk.withUnsafeReadableBytes { batch.feed($0) }
                if !answers.bytes.isEmpty {
                    // The answers written are recorded answers: wait for their commit first.
                    if let recorder, let recording {
                        do { try await recording.commit() } catch {
                            logFailure = true
                            answers.logFailed(batch, reason: recorder.publicMessage(error))
                        }
                    }
                    try await writer.write(ByteBuffer(bytes: answers.bytes))
                    answers.bytes.removeAll(keepingCapacity: true)
                }
            }
            let summary = batch.finish()
            if let recorder, let recording, !logFailure {
                do { try await recording.commit() } catch { answers.logFailed(batch, reason: recorder.publicMessage(error)) }
            }
            if !answers.bytes.isEmpty { try await writer.write(ByteBuffer(bytes: answers.bytes)) }
            metrics.decisions(set: name, decided: summary.decided, refused: summary.refused)
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.headers(policy.identity, type: "application/x-ndjson"), body: body)
    }

    /// A batch's query: `explain` and `now` (why-not questions are asked one case at a time).
    static func batchOptions(_ request: Request) throws(Problem) -> Options {
        let options = try Options(request)
        if !options.request.whyNot.isEmpty { throw Options.invalid("why_not", "why-not questions are answered one case at a time, by POST /v1/policies/{name}/decide") }
        return options
    }

    /// The same batch as one JSON array, for clients generated from the OpenAPI document (which do
    /// not stream JSON Lines): `[case, case, ...]` in, `[answer, answer, ...]` out, each answer the
    /// line the JSON Lines form gives for that element (a decision, or an error line whose `line` is
    /// the element's position from 1). Each element is one line of the one batch engine
    /// (``DecisionBatch``), under the same limits (`--max-batch-body` for the body, `--max-body` for an
    /// element, `--max-batch-lines`, `--max-depth` inside an element); the body is read whole and
    /// checked as JSON before any element is decided, and the answer is sent once the last is
    /// decided (and, with `--log`, recorded: 503 when it cannot be, with no decision reported).
    func decideBatchArray(_ request: Request, set: LivePolicySet, active: ActivePolicy) async throws -> Response {
        let options = try Self.batchOptions(request)
        if let reason = recorder?.unavailableReason { throw Self.logUnavailable(reason: reason) }
        let bytes = try await BodyReader.collect(request, limit: limits.maxBatchBytes, timeout: limits.requestTimeout, what: "a batch")
        let elements = try Self.arrayElements(bytes, maxDepth: limits.maxJSONDepth)
        guard !elements.isEmpty else {
            throw Problem(.badRequest, "empty-batch", "Empty batch", detail: "the batch holds no case: send a JSON array of cases")
        }
        let recording = recorder?.recording()
        let answers = AnswerBuffer()
        let batch = DecisionBatch(set: active.versions, request: options.request, limits: Self.batchLimits(limits), each: recording.map { recording in
            { _, answer, _ in if case let .decided(response, input) = answer { recording.submit(response.decision, input: input) } }
        }) { bytes in answers.bytes.append(contentsOf: bytes) }
        // Each element on a line of its own: a line break in JSON text is white space outside strings
        // (a string holds none unescaped), so it becomes a space and the element reads the same.
        var line: [UInt8] = []
        for range in elements where !batch.stopped {
            line.removeAll(keepingCapacity: true)
            line.reserveCapacity(range.count + 1)
            for b in bytes[range] { line.append(b == 0x0A || b == 0x0D ? 0x20 : b) }
            line.append(0x0A)
            batch.feed(line)
        }
        let summary = batch.finish()
        if let recorder, let recording {
            do { try await recording.commit() } catch { throw Self.logUnavailable(error, recorder) }
        }
        metrics.decisions(set: set.name, decided: summary.decided, refused: summary.refused)
        var body = ByteBufferAllocator().buffer(capacity: answers.bytes.count + 2)
        body.writeInteger(UInt8(ascii: "["))
        var first = true
        for answer in answers.bytes.split(separator: 0x0A) {
            if !first { body.writeInteger(UInt8(ascii: ",")) }
            first = false
            body.writeBytes(answer)
        }
        body.writeInteger(UInt8(ascii: "]"))
        return Response(status: .ok, headers: Self.headers(active.policy.identity, type: "application/json"), body: .init(byteBuffer: body))
    }

    /// The byte ranges of the elements of a JSON array, checked by the one tokenizer: 400
    /// `malformed-json` for text that is not JSON or not an array, `json-too-deep` for an element
    /// nested deeper than `maxDepth`.
    static func arrayElements(_ bytes: [UInt8], maxDepth: Int) throws(Problem) -> [Range<Int>] {
        let notArray = Problem(.badRequest, "malformed-json", "Malformed JSON",
                               detail: "a batch sent as application/json is a JSON array of cases: [{...}, {...}]")
        var tooDeep = false
        let result: Result<[Range<Int>]?, JSONSyntaxError> = JSONTokenizer.scan(bytes, maxDepth: maxDepth + 1) { t in
            do throws(JSONSyntaxError) {
                guard try t.next() == .beginArray else { return .success(nil) }
                var ranges: [Range<Int>] = []
                while true {
                    let token = try t.next()
                    if token == .endArray { break }
                    let start = t.tokenStart
                    if token == .beginObject || token == .beginArray { try t.skipContainer() }
                    ranges.append(start..<t.position)
                }
                guard try t.next() == .end else { return .success(nil) }
                return .success(ranges)
            } catch {
                tooDeep = t.failedOnDepth
                return .failure(error)
            }
        }
        switch result {
        case .success(let ranges?): return ranges
        case .success(nil): throw notArray
        case .failure(let error):
            if tooDeep { throw BodyReader.tooDeep(maxDepth) }
            throw Problem(.badRequest, "malformed-json", "Malformed JSON", detail: "the batch is not JSON: \(error.description)")
        }
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

/// The answers of a batch not yet written to the response.
private final class AnswerBuffer: @unchecked Sendable {
    // @unchecked: used by one request's task at a time.
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 << 10) }

    /// The decision log could not record the answers not yet sent: they are dropped (no decision is
    /// reported that is not recorded), an error line says so, and the rest of the batch is not read.
    func logFailed(_ batch: DecisionBatch, reason: String) {
        bytes.removeAll(keepingCapacity: true)
        batch.stop(code: "decision-log-unavailable",
                   message: "the decisions after the last answer sent could not be recorded, so they are not reported, and the rest of the batch was not read: \(reason)")
    }
}

extension DecisionRoutes {
    /// The service's bounds on a batch: its lines as long as a case body may be, its number of lines,
    /// and each line's nesting depth.
    static func batchLimits(_ limits: ServerLimits) -> DecisionBatch.Limits {
        DecisionBatch.Limits(
            maxLineBytes: limits.maxCaseBytes, maxLines: limits.maxBatchLines,
            lineTooLong: { _, limit in
                problem("body-too-large", "the line is longer than \(limit) bytes (\(BodyReader.describe(bytes: limit)))")
            },
            screen: { [depth = limits.maxJSONDepth] line in
                BodyReader.exceedsDepth(line, limit: depth) ? problem("json-too-deep", "arrays and objects may nest at most \(depth) levels") : nil
            })
    }

    /// A batch line's error with one of the service's own codes, in the shape of ``CaseError``'s JSON.
    private static func problem(_ code: String, _ message: String) -> CaseError {
        CaseError(caseID: nil, problems: [CaseError.Problem(readerCode: code, message: message)])
    }
}
