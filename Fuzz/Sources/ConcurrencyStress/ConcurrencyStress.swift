// The concurrency scenarios of issue 26, run for a bounded time under ThreadSanitizer and under
// AddressSanitizer (Fuzz/stress.sh; docs/fuzzing.md). Each compares what threads answer with the
// answer made on one thread, and the program exits 1 on any difference (the sanitizers add their own
// reports, and their own non-zero exit):
//
//   deciders  two threads decide every shipped set (and the versioned example) with their own
//             deciders (ThreadDeciders, as the service does), explained and not, with why-not answers
//   outlive   one thread loads a set, decides with a decider of its own and hands the decisions,
//             their explanations and why-not answers to another thread, then drops the set and the
//             decider; the other reads them afterwards, and the set must be freed with them
//   versions  two threads decide while two others replace the shared PolicyVersions (the versioned
//             example, and a small set that compiles in milliseconds) with fresh loads as fast as
//             they load, so each thread's cache of deciders fills, empties and refills
//   service   the HTTP service on 127.0.0.1 (an ephemeral port), two client threads posting cases
//             (plain, explained, with a why-not question) over keep-alive connections while a third
//             edits the set's version and reloads it every 100 ms; each answer must equal the one
//             given on one connection, before the load, by the version that answered
//
//   STRESS_SECONDS   seconds per scenario (default 10); STRESS_SCENARIOS   a comma-separated subset
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Hummingbird
import Logging
@testable import Verdict
@testable import VerdictServer

/// The repository root: `VERDICT_REPO`, or three folders above this file's folder.
let repo: String = {
    if let r = ProcessInfo.processInfo.environment["VERDICT_REPO"] { return r }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}()

let secondsPerScenario: Double = ProcessInfo.processInfo.environment["STRESS_SECONDS"].flatMap(Double.init) ?? 10
/// Every decision is made at this instant, so an answer never depends on when it was made.
let now = try! Timestamp(rfc3339: "2026-05-01T09:00:00+08:00")
let question = "approver=branch_manager"

/// The differences found, printed as they are found; the run fails when there is one.
let failures = Locked<[String]>([])

func fail(_ message: String) {
    let first = failures.with { f in
        f.append(message)
        return f.count <= 20
    }
    if first { FileHandle.standardError.write(Data(("MISMATCH: " + message + "\n").utf8)) }
}

func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

// MARK: - Answers

/// Everything a case's answer says, as text: the decision's JSON, its explanation in both languages
/// and as JSON, and the why-not answers; or the case error.
func answerText(_ versions: PolicyVersions, _ bytes: [UInt8], explain: Bool, perThread: Bool, prepared: Bool = false) -> String {
    do {
        let policy = try versions.version(for: bytes, now: now)
        let decision: Decision
        if perThread {
            let decider = ThreadDeciders.decider(for: policy)
            decision = prepared ? try decider.decide(decider.policy.prepare(json: bytes), explain: explain, now: now)
                                : try decider.decide(json: bytes, explain: explain, now: now)
        } else {
            decision = try policy.decide(json: bytes, explain: explain, now: now)
        }
        return readAll(decision, whyNot: try whyNot(versions, policy, bytes))
    } catch {
        return "case error: \(error)"
    }
}

/// The why-not answers to ``question``, when the set has that output and value.
func whyNot(_ versions: PolicyVersions, _ policy: CompiledPolicy, _ bytes: [UInt8]) throws(CaseError) -> WhyNot? {
    guard let q = try? WhyNotQuestion(parsing: question, for: policy) else { return nil }
    return try versions.whyNot([q], json: bytes, now: now)
}

/// Reads all of a decision and its why-not answers.
func readAll(_ decision: Decision, whyNot: WhyNot?) -> String {
    var text = decision.json()
    var bytes: [UInt8] = []
    decision.appendJSON(to: &bytes)
    text += String(decoding: bytes, as: UTF8.self)
    for (name, value) in decision.outputs { text += "\n\(name)=\(value)" }
    if let e = decision.explanation {
        text += "\n" + e.text(.en) + "\n" + e.text(.zh) + "\n" + e.json()
    }
    if let whyNot {
        text += "\n" + whyNot.json() + "\n" + whyNot.text(.en) + "\n" + whyNot.text(.zh)
    }
    return text
}

struct CaseSet {
    var folder: String
    var versions: PolicyVersions
    var cases: [[UInt8]]

    /// The set's example cases and `count` generated ones (seeded).
    static func load(_ folder: String, count: Int) throws -> CaseSet {
        let versions = try PolicyVersions.load(directory: repo + "/policies/" + folder)
        var cases: [[UInt8]] = []
        let examples = repo + "/policies/" + folder + "/examples"
        for file in ((try? FileManager.default.contentsOfDirectory(atPath: examples)) ?? []).sorted() where file.hasSuffix(".json") {
            cases.append(Array(try Data(contentsOf: URL(fileURLWithPath: examples + "/" + file))))
        }
        for policy in versions.versions {
            var generator = CaseGenerator(policy: policy, seed: 26)
            for _ in 0..<(count / versions.versions.count) { cases.append(Array(generator.nextJSON().utf8)) }
        }
        return CaseSet(folder: folder, versions: versions, cases: cases)
    }
}

let shippedFolders = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template",
                      "examples/quality-complaints-amended"]

// MARK: - Scenarios

/// Two threads decide every shipped set with their own deciders; every answer must equal the policy's own.
func deciders() throws {
    let sets = try shippedFolders.map { try CaseSet.load($0, count: 40) }
    // The answers made on this thread, by the shared policy.
    let expected = sets.map { set in set.cases.indices.map { i in answerText(set.versions, set.cases[i], explain: i % 2 == 1, perThread: false) } }
    let end = monotonicSeconds() + secondsPerScenario
    let counts = Locked([0, 0])
    runThreads((0..<2).map { t in {
        var n = 0, round = 0
        while monotonicSeconds() < end {
            for (s, set) in sets.enumerated() {
                for i in set.cases.indices {
                    let got = answerText(set.versions, set.cases[i], explain: i % 2 == 1, perThread: true, prepared: (i + t + round) % 3 == 0)
                    if got != expected[s][i] { fail("thread \(t), \(set.folder) case \(i): the decider's answer differs from the policy's") }
                    n += 1
                }
            }
            round += 1
        }
        counts.with { $0[t] = n }
    } })
    note("deciders: \(counts.with { $0 }) cases decided by two threads, \(sets.count) sets")
}

/// A weak reference, read and written under a lock.
final class WeakPolicy: @unchecked Sendable {
    weak var policy: CompiledPolicy?
    init(_ policy: CompiledPolicy) { self.policy = policy }
}

struct Handoff: @unchecked Sendable {
    var decision: Decision?
    var whyNot: WhyNot?
    var expected: String
    var watch: WeakPolicy
}

/// Decisions, explanations and why-not answers read on another thread after their set and decider are dropped.
func outlive() throws {
    let folder = repo + "/policies/examples/quality-complaints-amended"
    let cases = try CaseSet.load("examples/quality-complaints-amended", count: 12).cases
    let queue = Locked<(items: [Handoff], done: Bool)>(([], false))
    let end = monotonicSeconds() + secondsPerScenario
    let readCount = Locked(0)
    /// One round: a fresh load, whose set, versions and deciders live only in this function.
    @Sendable func batch(_ round: Int) throws -> [Handoff] {
        let versions = try PolicyVersions.load(directory: folder)
        var batch: [Handoff] = []
        for i in 0..<4 {
            let bytes = cases[(round * 4 + i) % cases.count]
            guard let policy = try? versions.version(for: bytes, now: now) else { continue }
            let decider = policy.decider()
            guard let decision = try? decider.decide(json: bytes, explain: true, now: now) else { continue }
            let answers = try? whyNot(versions, policy, bytes)
            batch.append(Handoff(decision: decision, whyNot: answers, expected: readAll(decision, whyNot: answers), watch: WeakPolicy(policy)))
        }
        return batch
    }
    runThreads([{
        var round = 0
        while monotonicSeconds() < end {
            do {
                var made: [Handoff]? = try batch(round)
                queue.with { $0.items += made! }
                made = nil  // the queue holds the only references now
            } catch {
                fail("the versioned example does not load: \(error)")
                break
            }
            round += 1
            // At most a few rounds ahead of the reader.
            queue.wait(seconds: 5, until: { $0.items.count < 16 }) { _ in }
        }
        queue.with { $0.done = true }
    }, {
        /// Takes the next decision, reads it and drops it: its policy's weak reference, or nil when none came.
        @Sendable func takeAndRead() -> WeakPolicy? {
            guard let handed = queue.wait(seconds: 5, until: { !$0.items.isEmpty || $0.done }, { q in q.items.isEmpty ? nil : q.items.removeFirst() }) else { return nil }
            if readAll(handed.decision!, whyNot: handed.whyNot) != handed.expected { fail("a decision read on another thread after its set was dropped differs") }
            return handed.watch
        }
        while true {
            guard let watch = takeAndRead() else {
                if queue.with({ $0.done && $0.items.isEmpty }) { break }
                continue
            }
            // This thread held the last references: the policy went with them, unless a decision
            // still queued was made by the same load.
            let sameLoad = queue.with { q in q.items.contains { $0.watch.policy === watch.policy } }
            if !sameLoad, watch.policy != nil { fail("a policy outlived its last decision and why-not answer") }
            readCount.with { $0 += 1 }
        }
    }])
    note("outlive: \(readCount.with { $0 }) decisions read on another thread after their set and decider were dropped")
}

/// A small set that compiles in a few milliseconds, so it can be replaced hundreds of times: more
/// versions than a thread's cache of deciders holds (``ThreadDeciders/limit``).
let smallSet = """
    policy: {name: small, version: "1"}
    fields:
      cost: money
      region: string
    decisions:
      tier:
        hit: first
        outputs: {tier: integer}
        rules:
          - id: costly
            when: cost > 100 and region == "Henan"
            then: {tier: 2}
          - id: otherwise
            then: {tier: 0}
    """

@Sendable func loadSmallSet() throws -> PolicyVersions {
    try PolicyVersions(versions: [CompiledPolicy.load(sources: [SourceFile(path: "policy.yaml", text: smallSet)])])
}

/// Two threads decide while two others replace the shared versions with fresh loads, as fast as they load.
func versions() throws {
    let folder = "examples/quality-complaints-amended"
    let set = try CaseSet.load(folder, count: 40)
    let small = CaseSet(folder: "small", versions: try loadSmallSet(), cases: (0..<20).map { i in
        Array(#"{"id": "S-\#(i)", "cost": "\#(i * 37 % 300).00", "region": "\#(i % 3 == 0 ? "Henan" : "Shaanxi")"}"#.utf8)
    })
    let sets = [set, small]
    let expected = sets.map { set in set.cases.indices.map { i in answerText(set.versions, set.cases[i], explain: i % 2 == 1, perThread: false) } }
    let current = sets.map { Locked($0.versions) }
    let end = monotonicSeconds() + secondsPerScenario
    let counts = Locked((decided: 0, replaced: [0, 0]))
    // The small set is replaced past the time, if need be, until the caches have emptied twice (a
    // minute more at most); the deciding goes on while either replacer does.
    let replacing = Locked(2)
    let enough = 2 * ThreadDeciders.limit + 2
    let replacers: [@Sendable () -> Void] = [0, 1].map { s in {
        var replaced = 0
        defer { replacing.with { $0 -= 1 } }
        while monotonicSeconds() < end || (s == 1 && replaced < enough && monotonicSeconds() < end + 60) {
            do {
                let fresh = s == 0 ? try PolicyVersions.load(directory: repo + "/policies/" + folder) : try loadSmallSet()
                current[s].with { $0 = fresh }
                replaced += 1
            } catch {
                fail("\(sets[s].folder) does not load: \(error)")
                break
            }
        }
        counts.with { $0.replaced[s] = replaced }
    } }
    runThreads(replacers + (0..<2).map { t in {
        var n = 0
        while replacing.with({ $0 }) > 0 {
            for (s, set) in sets.enumerated() {
                for i in set.cases.indices {
                    let versions = current[s].with { $0 }
                    if answerText(versions, set.cases[i], explain: i % 2 == 1, perThread: true, prepared: (i + t) % 2 == 0) != expected[s][i] {
                        fail("thread \(t), \(set.folder) case \(i): an answer while the versions were replaced differs")
                    }
                    n += 1
                }
            }
        }
        counts.with { $0.decided += n }
    } })
    let c = counts.with { $0 }
    note("versions: \(c.decided) cases decided by two threads while the versions were replaced \(c.replaced[0]) times (\(folder)) and \(c.replaced[1]) times (a small set)")
    if c.replaced[0] < 2 || c.replaced[1] < enough { fail("the versions were replaced \(c.replaced) times: too few to test anything") }
}

/// The service under load on 127.0.0.1, reloaded every 100 ms.
func service() throws {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-stress-\(getpid())").path
    try? FileManager.default.removeItem(atPath: work)
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let folder = work + "/quality-complaints"
    try FileManager.default.copyItem(atPath: repo + "/policies/quality-complaints", toPath: folder)
    try FileManager.default.copyItem(atPath: repo + "/policies/calendars", toPath: work + "/calendars")
    let manifest = try String(contentsOfFile: folder + "/policy.yaml", encoding: .utf8)
    guard manifest.contains("version: \"1.0.0\"") else { fail("the shipped quality-complaints is no longer version 1.0.0"); return }
    // Two versions that decide alike and differ in their version (and so their digest).
    let variants = ["1.0.0", "1.0.1"].map { manifest.replacingOccurrences(of: "version: \"1.0.0\"", with: "version: \"\($0)\"") }
    @Sendable func activate(_ k: Int) throws {
        let temporary = folder + "/.policy.yaml.new"
        try variants[k].write(toFile: temporary, atomically: false, encoding: .utf8)
        rename(temporary, folder + "/policy.yaml")
    }

    var configuration = ServerConfiguration(policyFolders: [folder])
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.watchInterval = nil
    configuration.reloadOnSIGHUP = false
    let service = VerdictService(configuration: configuration, logger: Logger(label: "stress") { _ in SwiftLogNoOpLogHandler() })
    let port = Locked<Int?>(nil)
    let app = service.application(onServerRunning: { p in port.with { $0 = p } })
    let stopped = Locked<String?>(nil)
    let server = Task {
        do { try await app.runService(gracefulShutdownSignals: []) } catch { stopped.with { $0 = "\(error)" } }
        stopped.with { $0 = $0 ?? "stopped" }
    }
    defer {
        server.cancel()
        if stopped.wait(seconds: 30, until: { $0 != nil }, { $0 }) == nil { fail("the service did not stop within 30 s of being cancelled") }
    }
    guard let listening = port.wait(seconds: 120, until: { $0 != nil }, { $0 }) else {
        fail("the service did not start within 120 s: \(stopped.with { $0 } ?? "")")
        return
    }
    @Sendable func reload() throws -> String {
        try waitFor { await service.registry.reloadAll(trigger: .request).map { "\($0.1.outcome)" }.joined() }
    }

    var generator = CaseGenerator(policy: try CompiledPolicy.load(directory: folder), seed: 26)
    let cases = (0..<30).map { _ in Array(generator.nextJSON().utf8) }
        + [Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/examples/henan-tier3.json")))]
    let stamp = "2026-05-01T09:00:00%2B08:00"
    let paths = ["/v1/policies/quality-complaints/decide?now=\(stamp)",
                 "/v1/policies/quality-complaints/decide?now=\(stamp)&explain=true",
                 "/v1/policies/quality-complaints/decide?now=\(stamp)&why_not=approver%3Dbranch_manager"]

    // The answers on one connection, one request at a time, from each version.
    struct Key: Hashable { var version: String, item: Int, path: Int }
    var expected: [Key: (Int, [UInt8])] = [:]
    var client = try LoopbackClient(port: listening)
    for k in variants.indices {
        try activate(k)
        let outcome = try reload()
        let version = ["1.0.0", "1.0.1"][k]
        for i in cases.indices {
            for p in paths.indices {
                let answer = try client.post(paths[p], body: cases[i])
                guard answer.headers["verdict-policy-version"] == version else {
                    fail("version \(version) was not serving after its reload (\(outcome)): \(answer.status) \(answer.text.prefix(300))")
                    client.close()
                    return
                }
                expected[Key(version: version, item: i, path: p)] = (answer.status, answer.body)
            }
        }
    }
    client.close()
    let whyNotAnswered = expected.filter { $0.key.path == 2 && $0.value.0 == 200 && String(decoding: $0.value.1, as: UTF8.self).contains("\"why_not\"") }.count
    let decided = expected.values.filter { $0.0 == 200 }.count
    if whyNotAnswered == 0 || decided == 0 { fail("before the load: \(decided) answers were decisions, \(whyNotAnswered) had why-not answers") }

    let end = monotonicSeconds() + secondsPerScenario
    let counts = Locked((requests: 0, reloads: [String: Int]()))
    let frozen = expected
    runThreads([{
        var k = 0
        while monotonicSeconds() < end {
            k = 1 - k
            do {
                try activate(k)
                let outcome = try reload()
                counts.with { $0.reloads[outcome, default: 0] += 1 }
            } catch {
                fail("a reload failed: \(error)")
                return
            }
            usleep(100_000)
        }
    }] + (0..<2).map { t in {
        var n = 0
        do {
            // Two connections per thread, used in turn.
            var clients = [try LoopbackClient(port: listening), try LoopbackClient(port: listening)]
            defer { clients.forEach { $0.close() } }
            while monotonicSeconds() < end {
                for i in cases.indices {
                    let p = (i + n + t) % paths.count
                    let answer = try clients[n % 2].post(paths[p], body: cases[i])
                    n += 1
                    let version = answer.headers["verdict-policy-version"] ?? "none"
                    guard let want = frozen[Key(version: version, item: i, path: p)] else {
                        fail("thread \(t): an answer from version \(version), which no reload activated: \(answer.status) \(answer.text.prefix(300))")
                        continue
                    }
                    if want.0 != answer.status || want.1 != answer.body {
                        fail("thread \(t): case \(i) at \(paths[p]) under load: \(answer.status) \(answer.text.prefix(200)) instead of \(want.0) \(String(decoding: want.1.prefix(200), as: UTF8.self))")
                    }
                }
            }
        } catch {
            fail("thread \(t): \(error)")
        }
        counts.with { $0.requests += n }
    } })
    let c = counts.with { $0 }
    note("service: \(c.requests) requests on 4 connections from two threads, reloads \(c.reloads), \(decided) answers compared per version")
    if c.requests == 0 || c.reloads.values.reduce(0, +) < 2 { fail("the service was not loaded and reloaded: \(c)") }
}

// MARK: - Entry points

func runStress() -> Int32 {
    let scenarios: [(String, () throws -> Void)] = [("deciders", deciders), ("outlive", outlive), ("versions", versions), ("service", service)]
    let chosen = ProcessInfo.processInfo.environment["STRESS_SCENARIOS"].map { $0.split(separator: ",").map(String.init) }
    for (name, scenario) in scenarios where chosen?.contains(name) ?? true {
        let start = monotonicSeconds()
        do { try scenario() } catch { fail("\(name): \(error)") }
        note("  (\(name): \(String(format: "%.1f", monotonicSeconds() - start)) s)")
    }
    let found = failures.with { $0 }
    if found.isEmpty {
        note("ConcurrencyStress: every answer agreed")
        return 0
    }
    note("ConcurrencyStress: \(found.count) differences")
    return 1
}

/// SwiftPM's `main` (linked to `ConcurrencyStress_main`).
@_cdecl("ConcurrencyStress_main")
public func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    exit(runStress())
}

/// In the fuzz build (Fuzz/run.sh), libFuzzer's `main` may be the one linked: it calls this first,
/// and the scenarios run instead of a fuzzer.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    exit(runStress())
}

/// Never called (see ``fuzzerInitialize``); libFuzzer's runtime needs the symbol.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt { 0 }
