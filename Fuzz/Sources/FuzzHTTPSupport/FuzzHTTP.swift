// What the HTTP fuzz targets share: a request handed to a router in process (no socket), its
// response read whole, and the async routes run from libFuzzer's synchronous callback.
import Foundation
import FuzzSupport
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import VerdictServer

public enum FuzzHTTP {
    /// A logger that writes nothing: the fuzzer's speed is not spent on log lines.
    public static let quiet = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

    /// A service over shipped policy sets, every one loaded (no watcher, no signal handler).
    public static func service(sets: [String]) -> VerdictService {
        var configuration = ServerConfiguration(policyFolders: sets.map { Fuzz.repo + "/policies/" + $0 })
        configuration.watchInterval = nil
        configuration.reloadOnSIGHUP = false
        let service = VerdictService(configuration: configuration, logger: quiet)
        let loaded = wait { await service.registry.reloadAll(trigger: .startup) }
        precondition(loaded.count == sets.count && loaded.allSatisfy { $0.1.outcome != .failed }, "the shipped sets do not load")
        return service
    }

    /// The one channel every request's context names: requests are sent one at a time, and a channel
    /// per request would never be freed (an embedded channel lives until it is closed).
    nonisolated(unsafe) static let channel = EmbeddedChannel()

    /// What a router answered: status, headers and the whole body.
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Runs `operation` to its end from synchronous code (libFuzzer's callback), on a task of its own.
    public static func wait<T: Sendable>(_ operation: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.value = await operation()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    /// Sends one request to `responder` and reads its answer; a thrown error is answered as the
    /// server's own error middleware would not have: a property failure, since every route answers.
    public static func send(_ responder: some HTTPResponder<VerdictRequestContext>, method: HTTPRequest.Method, path: String,
                            headers: HTTPFields, body: [UInt8]) async -> Answer {
        let head = HTTPRequest(method: method, scheme: "http", authority: "127.0.0.1:8080", path: path, headerFields: headers)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body)))
        // No peer, and the embedded channel is not asked for one (it may be used only on its own thread).
        let context = VerdictRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: quiet), remoteAddress: nil)
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            // What Hummingbird's server answers for an error that reaches it: the error's own response.
            do { response = try error.response(from: request, context: context) } catch {
                Fuzz.fail("an error without a response: \(error)")
            }
        } catch {
            Fuzz.fail("a route threw \(type(of: error)) instead of answering: \(error)")
        }
        do {
            var collector = Collector()
            try await response.body.write(collector.writer())
            return Answer(status: response.status, headers: response.headers, body: collector.bytes.value)
        } catch {
            Fuzz.fail("a response body that could not be written: \(error)")
        }
    }

    /// Collects a response body.
    struct Collector {
        let bytes = Bytes()
        final class Bytes: @unchecked Sendable { var value: [UInt8] = [] }
        func writer() -> Writer { Writer(bytes: bytes) }
        struct Writer: ResponseBodyWriter {
            let bytes: Bytes
            mutating func write(_ buffer: ByteBuffer) async throws { bytes.value += buffer.readableBytesView }
            consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
        }
    }

    final class ResultBox<T>: @unchecked Sendable { var value: T? }

    /// Whether `answer` is problem JSON whose `status` is the response's.
    public static func isProblem(_ answer: Answer) -> Bool {
        guard answer.headers[.contentType] == "application/problem+json",
              let object = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any] else { return false }
        return (object["type"] as? String)?.hasPrefix("urn:verdict:problem:") == true && object["status"] as? Int == Int(answer.status.code)
    }
}
