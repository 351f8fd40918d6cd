import Foundation

/// A `multipart/form-data` body (RFC 7578) as the browser sends a form with a file input: its parts in
/// order, each with its field name, its file name when it is a file, and its bytes. The body is
/// already bounded by the console's form limit; a body that is not well formed is nil, never a crash.
struct MultipartForm {
    struct Part {
        var name: String
        var fileName: String?
        var bytes: [UInt8]
    }

    var parts: [Part]

    /// The first value of the text field `name`.
    func value(_ name: String) -> String? {
        parts.first { $0.name == name && $0.fileName == nil }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    /// The first file part named `name`.
    func file(_ name: String) -> Part? { parts.first { $0.name == name && $0.fileName != nil } }

    /// The `boundary` parameter of a `multipart/form-data` Content-Type (quoted or not); nil otherwise.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for p in pieces.dropFirst() {
            let kv = p.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var b = kv[1].trimmingCharacters(in: .whitespaces)
            if b.hasPrefix("\""), b.hasSuffix("\""), b.count >= 2 { b = String(b.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            return (1...70).contains(b.utf8.count) ? b : nil
        }
        return nil
    }

    /// The parts of `body` delimited by `boundary`; nil when it is not a multipart body, or holds more than `maxParts`.
    static func parse(_ body: [UInt8], boundary: String, maxParts: Int = 64) -> MultipartForm? {
        let delimiter = Array(("--" + boundary).utf8)
        let next = Array(("\r\n--" + boundary).utf8)
        guard var at = find(delimiter, in: body, from: 0) else { return nil }
        at += delimiter.count
        var parts: [Part] = []
        while true {
            // `--` after a delimiter closes the body.
            if body.count >= at + 2, body[at] == UInt8(ascii: "-"), body[at + 1] == UInt8(ascii: "-") { break }
            guard body.count >= at + 2, body[at] == 0x0D, body[at + 1] == 0x0A else { return nil }
            at += 2
            guard let headerEnd = find(Array("\r\n\r\n".utf8), in: body, from: at) else { return nil }
            let headers = String(decoding: body[at..<headerEnd], as: UTF8.self)
            let start = headerEnd + 4
            guard let end = find(next, in: body, from: start) else { return nil }
            var name: String?, fileName: String?
            for line in headers.components(separatedBy: "\r\n") {
                let kv = line.split(separator: ":", maxSplits: 1)
                guard kv.count == 2, kv[0].trimmingCharacters(in: .whitespaces).lowercased() == "content-disposition" else { continue }
                name = parameter("name", in: String(kv[1]))
                fileName = parameter("filename", in: String(kv[1]))
            }
            guard let name else { return nil }
            parts.append(Part(name: name, fileName: fileName, bytes: Array(body[start..<end])))
            guard parts.count <= maxParts else { return nil }
            at = end + next.count
        }
        return MultipartForm(parts: parts)
    }

    /// A `key="value"` parameter of a Content-Disposition header (`name`, not `filename` for `name`).
    static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].lowercased() == key else { continue }
            var v = String(kv[1])
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count, haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
