// The console's form parsing and draft check: the input is the body of `POST /draft` after a valid
// form token and the shipped quality-complaints set (fields `file.NAME=…`, `new_name`, `new_text`,
// anything else), as a browser would send it. Properties: the form parser never fails and reads back
// what it wrote; the draft is answered (200, 400, 413, 422), never thrown; the page is HTML whose only
// script is the console's own file; a set that loads has a digest on the page.
import Foundation
import FuzzHTTPSupport
import FuzzSupport
import HTTPTypes
import Hummingbird
import VerdictConsole
@testable import VerdictServer

let service = FuzzHTTP.service(sets: ["quality-complaints"])

/// The console's routes alone, with a throttle that never refuses (the fuzzer is one client that
/// sends thousands of drafts a minute; the throttle has tests of its own).
let responder: RouterResponder<VerdictRequestContext> = {
    let router = Router(context: VerdictRequestContext.self)
    router.add(middleware: ServiceMiddleware(logger: FuzzHTTP.quiet, metrics: service.metrics))
    ConsoleRoutes(registry: service.registry, authenticator: Authenticator(api: nil, admin: nil), limits: ServerLimits(), log: nil,
                  throttle: ConsoleThrottle(capacity: Int(Int32.max), refillInterval: 1e-9)).register(on: router)
    return router.buildResponder()
}()
let token = ConsoleFormToken.newFormToken()

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    precondition(service.registry.sets.count == 1)
    _ = responder
    return 0
}

@_cdecl("FuzzConsoleForm_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    Fuzz.main(argc, argv) { start, count in fuzzConsoleForm(start, count) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConsoleForm(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = String(decoding: Fuzz.bytes(start, count), as: UTF8.self)
    // The parser: whatever it reads, encoding it again and parsing gives the same pairs.
    let pairs = FormData.parse(input)
    let encoded = pairs.map { "\(ConsoleLink.encode($0.0))=\(ConsoleLink.encode($0.1))" }.joined(separator: "&")
    let again = FormData.parse(encoded)
    Fuzz.require(again.count == pairs.count && zip(again, pairs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }, "the form does not read back: \(pairs.prefix(3))")

    let body = "csrf=\(token)&policy=quality-complaints&" + input
    var headers = HTTPFields()
    headers[.contentType] = "application/x-www-form-urlencoded"
    headers[.cookie] = "verdict_csrf=\(token)"
    headers[.contentLength] = String(body.utf8.count)
    let fields = headers
    let answer = FuzzHTTP.wait { await FuzzHTTP.send(responder, method: .post, path: "/draft", headers: fields, body: Array(body.utf8)) }
    Fuzz.require([200, 400, 413, 422].contains(answer.status.code), "status \(answer.status.code): \(answer.text.prefix(300))")
    let html = answer.text
    Fuzz.require(html.hasPrefix("<!doctype html>") || html.hasPrefix("<!DOCTYPE html>"), "not a page: \(html.prefix(100))")
    let scripts = html.components(separatedBy: "<script").count - 1
    let own = html.components(separatedBy: #"<script src="/static/console.js""#).count - 1
    Fuzz.require(scripts == own, "a script element the console did not write")
    if answer.status == .ok {
        Fuzz.require(html.contains("sha256:"), "a draft that loads without its digest")
    }
    return 0
}
