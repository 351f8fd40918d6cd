import Foundation
import Testing
import VerdictChanges
@testable import VerdictServer

/// `verdict serve --users-file` reads the file again while it runs (issue 32): the watcher after an
/// edit has settled, SIGHUP when watching is off; a broken edit is refused and logged, the users read
/// before stay. Against the built binary, on a real socket.
@Suite struct UsersFileReloadTests {
    static let first = "first-token-0123456789abcdef"
    static let second = "second-token-0123456789abcdef"

    static func users(_ names: [(String, String)]) -> String {
        "users:\n" + names.map { "  - name: \($0.0)\n    role: viewer\n    token_sha256: \(UserDirectory.hash(token: $0.1))\n" }.joined()
    }

    /// The status of `GET /v1/policies` with `token`, polled (at most `seconds`) until it is `wanted`.
    static func status(_ server: EndToEndTests.Server, token: String, becomes wanted: Int, seconds: Double = 15) throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        var status = 0
        repeat {
            status = try HTTP.request(port: server.port, "GET", "/v1/policies", headers: ["Authorization": "Bearer \(token)"]).status
            if status == wanted { break }
            usleep(50_000)
        } while Date() < deadline
        return status
    }

    /// A users file with the first user in a fresh place, and `verdict serve` reading it (`watch` ms, 0: off).
    static func start(watch: String) throws -> (file: String, server: EndToEndTests.Server) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-users-e2e-\(UUID().uuidString).yaml").path
        try users([("li.wei", first)]).write(toFile: file, atomically: true, encoding: .utf8)
        return (file, try EndToEndTests.Server(["--policies", shippedPolicyPath("quality-complaints"), "--watch-interval", watch, "--users-file", file]))
    }

    @Test func theWatcherTakesInAnEditAndRefusesABrokenOne() throws {
        let (file, server) = try Self.start(watch: "100")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: file) }
        #expect(try Self.status(server, token: Self.first, becomes: 200) == 200)
        #expect(try Self.status(server, token: Self.second, becomes: 401, seconds: 0) == 401)

        // A new user, no restart.
        try Self.users([("li.wei", Self.first), ("wang.fang", Self.second)]).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Self.status(server, token: Self.second, becomes: 200) == 200)
        #expect(server.waitForLog("users file reloaded: 2 users", seconds: 5))

        // A broken edit: refused with where and why; both users stay.
        try "users:\n  - name: wang.fang\n    role: boss\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(server.waitForLog("users file refused, the 2 users read before stay", seconds: 15))
        #expect(server.logText.contains("boss"))
        #expect(try Self.status(server, token: Self.second, becomes: 200, seconds: 0) == 200)

        // Removed: the token is refused.
        try Self.users([("li.wei", Self.first)]).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try Self.status(server, token: Self.second, becomes: 401) == 401)
        #expect(try Self.status(server, token: Self.first, becomes: 200, seconds: 0) == 200)
    }

    @Test func sighupReadsTheFileWhenWatchingIsOff() throws {
        let (file, server) = try Self.start(watch: "0")
        defer { server.stop(); try? FileManager.default.removeItem(atPath: file) }
        try Self.users([("li.wei", Self.first), ("wang.fang", Self.second)]).write(toFile: file, atomically: true, encoding: .utf8)
        usleep(300_000)
        #expect(try Self.status(server, token: Self.second, becomes: 401, seconds: 0) == 401, "nothing watches the file")
        server.signal(SIGHUP)
        #expect(try Self.status(server, token: Self.second, becomes: 200) == 200)
        #expect(server.waitForLog("users file reloaded: 2 users", seconds: 5))
    }
}
