import Hummingbird
import NIOCore
import Verdict

/// Reading request bodies within the server's limits.
enum BodyReader {
    /// The whole body, at most `limit` bytes, all of it within `timeout`: 413 when larger, 408 when slower.
    ///
    /// A case usually arrives with its headers: the first part read holds the whole body, and no timer
    /// is set. A body still incomplete after its first part is read on against one deadline for the
    /// whole body, however its parts are spaced (a body trickled a byte at a time ends with 408 at the
    /// deadline, not after its last byte); a client that sends headers and then nothing is disconnected
    /// by the connection's idle timeout.
    static func collect(_ request: Request, limit: Int, timeout: Swift.Duration, what: String = "a case") async throws -> [UInt8] {
        let length = request.headers[.contentLength].flatMap { Int($0) }
        if let length, length > limit { throw tooLarge(limit, what: what) }
        let deadline = ContinuousClock.now + timeout
        var iterator = request.body.makeAsyncIterator()
        guard let first = try await iterator.next() else { return [] }
        var bytes = Array(first.readableBytesView)
        if bytes.count > limit { throw tooLarge(limit, what: what) }
        if let length, bytes.count >= length { return bytes }
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw timedOut(timeout) }
            guard let part = try await DecisionRoutes.next(&iterator, timeout: left, reporting: timeout) else { break }
            bytes.append(contentsOf: part.readableBytesView)
            if bytes.count > limit { throw tooLarge(limit, what: what) }
        }
        return bytes
    }

    static func tooLarge(_ limit: Int, what: String) -> Problem {
        Problem(.contentTooLarge, "body-too-large", "Request body too large",
                detail: "\(what) may be at most \(limit) bytes (\(describe(bytes: limit)))")
    }

    static func timedOut(_ timeout: Swift.Duration) -> Problem {
        // 408 with `Connection: close`: the rest of a slow body is never read.
        Problem(.requestTimeout, "request-timeout", "Request timed out",
                detail: "the request body did not arrive within \(timeout.components.seconds) s")
            .with(header: .connection, "close")
    }

    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// Whether JSON text nests arrays and objects deeper than `limit` (at most
    /// ``JSONTokenizer/depthCapacity``: deeper text is always too deep). The text is read by
    /// ``JSONTokenizer`` up to its first syntax error, which is left to the case decoder (it reports
    /// it where it is); brackets inside strings do not count.
    static func exceedsDepth(_ bytes: some Collection<UInt8>, limit: Int) -> Bool {
        func exceeds(_ p: UnsafeBufferPointer<UInt8>) -> Bool {
            var t = JSONTokenizer(p, maxDepth: limit)
            do {
                while try t.next() != .end {}
                return false
            } catch {
                return t.failedOnDepth
            }
        }
        if let answer = bytes.withContiguousStorageIfAvailable(exceeds) { return answer }
        return Array(bytes).withUnsafeBufferPointer(exceeds)
    }

    static func tooDeep(_ limit: Int) -> Problem {
        Problem(.badRequest, "json-too-deep", "JSON nested too deeply",
                detail: "arrays and objects may nest at most \(limit) levels")
    }
}
