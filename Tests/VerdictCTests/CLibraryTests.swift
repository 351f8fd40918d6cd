import Foundation
import Testing
@testable import VerdictC

/// The C library's functions called as a C caller calls them: pointers, numeric handles, buffers the
/// caller frees. (The C, Python, Java and Go tests in bindings/ call the built `libverdict.so`.)
@Suite struct CLibraryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let quality = root + "/policies/quality-complaints"
    static let amended = root + "/policies/examples/quality-complaints-amended"
    static let henan = try! String(contentsOfFile: quality + "/examples/henan-tier3.json", encoding: .utf8)

    /// Calls `body` with somewhere to put a buffer, and returns the status and the buffer's text (freed).
    static func call(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<UInt>) -> Int32) -> (Int32, String) {
        var out: UnsafeMutablePointer<CChar>?
        var length: UInt = 0
        let status = body(&out, &length)
        defer { verdict_free(out) }
        guard let out else { return (status, "") }
        #expect(strlen(out) == Int(length))
        return (status, String(cString: out))
    }

    static func load(_ path: String) -> (Int32, UInt64, String) {
        var handle: UInt64 = 99
        let (status, text) = call { verdict_policy_load(path, &handle, $0, $1) }
        return (status, handle, text)
    }

    static func decide(_ handle: UInt64, _ json: String, _ options: String? = nil) -> (Int32, String) {
        var bytes = Array(json.utf8)
        return bytes.withUnsafeMutableBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { p in
                if let options { return call { verdict_decide(handle, p, UInt(b.count), options, $0, $1) } }
                return call { verdict_decide(handle, p, UInt(b.count), nil, $0, $1) }
            }
        }
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func versions() {
        #expect(verdict_abi_version() == 1)
        #expect(String(cString: verdict_version()).split(separator: ".").count == 3)
    }

    @Test func loadDecideFree() throws {
        let (status, handle, diagnostics) = Self.load(Self.quality)
        #expect(status == 0)
        #expect(handle != 0)
        #expect(try Self.object(diagnostics)["errors"] as? Int == 0)
        let (s, answer) = Self.decide(handle, Self.henan)
        #expect(s == 0)
        let outputs = try #require(try Self.object(answer)["outputs"] as? [String: Any])
        #expect(outputs["tier"] as? Int == 3)
        #expect(verdict_policy_free(handle) == 0)
        #expect(verdict_policy_free(handle) == 4)
        let (again, error) = Self.decide(handle, Self.henan)
        #expect(again == 4)
        #expect(try Self.object(error)["error"] as? String == "invalid-handle")
    }

    @Test func explainInChineseAndWhyNot() throws {
        let (_, handle, _) = Self.load(Self.quality)
        defer { _ = verdict_policy_free(handle) }
        let (s, text) = Self.decide(handle, Self.henan, #"{"format": "text", "lang": "zh"}"#)
        #expect(s == 0)
        #expect(text.contains("规则"))
        let (s2, json) = Self.decide(handle, Self.henan, #"{"explain": true, "why_not": ["tier=1"]}"#)
        #expect(s2 == 0)
        let answer = try Self.object(json)
        #expect(answer["explanation"] != nil)
        #expect((answer["why_not"] as? [Any])?.count == 1)
    }

    @Test func refusals() throws {
        let (_, handle, _) = Self.load(Self.quality)
        defer { _ = verdict_policy_free(handle) }
        let (s, json) = Self.decide(handle, "[1, 2]")
        #expect(s == 2)
        let error = try Self.object(json)
        #expect(error["error"] as? String == "case-refused")
        #expect((error["policy"] as? [String: Any])?["name"] as? String == "quality-complaints")
        #expect(((error["problems"] as? [[String: Any]])?.first?["code"] as? String) != nil)
        // Invalid UTF-8 in the case is a refusal, not a crash.
        var bad: [CChar] = [0x7B, 0x22, CChar(bitPattern: 0xFF), 0x22, 0x3A, 0x31, 0x7D]
        let (s3, _) = Self.call { verdict_decide(handle, &bad, UInt(bad.count), nil, $0, $1) }
        #expect(s3 == 2)
        let (s4, options) = Self.decide(handle, Self.henan, #"{"explain": "maybe"}"#)
        #expect(s4 == 3)
        #expect(try Self.object(options)["option"] as? String == "explain")
        let (s5, unknown) = Self.decide(handle, Self.henan, #"{"langauge": "zh"}"#)
        #expect(s5 == 3)
        #expect(unknown.contains("unknown parameter"))
        let (s6, question) = Self.decide(handle, Self.henan, #"{"why_not": ["nonsense=="]}"#)
        #expect(s6 == 3)
        #expect(try Self.object(question)["option"] as? String == "why_not")
        let (s7, _) = Self.call { verdict_decide(handle, nil, 5, nil, $0, $1) }
        #expect(s7 == 5)
    }

    @Test func brokenPolicyGivesLocatedDiagnostics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-c-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "policy:\n  name: broken\n  version: \"1\"\n  effective: 2026-01-01\nfields:\n  cost: {type: mony}\n"
            .write(to: folder.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
        let (status, handle, json) = Self.load(folder.path)
        #expect(status == 1)
        #expect(handle == 0)
        let error = try Self.object(json)
        #expect(error["error"] as? String == "policy-invalid")
        let first = try #require((error["diagnostics"] as? [[String: Any]])?.first)
        #expect((first["file"] as? String)?.hasSuffix("policy.yaml") == true)
        #expect(first["line"] as? Int != nil)
        #expect((error["text"] as? String)?.contains("policy.yaml:") == true)
        let (missing, _, text) = Self.load("/nonexistent/verdict")
        #expect(missing == 1)
        #expect(text.contains("is not a folder"))
        var h: UInt64 = 0
        #expect(verdict_policy_load(nil, &h, nil, nil) == 5)
    }

    @Test func versionsAndSchema() throws {
        let (status, handle, _) = Self.load(Self.amended)
        #expect(status == 0)
        defer { _ = verdict_policy_free(handle) }
        let (_, infoText) = Self.call { verdict_policy_info(handle, $0, $1) }
        let info = try Self.object(infoText)
        let versions = try #require(info["versions"] as? [[String: Any]])
        #expect(versions.count >= 2)
        #expect(versions.allSatisfy { ($0["digest"] as? String)?.hasPrefix("sha256:") == true })
        let (s, schema) = Self.call { verdict_case_schema(handle, nil, $0, $1) }
        #expect(s == 0)
        #expect(try Self.object(schema)["properties"] != nil)
        let (s2, wrong) = Self.call { verdict_case_schema(handle, "0.0.0-none", $0, $1) }
        #expect(s2 == 3)
        #expect(wrong.contains("is not a version"))
    }

    /// One handle, many threads, answers identical to one thread's; a handle freed while others
    /// decide with it is refused to later calls, never read after it is gone.
    @Test func manyThreads() throws {
        let (_, handle, _) = Self.load(Self.quality)
        let (_, expected) = Self.decide(handle, Self.henan, #"{"explain": "compact"}"#)
        let differing = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<200 {
                let (_, answer) = Self.decide(handle, Self.henan, #"{"explain": "compact"}"#)
                if answer != expected { differing.withLock { $0 += 1 } }
            }
        }
        #expect(differing.withLock { $0 } == 0)
        let before = verdict_live_handles()
        #expect(verdict_policy_free(handle) == 0)
        #expect(verdict_live_handles() == before - 1)
    }
}

import Synchronization
