#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging
import Synchronization
import Verdict

/// Where log lines go: standard error through a ``LogBuffer`` by default, or a closure called with each
/// line (tests capture lines).
public struct LogSink: Sendable {
    enum Target: Sendable {
        case lines(@Sendable (String) -> Void)
        case buffer(LogBuffer)
    }

    let target: Target

    /// Calls `write` with each line, its line feed included, on the logging thread.
    public init(_ write: @escaping @Sendable (String) -> Void) { target = .lines(write) }

    /// Appends lines to `buffer`, which writes them in batches.
    public init(buffer: LogBuffer) { target = .buffer(buffer) }

    /// Standard error, written in batches (``LogBuffer/standardError``).
    public static var standardError: LogSink { LogSink(buffer: .standardError) }

    /// Writes one line (its bytes end with a line feed); `urgent` lines are written at once.
    func write(_ line: [UInt8], urgent: Bool) {
        switch target {
        case .buffer(let buffer): buffer.append(line, urgent: urgent)
        case .lines(let write): write(String(decoding: line, as: UTF8.self))
        }
    }
}

/// One line per event, as text or as a JSON object (`--log-format json`):
///
/// ```
/// 2026-12-01T21:00:00.123Z info verdict: POST /v1/policies/quality-complaints/decide 200 method=POST ms=0.210 ...
/// {"time":"2026-12-01T21:00:00.123Z","level":"info","label":"verdict","message":"...","method":"POST",...}
/// ```
///
/// The line of each request (``logRequest(method:path:status:nanoseconds:requestID:policyDigest:)``) is
/// formatted straight into bytes, without swift-log's message and metadata values, and lines go to a
/// ``LogBuffer`` that writes them in batches: the default request log costs what a web server's access
/// log costs (docs/operating.md).
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let format: LogFormat
    let sink: LogSink

    public init(label: String, format: LogFormat, level: Logger.Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        Self.appendTime(Self.now(), to: &line)
        let time = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        switch format {
        case .text:
            // A request path or case id holding ESC or CR LF must not forge or hide a log line.
            line.append(contentsOf: "\(time) \(event.level) \(label): \(TextEscaping.escaped(event.message.description))".utf8)
            for (k, v) in all.sorted(by: { $0.key < $1.key }) {
                line.append(contentsOf: " \(TextEscaping.escaped(k))=\(TextEscaping.escaped(Self.text(v)))".utf8)
            }
            line.append(0x0A)
        case .json:
            var w = JSONWriter()
            w.object { w in
                w.field("time", time)
                w.field("level", event.level.rawValue)
                w.field("label", label)
                w.field("message", event.message.description)
                for (k, v) in all.sorted(by: { $0.key < $1.key }) where !["time", "level", "label", "message"].contains(k) {
                    w.key(k)
                    Self.json(v, &w)
                }
            }
            w.append(to: &line)
            line.append(0x0A)
        }
        sink.write(line, urgent: event.level > .info)
    }

    // MARK: - The request line

    /// Logs one answered request at `info` — the same line ``log(event:)`` writes for the message
    /// `METHOD PATH STATUS` with the metadata `method`, `path`, `status`, `ms`, `request_id` and
    /// `policy_digest` (when the answer names one) — formatted straight into bytes: no swift-log
    /// message or metadata values, no per-field strings, one array per line. Takes the general path
    /// when the handler carries metadata of its own.
    public func logRequest(method: String, path: String, status: Int, nanoseconds: Int64, requestID: String, policyDigest: String?) {
        guard logLevel <= .info else { return }
        guard metadata.isEmpty, metadataProvider == nil else {
            var metadata = Self.requestMetadata(method: method, path: path, status: status, nanoseconds: nanoseconds, requestID: requestID)
            if let policyDigest { metadata["policy_digest"] = .string(policyDigest) }
            log(event: LogEvent(level: .info, message: "\(method) \(path) \(status)", metadata: metadata,
                                source: "VerdictServer", file: #fileID, function: #function, line: #line))
            return
        }
        var line: [UInt8] = []
        line.reserveCapacity(192 + path.utf8.count)
        switch format {
        case .text:
            // The fields in the order the general path sorts its metadata keys.
            Self.appendTime(Self.now(), to: &line)
            line.append(contentsOf: " info ".utf8)
            line.append(contentsOf: label.utf8)
            line.append(contentsOf: ": ".utf8)
            Self.appendEscaped("\(method) \(path) \(status)", quotingSpaces: false, to: &line)
            line.append(contentsOf: " method=".utf8)
            Self.appendEscaped(method, quotingSpaces: true, to: &line)
            line.append(contentsOf: " ms=".utf8)
            Self.appendMilliseconds(nanoseconds, to: &line)
            line.append(contentsOf: " path=".utf8)
            Self.appendEscaped(path, quotingSpaces: true, to: &line)
            if let policyDigest {
                line.append(contentsOf: " policy_digest=".utf8)
                Self.appendEscaped(policyDigest, quotingSpaces: true, to: &line)
            }
            line.append(contentsOf: " request_id=".utf8)
            Self.appendEscaped(requestID, quotingSpaces: true, to: &line)
            line.append(contentsOf: " status=".utf8)
            Self.appendInteger(status, to: &line)
        case .json:
            var time: [UInt8] = []
            time.reserveCapacity(24)
            Self.appendTime(Self.now(), to: &time)
            var w = JSONWriter(capacity: 256 + path.utf8.count)
            w.object { w in
                w.field("time", String(decoding: time, as: UTF8.self))
                w.field("level", "info")
                w.field("label", label)
                w.field("message", "\(method) \(path) \(status)")
                w.field("method", method)
                var ms: [UInt8] = []
                Self.appendMilliseconds(nanoseconds, to: &ms)
                w.field("ms", String(decoding: ms, as: UTF8.self))
                w.field("path", path)
                if let policyDigest { w.field("policy_digest", policyDigest) }
                w.field("request_id", requestID)
                w.field("status", status)
            }
            w.append(to: &line)
        }
        line.append(0x0A)
        sink.write(line, urgent: false)
    }

    /// The request line's metadata, as the general path logs it.
    static func requestMetadata(method: String, path: String, status: Int, nanoseconds: Int64, requestID: String) -> Logger.Metadata {
        var ms: [UInt8] = []
        appendMilliseconds(nanoseconds, to: &ms)
        return [
            "method": .string(method), "path": .string(path), "status": .stringConvertible(status),
            "ms": .string(String(decoding: ms, as: UTF8.self)), "request_id": .string(requestID),
        ]
    }

    // MARK: - Formatting without Foundation's formatters

    /// The current time, in seconds and nanoseconds since 1970 (UTC).
    static func now() -> (seconds: Int, nanoseconds: Int) {
        var t = timespec()
        clock_gettime(CLOCK_REALTIME, &t)
        return (Int(t.tv_sec), Int(t.tv_nsec))
    }

    /// `2026-12-01T21:00:00.123Z`: ISO 8601 in UTC with milliseconds (what `Date.ISO8601FormatStyle`
    /// with fractional seconds writes), by arithmetic — no formatter, no time-zone lock.
    static func appendTime(_ time: (seconds: Int, nanoseconds: Int), to line: inout [UInt8]) {
        let days = time.seconds >= 0 ? time.seconds / 86_400 : (time.seconds - 86_399) / 86_400
        let second = time.seconds - days * 86_400
        let date = CivilDate(daysSinceEpoch: days)
        appendDigits(date.year, 4, to: &line)
        line.append(UInt8(ascii: "-"))
        appendDigits(date.month, 2, to: &line)
        line.append(UInt8(ascii: "-"))
        appendDigits(date.day, 2, to: &line)
        line.append(UInt8(ascii: "T"))
        appendDigits(second / 3600, 2, to: &line)
        line.append(UInt8(ascii: ":"))
        appendDigits(second / 60 % 60, 2, to: &line)
        line.append(UInt8(ascii: ":"))
        appendDigits(second % 60, 2, to: &line)
        line.append(UInt8(ascii: "."))
        appendDigits(time.nanoseconds / 1_000_000, 3, to: &line)
        line.append(UInt8(ascii: "Z"))
    }

    /// `0.210`: milliseconds with three decimals, rounded half up from nanoseconds.
    static func appendMilliseconds(_ nanoseconds: Int64, to line: inout [UInt8]) {
        let micros = (max(nanoseconds, 0) + 500) / 1000
        appendInteger(Int(micros / 1000), to: &line)
        line.append(UInt8(ascii: "."))
        appendDigits(Int(micros % 1000), 3, to: &line)
    }

    static func appendDigits(_ value: Int, _ width: Int, to line: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        if v >= divisor * 10 { appendInteger(v / (divisor * 10), to: &line); v %= divisor * 10 }
        while divisor > 0 {
            line.append(UInt8(ascii: "0") + UInt8(v / divisor % 10))
            divisor /= 10
        }
    }

    static func appendInteger(_ value: Int, to line: inout [UInt8]) {
        if value < 0 { line.append(UInt8(ascii: "-")) }
        var v = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { line.append(d[i]) }
        }
    }

    /// A text-format value as ``text(_:)`` and `TextEscaping` write it: printable ASCII is copied
    /// (quoted when it holds a space and `quotingSpaces`); anything else takes the general path.
    static func appendEscaped(_ value: String, quotingSpaces: Bool, to line: inout [UInt8]) {
        var plain = true, space = false
        for b in value.utf8 {
            if b < 0x20 || b >= 0x7F { plain = false; break }
            if b == 0x20 { space = true }
        }
        guard plain else {
            let shown = quotingSpaces ? text(.string(value)) : value
            line.append(contentsOf: TextEscaping.escaped(shown).utf8)
            return
        }
        if quotingSpaces && space {
            line.append(UInt8(ascii: "\""))
            line.append(contentsOf: value.utf8)
            line.append(UInt8(ascii: "\""))
        } else {
            line.append(contentsOf: value.utf8)
        }
    }

    // MARK: - Metadata values

    static func text(_ v: Logger.Metadata.Value) -> String {
        switch v {
        case .string(let s): return s.contains(" ") ? "\"\(s)\"" : s
        case .stringConvertible(let s): return s.description
        case .array(let items): return "[" + items.map(text).joined(separator: ", ") + "]"
        case .dictionary(let d): return "{" + d.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    static func json(_ v: Logger.Metadata.Value, _ w: inout JSONWriter) {
        switch v {
        case .string(let s): w.string(s)
        case .stringConvertible(let s):
            if let i = s as? Int { w.number(i) } else if let b = s as? Bool { w.bool(b) } else { w.string(s.description) }
        case .array(let items): w.array { w in for item in items { json(item, &w) } }
        case .dictionary(let d): w.object { w in for (k, item) in d.sorted(by: { $0.key < $1.key }) { w.key(k); json(item, &w) } }
        }
    }
}
