import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit
import VerdictAuditPostgres

/// Issues 35 and 30: the case index built incrementally (``CaseIndexBuilder``) — by `audit verify`
/// in one walk of the records and by `audit checkpoint` mostly outside the write lock — gives the
/// root of the whole rebuild (``CaseIndex``) at every size; a checkpoint signing another index is
/// named, alone; and version events are checked against the archive.
@Suite("case index at scale (issues 35, 30)", .serialized)
struct CaseIndexScaleTests {
    @Test func theIncrementalRootIsTheRebuiltRootAtEverySizeOnRandomLogs() {
        var rng = SplitMix64(seed: 35)
        for round in 0..<40 {
            // Few ids for many records (repeats), or many; odd ids too (empty, non-ASCII, a NUL).
            let pool = (0..<Int.random(in: 1...(round % 2 == 0 ? 6 : 300), using: &rng)).map { i in
                ["", "é-\(i)", "a\u{0}\(i)", "Q-2026-\(i)"][i % 4] + (i < 4 ? "" : "#\(i)")
            }
            let count = UInt64.random(in: 0...600, using: &rng)
            var rows: [(caseID: String, seq: UInt64, leaf: Hash)] = []
            var seq: UInt64 = 0
            for _ in 0..<count {
                // Sequence numbers with gaps, as events leave between decision records.
                seq += UInt64.random(in: 1...3, using: &rng)
                let leaf = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
                rows.append((pool.randomElement(using: &rng)!, seq, leaf))
            }
            // Checkpoint sizes: many, some repeated, some between records, one past the end.
            var sizes = (0..<Int.random(in: 1...25, using: &rng)).map { _ in UInt64.random(in: 0...(seq + 2), using: &rng) }
            sizes.sort()
            var builder = CaseIndexBuilder()
            var next = 0
            for size in sizes {
                while next < rows.count && rows[next].seq < size {
                    builder.add(caseID: rows[next].caseID, seq: rows[next].seq, leaf: rows[next].leaf)
                    next += 1
                }
                let rebuilt = CaseIndex(records: rows, below: size)
                #expect(builder.root() == rebuilt.root, "round \(round), size \(size)")
                #expect(builder.cases == rebuilt.entries.count, "round \(round), size \(size)")
            }
            #expect(!builder.outOfOrder)
        }
        var empty = CaseIndexBuilder()
        #expect(empty.root() == Merkle.emptyRoot)
    }

    // MARK: Real logs: many checkpoints, then one signing another index

    static let policy = Result { try CompiledPolicy.load(directory: shippedPolicyPath("quality-complaints")) }

    /// A log, opened through the library, with its operator key.
    struct Log {
        var backend: Backend
        var folder: URL
        var location: String
        var log: any DecisionLog
        var key = Curve25519.Signing.PrivateKey()
        var clock: Int64 = 1_780_000_000_000

        init(_ backend: Backend) throws {
            self.backend = backend
            folder = try temporaryFolder("index-" + backend.rawValue)
            location = try backend.freshLocation(in: folder)
            PostgresDecisionLog.registerScheme()
            log = try DecisionLogs.open(location, create: true)
        }

        /// Appends one decision record per case id given.
        mutating func decide(_ ids: [String]) throws {
            let policy = try CaseIndexScaleTests.policy.get()
            let example = try String(contentsOfFile: shippedPolicyPath("quality-complaints") + "/examples/henan-tier3.json", encoding: .utf8)
            let decided = try policy.decide(json: Array(example.utf8))
            clock += 1000
            let pending = try ids.map { id in
                try PendingRecord(caseID: id, policy: policy.identity, now: nil, input: Array(example.utf8), decisionJSON: Array(decided.json().utf8),
                                  hasExplanation: false, unrecorded: [], recordedAt: Timestamp(millisecondsSinceEpoch: clock))
            }
            _ = try log.append(pending, policies: [try ArchivedPolicy(policy: policy, folder: shippedPolicyPath("quality-complaints"))])
        }

        mutating func checkpoint() throws -> Checkpoint {
            clock += 1000
            return try log.checkpoint(key: key, time: Timestamp(millisecondsSinceEpoch: clock))
        }

        var publicKey: Curve25519.Signing.PublicKey { key.publicKey }

        /// Stores a checkpoint signed with the operator's key, as a forger holding it would.
        func insert(_ c: Checkpoint) throws {
            func bytes(_ b: [UInt8]) -> String { backend == .sqlite ? "X'\(b.hexText)'" : "'\\x\(b.hexText)'::bytea" }
            try backend.execute(location, """
                INSERT INTO verdict_checkpoints (log_id, size, root, time, key, signature, index_root)
                VALUES ('\(c.logID)', \(c.size), \(bytes(c.root)), '\(c.time)', \(bytes(c.publicKey)), \(bytes(c.signature)), \(bytes(c.indexRoot ?? [])))
                """)
        }

        func close() {
            log.close()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    @Test func manyCheckpointsSignTheRebuiltIndexAndOneSigningAnotherIsNamedOnSQLite() throws { try manyCheckpoints(.sqlite) }
    @Test(.needsPostgreSQL) func manyCheckpointsSignTheRebuiltIndexAndOneSigningAnotherIsNamedOnPostgreSQL() throws { try manyCheckpoints(.postgres) }
    func manyCheckpoints(_ backend: Backend) throws {
        var l = try Log(backend)
        defer { l.close() }
        var rng = SplitMix64(seed: 30)
        let ids = (0..<40).map { "C-\($0)" }
        let verifier = IncrementalVerifier(log: l.log)
        _ = try l.checkpoint()   // over no record
        for batch in 0..<12 {
            try l.decide((0..<Int.random(in: 1...30, using: &rng)).map { _ in ids.randomElement(using: &rng)! })
            let c = try l.checkpoint()
            if batch % 4 == 0 { _ = try l.checkpoint() }   // two at the same size
            #expect(try c.indexRoot == CaseIndex.of(l.log, size: c.size).root, "batch \(batch)")
            if batch % 3 == 0 { #expect(try verifier.verify().checkpoints == (try l.log.checkpoints().count)) }
        }
        let count = try l.log.checkpoints().count
        #expect(count == 16)
        let report = try LogVerifier.verify(l.log, key: l.publicKey)
        #expect(report.checkpoints == count && report.events == 0)

        // Signed with the operator's key over the right tree, but over an index that leaves out the
        // last record: verify names that checkpoint, and only it (a full run and an incremental one).
        let state = try l.log.treeState()
        let rows = try l.log.caseLeaves(below: state.size)
        let short = CaseIndex(records: Array(rows.dropLast()), below: state.size)
        let forged = try Checkpoint.sign(logID: l.log.logID, size: state.size, root: state.root, indexRoot: short.root,
                                         time: Timestamp(millisecondsSinceEpoch: l.clock + 1), key: l.key)
        try l.insert(forged)
        try l.decide(["C-1"])
        _ = try l.checkpoint()   // a good one after it
        for run in ["full", "incremental"] {
            do {
                _ = run == "full" ? try LogVerifier.verify(l.log, key: l.publicKey) : try verifier.verify()
                Issue.record("\(run): the forged index verified")
            } catch let e as AuditError {
                #expect(e.kind == .tampered, "\(run)")
                #expect(e.message.hasPrefix("checkpoint #\(count + 1) (\(state.size) records"), "\(run): \(e.message)")
                #expect(e.message.contains("its case index does not match the records"), "\(run): \(e.message)")
            }
        }
    }

    @Test func aRecordsCaseIDEditedIsNamedAtItsRecordNotAsAnIndexMismatch() throws {
        var l = try Log(.sqlite)
        defer { l.close() }
        try l.decide(["A", "B", "A", "C", "D"])
        _ = try l.checkpoint()
        try l.decide(["E", "A"])
        _ = try l.checkpoint()
        try l.backend.execute(l.location, "UPDATE verdict_records SET case_id = 'Z' WHERE seq = 2")
        do {
            _ = try LogVerifier.verify(l.log, key: l.publicKey)
            Issue.record("an edited case id verified")
        } catch let e as AuditError {
            #expect(e.message.contains("record 2"), "\(e.message)")
            #expect(!e.message.contains("case index"), "the record explains the index: \(e.message)")
        }
    }

    // MARK: Version events against the archive

    @Test func aVersionEventsVersionMustBeArchivedAndSayWhatItsFilesSay() throws {
        let l = try Log(.sqlite)
        defer { l.close() }
        let policy = try Self.policy.get()
        let archive = try ArchivedPolicy(policy: policy, folder: shippedPolicyPath("quality-complaints"))
        let id = policy.identity
        let at = Timestamp(millisecondsSinceEpoch: l.clock)
        _ = try l.log.appendVersionEvents([PendingVersionEvent(kind: .activated, set: id.name, version: id.version, digest: id.digest, trigger: "startup", recordedAt: at)],
                                          policies: [archive])
        let ok = try LogVerifier.verify(l.log)
        #expect(ok.records == 1 && ok.events == 1 && ok.decisionRecords == 0)
        #expect(ok.policies.map { $0.digest } == [id.digest], "a version only an event names is checked and listed")

        // An event naming a version its archived files do not say.
        _ = try l.log.appendVersionEvents([PendingVersionEvent(kind: .retired, set: id.name, version: "9.9.9", digest: id.digest, trigger: "stop", recordedAt: at)],
                                          policies: [])
        do {
            _ = try LogVerifier.verify(l.log)
            Issue.record("an event naming another version verified")
        } catch let e as AuditError {
            #expect(e.kind == .archive && e.message.contains("version event 1 names version 9.9.9 of \(id.digest), but its archived files say \(id.version)"), "\(e.message)")
        }

        // The archive entry deleted: the event's version is missing.
        try l.backend.execute(l.location, "DELETE FROM verdict_policies")
        do {
            _ = try LogVerifier.verify(l.log)
            Issue.record("an event whose version is not archived verified")
        } catch let e as AuditError {
            #expect(e.kind == .archive && e.message.contains("version event 0 names policy \(id.digest), which is missing from the archive"), "\(e.message)")
        }
    }
}
