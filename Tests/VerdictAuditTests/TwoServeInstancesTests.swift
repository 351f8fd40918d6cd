import Foundation
import Synchronization
import Testing
import Verdict
import VerdictAudit
import VerdictAuditPostgres

/// Issue 30: two `verdict serve` processes (the built binary) on loopback share one policies folder and
/// one PostgreSQL decision log. Under concurrent requests to both, while the folder is edited so that
/// both reload: every acknowledged decision is in the log exactly once, the log's sequence numbers
/// have no gap or duplicate, `audit verify` passes, both instances end up answering with the same new
/// version, and the log's version events show each instance's start, reload and stop.
@Suite("two serve instances sharing one PostgreSQL log", .serialized)
struct TwoServeInstancesTests {
    /// One `verdict serve` process, its stderr in a file.
    final class Instance {
        let name: String
        let process: Process
        let stderr: URL
        private(set) var port = 0

        init(name: String, folder: String, log: String, work: URL) throws {
            self.name = name
            stderr = work.appendingPathComponent("\(name).stderr")
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process = Process()
            process.executableURL = URL(fileURLWithPath: verdictBinary)
            process.arguments = ["serve", "--policies", folder, "--host", "127.0.0.1", "--port", "0", "--log", log,
                                 "--watch-interval", "50", "--debounce", "150"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: stderr)
            try process.run()
        }

        var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

        /// Waits (at most `seconds`) for the `listening on` line and a 200 from `/readyz`.
        func waitUntilReady(seconds: Double) throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, process.isRunning {
                if port == 0, let r = log.range(of: #"listening on http://127\.0\.0\.1:([0-9]+)"#, options: .regularExpression) {
                    port = Int(log[r].split(separator: ":").last ?? "") ?? 0
                }
                if port != 0, let c = try? HTTPClient(port: port), (try? c.request("GET", "/readyz"))?.status == 200 { return }
                usleep(50_000)
            }
            throw AuditError(.usage, "instance \(name) did not become ready: \(log.suffix(2000))")
        }

        /// SIGTERM, then waits (at most `seconds`) for the exit.
        func stop(seconds: Double) -> Bool {
            if process.isRunning { process.terminate() }
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit(); return false }
            return true
        }
    }

    /// What one request got back.
    struct Answer {
        var instance: Int
        var caseID: String
        var status: Int
        var digest: String
        var version: String
    }

    @Test(.needsPostgreSQL) func twoInstancesUnderLoadRecordEveryDecisionOnceAndReloadAlike() throws {
        let work = try temporaryFolder("two-serve")
        defer { try? FileManager.default.removeItem(at: work) }
        let location = try Backend.postgres.freshLocation(in: work)
        // The policies folder both serve: a copy of quality-complaints with the calendars it includes.
        let set = work.appendingPathComponent("quality-complaints")
        try FileManager.default.copyItem(atPath: shippedPolicyPath("quality-complaints"), toPath: set.path)
        try? FileManager.default.removeItem(at: set.appendingPathComponent("versions"))
        try FileManager.default.copyItem(atPath: shippedPolicyPath("calendars"), toPath: work.appendingPathComponent("calendars").path)
        let cases = try generatedCases(200, seed: 30)

        // Both start at once on a log neither has created yet.
        var instances: [Instance] = []
        defer { for i in instances where i.process.isRunning { _ = i.stop(seconds: 10) } }
        for name in ["a", "b"] { instances.append(try Instance(name: name, folder: set.path, log: location, work: work)) }
        for i in instances { try i.waitUntilReady(seconds: 90) }
        let before = try instances.map { try Self.servingDigest(port: $0.port) }
        #expect(before[0] == before[1], "both serve the folder's version at start")

        // Load: 3 connections per instance, each sending cases whose ids are unique per request.
        let stop = Atomic<Bool>(false)
        let answers = Mutex<[Answer]>([])
        let failures = Mutex<[String]>([])
        let loadDeadline = Date().addingTimeInterval(120)   // a hard bound, whatever happens to the reload
        var threads: [Thread] = []
        let done = DispatchGroup()
        for (n, instance) in instances.enumerated() {
            for c in 0..<3 {
                let port = instance.port, prefix = "\(instance.name)\(c)-"
                done.enter()
                let t = Thread {
                    defer { done.leave() }
                    var mine: [Answer] = []
                    do {
                        let client = try HTTPClient(port: port)
                        var k = 0
                        while !stop.load(ordering: .relaxed), Date() < loadDeadline {
                            let id = prefix + String(k)
                            let body = Self.withID(cases[(k + c * 17) % cases.count], id)
                            let r = try client.request("POST", "/v1/policies/quality-complaints/decide", body: body)
                            mine.append(Answer(instance: n, caseID: id, status: r.status, digest: r.headers["verdict-policy-digest"] ?? "",
                                               version: r.headers["verdict-policy-version"] ?? ""))
                            if r.status != 200 { failures.withLock { $0.append("\(id): \(r.status) \(r.body.prefix(300))") } }
                            k += 1
                        }
                    } catch {
                        failures.withLock { $0.append("\(prefix): \(error)") }
                    }
                    answers.withLock { $0 += mine }
                }
                t.name = "load-\(prefix)"
                threads.append(t)
                t.start()
            }
        }

        // Meanwhile a valid edit of the shared folder (a new version, so a new digest): both reload.
        usleep(1_500_000)
        let policyFile = set.appendingPathComponent("policy.yaml")
        let text = try String(contentsOf: policyFile, encoding: .utf8)
        #expect(text.contains(#"version: "1.0.0""#))
        try text.replacingOccurrences(of: #"version: "1.0.0""#, with: #"version: "1.0.1""#).write(to: policyFile, atomically: true, encoding: .utf8)
        var after = before
        let reloadDeadline = Date().addingTimeInterval(60)
        while Date() < reloadDeadline {
            after = try instances.map { try Self.servingDigest(port: $0.port) }
            if after.allSatisfy({ $0 != before[0] }) { break }
            usleep(50_000)
        }
        // A little more load on the new version, then stop.
        usleep(1_000_000)
        stop.store(true, ordering: .relaxed)
        #expect(done.wait(timeout: .now() + 150) == .success, "the load threads finished")
        #expect(after[0] != before[0] && after[0] == after[1], "both instances reloaded to the same new version: \(before) → \(after)")

        for i in instances { #expect(i.stop(seconds: 30), "instance \(i.name) stopped on SIGTERM: \(i.log.suffix(1000))") }
        for i in instances { #expect(i.process.terminationStatus == 0, "instance \(i.name): \(i.log.suffix(1000))") }

        let all = answers.withLock { $0 }
        let failed = failures.withLock { $0 }
        #expect(failed.isEmpty, "\(failed.count) requests failed: \(failed.prefix(5))")
        #expect(all.count >= 20, "load reached both instances (\(all.count) answers)")
        for n in 0..<2 { #expect(all.contains { $0.instance == n && $0.status == 200 }, "instance \(n) answered") }

        // Each instance's answers: the old version, then (once it reloaded) only the new one.
        for n in 0..<2 {
            let seen = all.filter { $0.instance == n && $0.status == 200 }
            #expect(Set(seen.map(\.digest)).isSubset(of: [before[0], after[0]]), "instance \(n) named only the two versions")
            #expect(seen.contains { $0.digest == after[0] && $0.version == "1.0.1" }, "instance \(n) answered with the new version")
            for c in 0..<3 {
                let digests = seen.filter { $0.caseID.hasPrefix("\(instances[n].name)\(c)-") }.map(\.digest)
                if let firstNew = digests.firstIndex(of: after[0]) {
                    #expect(!digests[firstNew...].contains(before[0]), "connection \(c) of instance \(n) went back to the old version")
                }
            }
        }

        // The log: every acknowledged decision exactly once, nothing else, sequence numbers 0..<size.
        PostgresDecisionLog.registerScheme()
        let log = try DecisionLogs.open(location, create: false)
        defer { log.close() }
        var records: [(seq: UInt64, caseID: String, digest: String)] = []
        try log.scan(from: 0, until: nil) { chunk in records += chunk.map { ($0.seq, $0.caseID, $0.digest) }; return true }
        let events = try log.versionEvents()
        let size = try log.treeState().size
        let acknowledged = all.filter { $0.status == 200 }.map(\.caseID)
        var count: [String: Int] = [:]
        for r in records { count[r.caseID, default: 0] += 1 }
        #expect(count.values.allSatisfy { $0 == 1 }, "no decision recorded twice: \(count.filter { $0.value > 1 }.prefix(5))")
        #expect(acknowledged.filter { count[$0] != 1 }.isEmpty, "every acknowledged decision recorded once")
        #expect(Set(records.map(\.caseID)) == Set(acknowledged), "the log holds exactly the decisions answered")
        let seqs = (records.map(\.seq) + events.map(\.seq)).sorted()
        #expect(seqs == Array(0..<size), "records and events number 0..<\(size) without gap or duplicate (\(seqs.count) found)")

        // Version events: each instance's start-up, its reload by the watcher, and its stop.
        let views = try events.compactMap { e -> VersionEventView? in
            if case .version(let v) = try e.parsedEvent() { return v }
            return nil
        }
        let summary = views.map { "\($0.kind.rawValue) \($0.version) \($0.trigger)" }
        for line in ["activated 1.0.0 startup", "retired 1.0.0 watch", "activated 1.0.1 watch", "retired 1.0.1 stop"] {
            #expect(summary.filter { $0 == line }.count == 2, "two `\(line)` events, one per instance: \(summary)")
        }
        #expect(views.count == 8, "\(summary)")
        // Each event names its instance: two, each with its start-up, reload and stop.
        let byInstance = Dictionary(grouping: views, by: { $0.instance ?? "" })
        #expect(byInstance.count == 2 && byInstance[""] == nil && byInstance.values.allSatisfy { $0.count == 4 }, "\(views.map { $0.instance ?? "none" })")
        // Read per instance: one spell per version, each ending at the last instance's retirement.
        let spells = try VersionHistory.of(log).spells
        #expect(spells.map { "\($0.version) \($0.fromTrigger)–\($0.untilTrigger ?? "serving")" } == ["1.0.0 startup–watch", "1.0.1 watch–stop"])
        #expect(spells.map(\.untilSeq) == [views.last { $0.version == "1.0.0" }?.seq, views.last?.seq], "\(spells)")
        #expect(Set(views.filter { $0.version == "1.0.1" }.map(\.digest)) == [after[0]])
        // A version is recorded as activated before it serves: no decision of it comes before its first activation.
        for (digest, version) in [(before[0], "1.0.0"), (after[0], "1.0.1")] {
            let activation = views.first { $0.kind == .activated && $0.digest == digest }?.seq ?? UInt64.max
            let early = records.filter { $0.digest == digest && $0.seq < activation }.map(\.seq)
            #expect(early.isEmpty, "decisions of \(version) numbered before its first activation (event \(activation)): \(early.prefix(10))")
        }

        // The auditor's check, as a separate process reads it.
        let verify = try verdict(["audit", "verify", "--log", location])
        #expect(verify.status == 0, "audit verify: \(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("\(records.count) records and \(events.count) events verified"), "\(verify.stdout)")
    }

    /// An instance (re)starting while an auditor's `audit verify` reads the shared log — one long
    /// `REPEATABLE READ` transaction that has read `verdict_checkpoints` — opens the log at once. Opening
    /// used to run `ALTER TABLE verdict_checkpoints ADD COLUMN IF NOT EXISTS …` every time, which takes
    /// the table's exclusive lock even when the column is there: the start-up waited for the whole
    /// verify, holding the schema's advisory lock (so every other instance starting waited too).
    @Test(.needsPostgreSQL) func openingTheLogDoesNotWaitForAReaderSnapshot() throws {
        let work = try temporaryFolder("open-during-read")
        defer { try? FileManager.default.removeItem(at: work) }
        let location = try Backend.postgres.freshLocation(in: work)
        PostgresDecisionLog.registerScheme()
        let reader = try PostgresDecisionLog(url: location, create: true)
        defer { reader.close() }
        let opened = Atomic<Int>(0)   // 0 waiting, 1 opened, 2 failed
        let done = DispatchGroup()
        try reader.readSnapshot {
            _ = try reader.checkpoints()   // as verify does: the table is read inside the snapshot
            done.enter()
            Thread {
                defer { done.leave() }
                do {
                    let other = try PostgresDecisionLog(url: location, create: false)
                    other.close()
                    opened.store(1, ordering: .relaxed)
                } catch {
                    opened.store(2, ordering: .relaxed)
                }
            }.start()
            // Bounded: the open takes milliseconds; a wait for this snapshot's lock would never end by itself.
            let deadline = Date().addingTimeInterval(20)
            while opened.load(ordering: .relaxed) == 0, Date() < deadline { usleep(20_000) }
            #expect(opened.load(ordering: .relaxed) == 1, "the log opened while a reader's snapshot was open (0: still waiting, 2: failed)")
        }
        // The snapshot is over: an open that waited goes on now.
        #expect(done.wait(timeout: .now() + 60) == .success)
        // A log made before the case index still gains the column when it is opened.
        try psql(location, "ALTER TABLE verdict_checkpoints DROP COLUMN index_root")
        try PostgresDecisionLog(url: location, create: false).close()
        let r = try runProcess("/usr/bin/psql", [location, "-Atq", "-c",
                                                 "SELECT count(*) FROM information_schema.columns WHERE table_name = 'verdict_checkpoints' AND column_name = 'index_root'"])
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(r.stdout)\(r.stderr)")
    }

    /// The case with its `id` replaced by `id`.
    static func withID(_ json: String, _ id: String) -> String {
        guard let r = json.range(of: #""id":"[^"]*""#, options: .regularExpression) else { return json }
        return json.replacingCharacters(in: r, with: #""id":"\#(id)""#)
    }

    /// The digest an instance serves now (`GET /v1/policies/quality-complaints`).
    static func servingDigest(port: Int) throws -> String {
        let r = try HTTPClient(port: port).request("GET", "/v1/policies/quality-complaints")
        let json = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any]
        guard r.status == 200, let d = json?["digest"] as? String else {
            throw AuditError(.usage, "GET /v1/policies/quality-complaints answered \(r.status): \(r.body.prefix(300))")
        }
        return d
    }
}

/// A minimal blocking HTTP/1.1 client with one keep-alive connection to 127.0.0.1, each wait bounded
/// by the socket's receive timeout.
final class HTTPClient {
    struct Response {
        var status: Int
        /// Names lowercased.
        var headers: [String: String]
        var body: String
    }
    struct Failure: Error, CustomStringConvertible { var description: String }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else { close(fd); throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
    }

    deinit { close(fd) }

    func request(_ method: String, _ path: String, body: String? = nil) throws -> Response {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        let bytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\nContent-Length: \(bytes.count)\r\n" }
        var out = Array((head + "\r\n").utf8) + bytes
        while !out.isEmpty {
            let n = out.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed") }
            out.removeFirst(n)
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        var end: Int?
        while end == nil {
            end = buffer.firstRange(of: separator)?.lowerBound
            if end == nil { try fill() }
        }
        let headText = String(decoding: buffer[..<end!], as: UTF8.self)
        buffer.removeFirst(end! + separator.count)
        let lines = headText.components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { try fill() }
        let text = String(decoding: buffer.prefix(length), as: UTF8.self)
        buffer.removeFirst(length)
        return Response(status: status, headers: headers, body: text)
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(description: n == 0 ? "the server closed the connection" : "no answer within the timeout") }
        buffer += chunk[..<n]
    }
}
