import Foundation
import Logging
import Synchronization
import Verdict

/// Where log lines go: standard error by default, or a closure (tests capture lines).
public struct LogSink: Sendable {
    let write: @Sendable (String) -> Void

    public init(_ write: @escaping @Sendable (String) -> Void) { self.write = write }

    public static let standardError = LogSink { line in
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// One line per event, as text or as a JSON object (`--log-format json`):
///
/// ```
/// 2026-12-01T21:00:00.123Z info verdict: POST /v1/policies/quality-complaints/decide 200 method=POST ms=0.210 ...
/// {"time":"2026-12-01T21:00:00.123Z","level":"info","label":"verdict","message":"...","method":"POST",...}
/// ```
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
        if let extra = event.metadata { all.merge(extra) { $1 } }
        let time = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        switch format {
        case .text:
            // A request path or case id holding ESC or CR LF must not forge or hide a log line.
            var line = "\(time) \(event.level) \(label): \(TextEscaping.escaped(event.message.description))"
            for (k, v) in all.sorted(by: { $0.key < $1.key }) { line += " \(TextEscaping.escaped(k))=\(TextEscaping.escaped(Self.text(v)))" }
            sink.write(line + "\n")
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
            sink.write(w.output + "\n")
        }
    }

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
