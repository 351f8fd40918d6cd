#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Verdict

// The C library (`libverdict.so`): the functions include/verdict.h declares, each a thin adapter
// over the Swift library — `PolicyVersions.load`/`check` to load a set, `PolicyVersions.answer` (the
// one decision entry point) to decide, explain and answer why-not questions. No Swift type crosses:
// handles are numbers (see `PolicyHandles`), everything else is UTF-8 JSON in buffers the caller frees
// with `verdict_free`. Every function may be called from any thread.

/// The ABI's version: bumped when a function's signature or meaning changes incompatibly.
let abiVersion: UInt32 = 1

/// `verdict_version()`'s text: allocated once, never freed, so callers may keep the pointer.
nonisolated(unsafe) private let versionText: UnsafeMutablePointer<CChar> = strdup(VerdictVersion.current)!

@_cdecl("verdict_abi_version")
public func verdict_abi_version() -> UInt32 { abiVersion }

@_cdecl("verdict_version")
public func verdict_version() -> UnsafePointer<CChar> { UnsafePointer(versionText) }

@_cdecl("verdict_free")
public func verdict_free(_ buffer: UnsafeMutablePointer<CChar>?) {
    free(buffer)
}

@_cdecl("verdict_policy_load")
public func verdict_policy_load(_ directory: UnsafePointer<CChar>?, _ handle: UnsafeMutablePointer<UInt64>?,
                                _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    handle?.pointee = 0
    return VerdictABI.load(directory, handle).deliver(out, length)
}

@_cdecl("verdict_policy_free")
public func verdict_policy_free(_ handle: UInt64) -> Int32 {
    PolicyHandles.shared.remove(handle) ? ABIStatus.ok.rawValue : ABIStatus.handle.rawValue
}

@_cdecl("verdict_policy_info")
public func verdict_policy_info(_ handle: UInt64, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    VerdictABI.withSet(handle) { VerdictABI.info($0) }.deliver(out, length)
}

@_cdecl("verdict_case_schema")
public func verdict_case_schema(_ handle: UInt64, _ version: UnsafePointer<CChar>?,
                                _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    VerdictABI.withSet(handle) { VerdictABI.schema($0, version) }.deliver(out, length)
}

@_cdecl("verdict_decide")
public func verdict_decide(_ handle: UInt64, _ caseJSON: UnsafePointer<CChar>?, _ caseLength: UInt,
                           _ options: UnsafePointer<CChar>?,
                           _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    guard let set = PolicyHandles.shared.set(handle) else { return VerdictABI.unknownHandle(handle).deliver(out, length) }
    // The answer is copied once, from the library's writer into the buffer handed over.
    var status = ABIStatus.ok.rawValue
    if let refusal = VerdictABI.decide(set, caseJSON, caseLength, options, answered: { bytes in
        status = ABIAnswer.deliver(bytes, status: .ok, out, length)
    }) {
        return refusal.deliver(out, length)
    }
    return status
}

@_cdecl("verdict_decide_into")
public func verdict_decide_into(_ handle: UInt64, _ caseJSON: UnsafePointer<CChar>?, _ caseLength: UInt,
                                _ options: UnsafePointer<CChar>?, _ buffer: UnsafeMutablePointer<CChar>?,
                                _ capacity: UInt, _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
    guard let length else { return ABIStatus.argument.rawValue }
    guard buffer != nil || capacity == 0 else {
        length.pointee = 0
        return ABIStatus.argument.rawValue
    }
    guard let set = PolicyHandles.shared.set(handle) else {
        return VerdictABI.unknownHandle(handle).deliver(into: buffer, capacity: capacity, length)
    }
    // Copied once, from the library's writer into the caller's buffer: no allocation of its own.
    var status = ABIStatus.ok.rawValue
    if let refusal = VerdictABI.decide(set, caseJSON, caseLength, options, answered: { bytes in
        status = ABIAnswer.copy(bytes, status: .ok, into: buffer, capacity: capacity, length)
    }) {
        return refusal.deliver(into: buffer, capacity: capacity, length)
    }
    return status
}

@_cdecl("verdict_bench_answer")
public func verdict_bench_answer(_ handle: UInt64, _ caseJSON: UnsafePointer<CChar>?, _ caseLength: UInt,
                                 _ options: UnsafePointer<CChar>?, _ iterations: UInt64,
                                 _ nanoseconds: UnsafeMutablePointer<UInt64>?) -> Int32 {
    nanoseconds?.pointee = 0
    return VerdictABI.withSet(handle) { VerdictABI.bench($0, caseJSON, caseLength, options, iterations, nanoseconds) }.deliver(nil, nil)
}

@_cdecl("verdict_live_handles")
public func verdict_live_handles() -> UInt64 { UInt64(PolicyHandles.shared.count) }

/// The work behind the exported functions, in Swift types.
enum VerdictABI {
    /// The longest case the library reads in one call (the service's default cap is far lower).
    static let maxCaseBytes: UInt = 1 << 30

    static func load(_ directory: UnsafePointer<CChar>?, _ handle: UnsafeMutablePointer<UInt64>?) -> ABIAnswer {
        guard let handle else { return .error(.argument, "the handle pointer is NULL") }
        guard let directory else { return .error(.argument, "the directory is NULL") }
        guard let path = String(validatingCString: directory) else { return .error(.argument, "the directory is not UTF-8") }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            let missing = Diagnostic.error(.noPolicyFolder, "`\(TextEscaping.escaped(path))` is not a folder", at: nil,
                                           help: "give the folder that holds the policy's YAML files")
            return .error(.policy, missing.message) { w in
                DiagnosticRenderer.writeMembers([missing], into: &w)
                w.field("text", DiagnosticRenderer(files: []).text([missing]))
            }
        }
        let result = PolicyVersions.check(directory: path)
        guard let versions = result.versions else {
            let (errors, _) = DiagnosticRenderer.counts(result.diagnostics)
            let text = DiagnosticRenderer(files: result.sources).text(result.diagnostics)
            return .error(.policy, "the policy set in `\(path)` does not load: \(errors) error\(errors == 1 ? "" : "s")") { w in
                DiagnosticRenderer.writeMembers(result.diagnostics, into: &w)
                w.field("text", text)
            }
        }
        handle.pointee = PolicyHandles.shared.add(versions)
        var w = JSONWriter()
        w.object { w in DiagnosticRenderer.writeMembers(result.diagnostics, into: &w) }
        return .ok(w.bytes)
    }

    static func withSet(_ handle: UInt64, _ body: (PolicyVersions) -> ABIAnswer) -> ABIAnswer {
        guard let set = PolicyHandles.shared.set(handle) else { return unknownHandle(handle) }
        return body(set)
    }

    /// The answer to a handle that is not live.
    static func unknownHandle(_ handle: UInt64) -> ABIAnswer {
        .error(.handle, handle == 0 ? "the handle is 0: no policy set was loaded into it"
                                    : "no policy set has the handle \(handle): it was freed, or never given")
    }

    static func info(_ set: PolicyVersions) -> ABIAnswer {
        var w = JSONWriter()
        let now = set.inForceNow
        w.object { w in
            w.field("name", set.name)
            if let by = set.effectiveBy { w.field("effective_by", by) }
            w.field("in_force", now.identity.version)
            w.key("versions")
            w.array { w in
                for (i, v) in set.versions.enumerated() {
                    v.identity.write(to: &w)
                    w.reopenObject()
                    if i < set.folders.count { w.field("folder", set.folders[i]) }
                    w.key("fields")
                    w.array { w in for f in v.fieldNames { w.string(f) } }
                    w.key("outputs")
                    w.array { w in for o in v.outputNames { w.string(o) } }
                    w.closeObject()
                }
            }
            w.field("verdict", VerdictVersion.current)
            w.field("abi", Int(abiVersion))
        }
        return .ok(w.bytes)
    }

    static func schema(_ set: PolicyVersions, _ version: UnsafePointer<CChar>?) -> ABIAnswer {
        var policy = set.inForceNow
        if let version {
            guard let name = String(validatingCString: version) else { return .error(.argument, "the version is not UTF-8") }
            guard let v = set.versions.first(where: { $0.identity.version == name }) else {
                return .error(.request, "`\(TextEscaping.escaped(name))` is not a version of `\(set.name)`: its versions are \(set.versions.map(\.identity.version).joined(separator: ", "))") { w in
                    w.field("option", "version")
                }
            }
            policy = v
        }
        return .ok(Array(CaseSchema.json(for: policy).utf8))
    }

    /// `verdict_decide`'s and `verdict_decide_into`'s work: the case decided through the library's one
    /// entry point (``PolicyVersions/answer(_:json:rendered:)``, the caller's bytes read in place) and
    /// the rendered answer handed to `answered`; or, when the call or the case is refused, the error
    /// answer (and `answered` is not called).
    static func decide(_ set: PolicyVersions, _ caseJSON: UnsafePointer<CChar>?, _ caseLength: UInt,
                       _ options: UnsafePointer<CChar>?, answered: (UnsafeRawBufferPointer) -> Void) -> ABIAnswer? {
        guard caseJSON != nil || caseLength == 0 else { return .error(.argument, "the case is NULL") }
        guard caseLength <= maxCaseBytes else { return .error(.argument, "the case is \(caseLength) bytes: the most is \(maxCaseBytes)") }
        var request = DecisionRequest()
        if let options {
            do { try readOptions(options, into: &request) } catch {
                return .error(.request, "option \(error)") { w in w.field("option", error.parameter) }
            }
        }
        // The bytes are the caller's until this returns.
        let bytes = UnsafeRawBufferPointer(start: caseJSON, count: Int(caseLength))
        do { try set.answer(request, json: bytes, rendered: answered) } catch { return refusal(error) }
        return nil
    }

    /// The error answer for a request the library refused.
    static func refusal(_ error: DecisionRequestError) -> ABIAnswer {
        switch error {
        case let .refused(caseError, policy):
            return refused(caseError, policy)
        case let .invalidQuestion(text, reason):
            return .error(.request, "the why-not question `\(TextEscaping.escaped(text))` cannot be read: \(reason.message)") { w in
                w.field("option", "why_not")
                w.field("question", text)
                if let help = reason.help { w.field("help", help) }
            }
        }
    }

    /// The library's own JSON-in, JSON-out decision, `iterations` times in a loop that never crosses the C
    /// boundary: the case's bytes as an array, one request, the answer rendered into a reused buffer —
    /// what a Swift caller of ``PolicyVersions/answer(_:json:)-(_,[UInt8])`` pays, for the bindings' overhead figures.
    static func bench(_ set: PolicyVersions, _ caseJSON: UnsafePointer<CChar>?, _ caseLength: UInt, _ options: UnsafePointer<CChar>?,
                      _ iterations: UInt64, _ nanoseconds: UnsafeMutablePointer<UInt64>?) -> ABIAnswer {
        guard let caseJSON, caseLength <= maxCaseBytes else { return .error(.argument, "the case is NULL or too long") }
        var request = DecisionRequest()
        if let options {
            do { try readOptions(options, into: &request) } catch { return .error(.request, "option \(error)") }
        }
        let bytes = Array(UnsafeRawBufferPointer(start: caseJSON, count: Int(caseLength)))
        var out: [UInt8] = []
        out.reserveCapacity(64 << 10)
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            out.removeAll(keepingCapacity: true)
            do { try set.answer(request, json: bytes).appendRendered(to: &out) } catch { return .error(.caseRefused, "\(error)") }
        }
        nanoseconds?.pointee = DispatchTime.now().uptimeNanoseconds - start
        return .ok([])
    }

    /// `{"error": "case-refused", "message", "case", "problems": [...], "policy": {...}}`.
    static func refused(_ error: CaseError, _ policy: PolicyIdentity) -> ABIAnswer {
        var w = JSONWriter()
        error.write(to: &w)
        w.reopenObject()
        w.field("error", ABIStatus.caseRefused.name)
        w.key("case")
        if let id = error.caseID { w.string(id) } else { w.null() }
        w.key("policy")
        policy.write(to: &w)
        w.closeObject()
        return ABIAnswer(status: .caseRefused, bytes: w.bytes)
    }

    /// Reads the options object (`{"explain": "full", "lang": "zh", "now": "…", "why_not": ["…"],
    /// "format": "text"}`) into the request, with the service's words (``DecisionRequest/set(parameter:to:)``).
    static func readOptions(_ options: UnsafePointer<CChar>, into request: inout DecisionRequest) throws(DecisionRequestParameterError) {
        let bytes = Array(UnsafeRawBufferPointer(start: options, count: strlen(options)))
        if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return }
        let value: JSONValue
        do { value = try JSONReader.parse(bytes) } catch {
            throw DecisionRequestParameterError("options", "not JSON: \(error)")
        }
        guard case let .object(members) = value else {
            throw DecisionRequestParameterError("options", "not a JSON object: give {\"explain\": true, \"lang\": \"zh\", …}")
        }
        for (key, value) in members {
            guard DecisionRequest.parameterNames.contains(key) else { throw DecisionRequestParameterError.unknown(key) }
            switch value {
            case .null: continue
            case .bool(let b): try request.set(parameter: key, to: b ? "true" : "false")
            case .string(let s): try request.set(parameter: key, to: s)
            case .array(let items) where key == "why_not":
                for item in items {
                    guard case let .string(s) = item else { throw DecisionRequestParameterError(key, "each question is a string") }
                    try request.set(parameter: key, to: s)
                }
            default:
                throw DecisionRequestParameterError(key, "is \(value.kindDescription): give a string\(key == "explain" ? " or a boolean" : key == "why_not" ? " or a list of strings" : "")")
            }
        }
    }
}
