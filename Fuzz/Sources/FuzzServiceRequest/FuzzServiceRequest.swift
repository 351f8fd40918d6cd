// The service's request handling, from the request line and body to the answer: the router with
// every middleware (problem details, authentication, logging, metrics) and the decision routes, over
// the shipped quality-complaints and service-standards sets. Input: a first line `METHOD PATH?QUERY`
// (a method the fuzzer garbles is sent as POST) and the body after it. Properties: every request is
// answered, never thrown; every answer under `/v1/` that is not a success is problem JSON whose
// `status` is the response's; a decision answer is a JSON object naming its policy, a batch answer
// JSON Lines; no answer's headers carry a control character.
import Foundation
import FuzzHTTPSupport
import FuzzSupport
import HTTPTypes
import Hummingbird
@testable import VerdictServer

let service = FuzzHTTP.service(sets: ["quality-complaints", "service-standards"])
let responder = service.router().buildResponder()

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    precondition(service.registry.sets.count == 2)
    return 0
}

@_cdecl("FuzzServiceRequest_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzServiceRequest(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzServiceRequest(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.endIndex
    let line = String(decoding: bytes[..<newline], as: UTF8.self)
    let body = newline < bytes.endIndex ? Array(bytes[(newline + 1)...]) : []
    let parts = line.split(separator: " ", maxSplits: 1)
    let method = parts.first.flatMap { HTTPRequest.Method(String($0)) } ?? .post
    var path = parts.count == 2 ? String(parts[1]) : String(line)
    if !path.hasPrefix("/") { path = "/" + path }
    // A request line holds no control character or space (the HTTP parser refuses them before a route).
    guard !path.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else { return 0 }
    var headers = HTTPFields()
    headers[.contentType] = path.contains("decide-batch") ? "application/x-ndjson" : "application/json"
    headers[.contentLength] = String(body.count)
    let (target, fields) = (path, headers)
    let answer = FuzzHTTP.wait { await FuzzHTTP.send(responder, method: method, path: target, headers: fields, body: body) }
    let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
    Fuzz.require((100...599).contains(answer.status.code), "status \(answer.status.code)")
    if route.hasPrefix("/v1/"), answer.status.code >= 400, !answer.body.isEmpty {
        Fuzz.require(FuzzHTTP.isProblem(answer), "\(answer.status.code) for \(method) \(path) is not problem JSON: \(answer.text.prefix(300))")
    }
    if answer.status == .ok, route.hasSuffix("/decide"), method == .post {
        let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        Fuzz.require(object?["policy"] is [String: Any], "a decision answer without its policy: \(answer.text.prefix(300))")
    }
    if answer.status == .ok, route.hasSuffix("/decide-batch"), method == .post {
        for l in answer.text.split(separator: "\n") {
            Fuzz.require((try? JSONSerialization.jsonObject(with: Data(l.utf8))) is [String: Any], "a batch line that is not a JSON object: \(l.prefix(200))")
        }
    }
    for field in answer.headers {
        Fuzz.require(!field.value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "a header with a control character: \(field)")
    }
    return 0
}
