import Foundation

/// A JSON Lines batch of cases answered as one ``DecisionRequest`` each, in input order: the one
/// batch engine of `verdict decide --batch` and the service's `decide-batch`.
///
/// Bytes are fed as they arrive (``feed(_:)-([UInt8])``), in pieces of any size; a ``JSONLinesSplitter`` cuts
/// them into lines under the line cap. Each line is answered by ``PolicyVersions/answer(_:json:)-(_,[UInt8])``
/// (the version in force on its date), and its answer line — the response, or
/// `{"case": ID, "line": N, "error": {...}}` when it cannot be decided — goes to `output` in input
/// order, as soon as every line before it has gone. A bad line costs only its own answer: the batch
/// goes on.
///
/// With `jobs` above 1, lines are answered on that many threads of the batch's own (each with its
/// own deciders, so no reference count is shared between cores), in chunks of
/// ``linesPerChunk``; at most `2 × jobs` chunks are in flight, so memory stays flat however long the
/// batch. `output` is then called from those threads, one call at a time. With `jobs` 1 (and always
/// with `each`), lines are answered on the calling thread, inside ``feed(_:)-([UInt8])``. A batch ends with
/// ``finish()``, which every batch must be given (its threads wait for it).
///
/// ```swift
/// let batch = DecisionBatch(set: set, request: DecisionRequest(now: now), jobs: 4) { bytes in write(bytes) }
/// while let chunk = read() { batch.feed(chunk) }
/// let summary = batch.finish()     // every answer written
/// ```
public final class DecisionBatch: @unchecked Sendable {
    // @unchecked: the mutable state the workers share is guarded by `lock`; the rest is touched only
    // by the thread that feeds the batch.

    /// The bounds of a batch.
    public struct Limits: Sendable {
        /// The longest line answered, in bytes; a longer one gets ``lineTooLong``'s error.
        public var maxLineBytes: Int
        /// The most lines answered: past them, a last error line (`too-many-lines`) and the rest is not read.
        public var maxLines: Int?
        /// The error for a line over ``maxLineBytes``, given its length (at least).
        public var lineTooLong: @Sendable (_ length: Int, _ limit: Int) -> CaseError
        /// A check of each line before it is answered (the service's nesting depth): an error refuses it.
        public var screen: (@Sendable ([UInt8]) -> CaseError?)?

        /// Bounds of a batch: by default lines up to 1 MiB, any number of them, no screen.
        ///
        /// - Parameters:
        ///   - maxLineBytes: The longest line answered, in bytes (default 1,048,576).
        ///   - maxLines: The most lines answered; nil for no limit.
        ///   - lineTooLong: The error for a longer line, given its length (at least) and the limit
        ///     (default: ``CaseError/tooLarge(_:limit:atLeast:)``, a `case-too-large` problem).
        ///   - screen: A check of each line's bytes before it is answered; an error it returns refuses the line.
        public init(maxLineBytes: Int = 1 << 20, maxLines: Int? = nil,
                    lineTooLong: @escaping @Sendable (Int, Int) -> CaseError = { CaseError.tooLarge($0, limit: $1) },
                    screen: (@Sendable ([UInt8]) -> CaseError?)? = nil) {
            self.maxLineBytes = maxLineBytes
            self.maxLines = maxLines
            self.lineTooLong = lineTooLong
            self.screen = screen
        }
    }

    /// One line's answer, as `each` sees it.
    public enum Answer {
        /// Decided: the response, and the line's bytes (the case as given).
        case decided(DecisionResponse, input: [UInt8])
        /// Not decided: why.
        case refused(CaseError)
    }

    /// What a batch did.
    public struct Summary: Sendable {
        /// Lines that were not blank (answered or refused; not those after a stop).
        public var lines = 0
        /// Lines decided.
        public var decided = 0
        /// Lines refused (each with its error line), and the stop's error line when there was one.
        public var refused = 0
    }

    /// Lines per chunk handed to a worker.
    public static let linesPerChunk = 512

    private let set: PolicyVersions
    private let request: DecisionRequest
    private let limits: Limits
    private let each: ((Int, Answer, [UInt8]) -> Void)?
    private let output: ([UInt8]) -> Void
    private var splitter: JSONLinesSplitter
    /// Lines the splitter has handed out.
    private var given = 0
    /// Whether the batch has stopped (a limit, or ``stop(code:message:)``): the rest is not read.
    public private(set) var stopped = false
    private var summary = Summary()

    // The calling thread's own: the chunk being filled (jobs > 1), or the answers not yet given to `output`.
    private var chunk = Chunk()
    private var pending: [UInt8] = []

    // Shared with the workers, under `lock`.
    private let jobs: Int
    private let lock = NSCondition()
    private var queue: [Chunk] = []
    private var closed = false
    private var inFlight = 0
    private var done: [Int: (bytes: [UInt8], decided: Int, refused: Int)] = [:]
    private var nextToWrite = 0
    private var workers: [Thread] = []
    private let finished = DispatchGroup()

    private struct Chunk {
        var index = 0
        var bytes: [UInt8] = []
        /// Per line: its end in `bytes`, its number, and (for a line refused unread) its error.
        var ends: [Int] = []
        var numbers: [Int] = []
        var refusals: [Int: CaseError] = [:]
    }

    /// A batch answering `request` (its why-not questions must be empty: they are asked one case at a
    /// time) for each line, with `jobs` threads; `each` (which makes the batch answer on the calling
    /// thread) sees every answer and its line in order before `output` does — the hook a decision log
    /// records through.
    ///
    /// - Parameters:
    ///   - set: The policy set that decides every line.
    ///   - request: What to answer about each case (format, explanation, language, `now`), without why-not questions.
    ///   - jobs: How many threads answer lines (at least 1); answers still come out in input order.
    ///   - limits: The longest line, the most lines, and the check of each line before it is answered.
    ///   - each: Sees each line's number (from 1), answer and rendered bytes, in order, before `output`; nil for none.
    ///   - output: Receives the rendered answers, one line each, in input order.
    public init(set: PolicyVersions, request: DecisionRequest, jobs: Int = 1, limits: Limits = Limits(),
                each: ((_ line: Int, _ answer: Answer, _ rendered: [UInt8]) -> Void)? = nil,
                output: @escaping ([UInt8]) -> Void) {
        self.set = set
        var request = request
        request.whyNot = []
        request.format = .decision
        self.request = request
        self.limits = limits
        self.each = each
        self.output = output
        self.jobs = each == nil ? max(1, min(jobs, 256)) : 1
        splitter = JSONLinesSplitter(maxLineBytes: limits.maxLineBytes)
        pending.reserveCapacity(64 << 10)
        if self.jobs > 1 { startWorkers() }
    }

    /// Reads the next bytes of the batch; ignored once it has stopped.
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !stopped else { return }
        splitter.feed(bytes) { piece in take(piece) }
        if jobs == 1 { deliver() }
    }

    /// Reads the next bytes of the batch (see ``feed(_:)``).
    public func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Hands what has been read to the workers now (before the caller waits for more input), so
    /// answers keep up with a slow input.
    public func flush() {
        if jobs > 1, !chunk.ends.isEmpty { submitChunk() }
        if jobs == 1 { deliver() }
    }

    /// Stops the batch with a last error line (`{"case": null, "line": N, "error": {...}}` with `code`
    /// and `message`) after the answers already given: the rest is not read. For the reader's own
    /// limits (a batch too large, a body that broke off, a decision log that failed).
    public func stop(code: String, message: String) {
        stop(code: code, message: message, line: splitter.lineNumber + 1)
    }

    private func stop(code: String, message: String, line number: Int) {
        guard !stopped else { return }
        stopped = true
        let error = CaseError(caseID: nil, problems: [CaseError.Problem(readerCode: code, message: message)])
        if jobs > 1 {
            chunk.refusals[chunk.ends.count] = error
            chunk.ends.append(chunk.bytes.count)
            chunk.numbers.append(number)
            submitChunk()
        } else {
            summary.refused += 1
            let line = Self.errorLine(error, line: number)
            each?(number, .refused(error), line)
            pending.append(contentsOf: line)
            deliver()
        }
    }

    /// Ends the batch: answers its last line, waits for every answer to be given to `output`, and
    /// says what was done.
    public func finish() -> Summary {
        if !stopped { splitter.finish { piece in take(piece) } }
        if jobs > 1 {
            if !chunk.ends.isEmpty { submitChunk() }
            closeWorkers()
            lock.lock()
            defer { lock.unlock() }
            return summary
        }
        deliver()
        return summary
    }

    /// The answers so far (lines, decided, refused); complete after ``finish()``.
    public var progress: Summary {
        lock.lock()
        defer { lock.unlock() }
        return summary
    }

    // MARK: - Lines

    private func take(_ piece: JSONLinesSplitter.Piece) {
        guard !stopped else { return }
        // (The splitter is handing out this piece: its own counts are not read until it returns.)
        given += 1
        if let max = limits.maxLines, given > max {
            stop(code: "too-many-lines", message: "a batch may have at most \(max) lines; the rest was not read", line: piece.number)
            return
        }
        if jobs == 1 {
            lock.lock(); summary.lines += 1; lock.unlock()
            switch piece {
            case let .line(number, bytes): answer(bytes, number: number, into: &pending)
            case let .tooLong(number, length): refuse(limits.lineTooLong(length, limits.maxLineBytes), number: number, into: &pending)
            }
            return
        }
        switch piece {
        case let .line(number, bytes):
            chunk.bytes.append(contentsOf: bytes)
            chunk.ends.append(chunk.bytes.count)
            chunk.numbers.append(number)
        case let .tooLong(number, length):
            chunk.refusals[chunk.ends.count] = limits.lineTooLong(length, limits.maxLineBytes)
            chunk.ends.append(chunk.bytes.count)
            chunk.numbers.append(number)
        }
        if chunk.ends.count == Self.linesPerChunk { submitChunk() }
    }

    /// Answers one line into `out`; returns whether it was decided.
    @discardableResult
    private func answer(_ bytes: [UInt8], number: Int, into out: inout [UInt8]) -> Bool {
        if let screen = limits.screen, let error = screen(bytes) {
            refuse(error, number: number, into: &out)
            return false
        }
        let response: DecisionResponse
        do { response = try set.answer(request, json: bytes) } catch {
            refuse(error.caseError, number: number, into: &out)
            return false
        }
        if jobs == 1 { lock.lock(); summary.decided += 1; lock.unlock() }
        if let each {
            var line: [UInt8] = []
            response.appendRendered(to: &line)
            line.append(0x0A)
            each(number, .decided(response, input: bytes), line)
            out.append(contentsOf: line)
        } else {
            response.appendRendered(to: &out)
            out.append(0x0A)
        }
        return true
    }

    private func refuse(_ error: CaseError, number: Int, into out: inout [UInt8]) {
        if jobs == 1 { lock.lock(); summary.refused += 1; lock.unlock() }
        let line = Self.errorLine(error, line: number)
        each?(number, .refused(error), line)
        out.append(contentsOf: line)
    }

    /// `{"case": ID, "line": N, "error": {"message": ..., "problems": [...]}}` and a newline.
    static func errorLine(_ error: CaseError, line: Int) -> [UInt8] {
        var bytes = Array(error.answerJSON(line: line).utf8)
        bytes.append(0x0A)
        return bytes
    }

    private func deliver() {
        guard !pending.isEmpty else { return }
        output(pending)
        pending.removeAll(keepingCapacity: true)
    }

    // MARK: - Workers (jobs > 1)

    private func startWorkers() {
        for _ in 0..<jobs {
            finished.enter()
            let t = Thread { [self] in
                work()
                finished.leave()
            }
            t.stackSize = 8 << 20
            workers.append(t)
            t.start()
        }
    }

    private func closeWorkers() {
        lock.lock()
        let wasClosed = closed
        closed = true
        lock.broadcast()
        lock.unlock()
        if !wasClosed { finished.wait() }
    }

    private func submitChunk() {
        lock.lock()
        while inFlight >= 2 * jobs { lock.wait() }
        inFlight += 1
        summary.lines += chunk.ends.count - (stopped ? 1 : 0)
        queue.append(chunk)
        lock.signal()
        lock.unlock()
        chunk = Chunk(index: chunk.index + 1)
    }

    private func work() {
        var out: [UInt8] = []
        while true {
            lock.lock()
            while queue.isEmpty, !closed { lock.wait() }
            if queue.isEmpty { lock.unlock(); return }
            let chunk = queue.removeFirst()
            lock.unlock()

            out.removeAll(keepingCapacity: true)
            var decided = 0, refused = 0
            var start = 0
            for (k, end) in chunk.ends.enumerated() {
                defer { start = end }
                if let error = chunk.refusals[k] {
                    refused += 1
                    out.append(contentsOf: Self.errorLine(error, line: chunk.numbers[k]))
                    continue
                }
                if answer(Array(chunk.bytes[start..<end]), number: chunk.numbers[k], into: &out) { decided += 1 } else { refused += 1 }
            }
            complete(chunk.index, out, decided: decided, refused: refused)
        }
    }

    /// Records a chunk's answers and gives `output` every chunk that is now next in order.
    private func complete(_ index: Int, _ bytes: [UInt8], decided: Int, refused: Int) {
        lock.lock()
        defer { lock.unlock() }
        done[index] = (bytes, decided, refused)
        while let ready = done.removeValue(forKey: nextToWrite) {
            summary.decided += ready.decided
            summary.refused += ready.refused
            if !ready.bytes.isEmpty { output(ready.bytes) }
            nextToWrite += 1
            inFlight -= 1
            lock.broadcast()
        }
    }
}

extension CaseError {
    /// The answer of a case that cannot be decided, as one line of JSON:
    /// `{"case": ID, "line": N, "error": {"message": ..., "problems": [...]}}` (`line` when the case is
    /// a line of a batch; `case` is null when the id could not be read).
    public func answerJSON(line: Int? = nil) -> String {
        var w = JSONWriter()
        w.object { w in
            w.key("case")
            if let id = caseID { w.string(id) } else { w.null() }
            if let line { w.field("line", line) }
            w.key("error")
            write(to: &w)
        }
        return w.output
    }
}
