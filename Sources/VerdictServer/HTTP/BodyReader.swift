import Hummingbird
import NIOCore

/// Reading request bodies within the server's limits.
enum BodyReader {
    /// The whole body, at most `limit` bytes, waiting at most `timeout`: 413 when larger, 408 when slower.
    static func collect(_ request: Request, limit: Int, timeout: Swift.Duration) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw tooLarge(limit, what: "a case")
        }
        let body = request.body
        let buffer: ByteBuffer? = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    return try await body.collect(upTo: limit)
                } catch is NIOTooManyBytesError {
                    throw tooLarge(limit, what: "a case")
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next()!
            group.cancelAll()
            return first
        }
        guard let buffer else { throw timedOut(timeout) }
        return Array(buffer.readableBytesView)
    }

    static func tooLarge(_ limit: Int, what: String) -> Problem {
        Problem(.contentTooLarge, "body-too-large", "Request body too large",
                detail: "\(what) may be at most \(limit) bytes (\(describe(bytes: limit)))")
    }

    static func timedOut(_ timeout: Swift.Duration) -> Problem {
        Problem(.requestTimeout, "request-timeout", "Request timed out",
                detail: "the request body did not arrive within \(timeout.components.seconds) s")
            .with(header: .connection, "close")
    }

    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }

    /// The deepest nesting of arrays and objects in JSON text, stopping once past `limit`.
    /// Brackets inside strings do not count. Syntax errors are left to the case decoder.
    static func exceedsDepth(_ bytes: some Collection<UInt8>, limit: Int) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            switch b {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > limit { return true }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
        return false
    }

    static func tooDeep(_ limit: Int) -> Problem {
        Problem(.badRequest, "json-too-deep", "JSON nested too deeply",
                detail: "arrays and objects may nest at most \(limit) levels")
    }
}
