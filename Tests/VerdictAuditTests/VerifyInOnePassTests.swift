import Crypto
import Foundation
import Testing
import Verdict
@testable import VerdictAudit

/// Issue 30: `audit verify` in one pass on two threads — each record's own checks made ahead
/// (``RecordPrecheck``) say what checking it alone says, the case index tree hashed on two threads
/// gives the rebuilt root, and a checkpoint signing another index in the middle of many is named.
@Suite("verify in one pass (issue 30)", .serialized)
struct VerifyInOnePassTests {
    /// The checks of one record as the verifier made them before they moved ahead of the walk.
    static func reference(_ r: StoredRecord) -> String {
        guard let embedded = r.embeddedSeq else { return "notRecord" }
        if embedded != r.seq { return "holds \(embedded)" }
        if Merkle.leafHash(r.body) != r.leaf { return "altered" }
        if let p = r.indexProblem { return "columns \(p)" }
        return "intact"
    }

    static func describe(_ o: RecordPrecheck.Outcome) -> String {
        switch o {
        case .intact: return "intact"
        case .notRecord: return "notRecord"
        case .holds(let s): return "holds \(s)"
        case .altered: return "altered"
        case .columns(let p): return "columns \(p)"
        }
    }

    @Test func eachRecordsOwnChecksSayWhatCheckingItAloneSays() throws {
        var l = try CaseIndexScaleTests.Log(.sqlite)
        defer { l.close() }
        try l.decide(["A", "B-é", "C"])
        let base = try #require(try l.log.record(seq: 1))
        var variants: [StoredRecord] = [base]
        func edit(_ change: (inout StoredRecord) -> Void) { var r = base; change(&r); variants.append(r) }
        func text(_ r: StoredRecord) -> String { String(decoding: r.body, as: UTF8.self) }
        edit { $0.caseID = "Z" }                                         // case id column
        edit { $0.caseID = "B-\u{0}" }                                    // one JSON escapes
        edit { $0.caseID = "B\"é" }
        edit { $0.recordedAt += 1 }                                       // recorded_at column
        edit { $0.digest = "0" + $0.digest.dropFirst() }                  // digest column
        edit { $0.seq = 2 }                                               // another record's content
        edit { $0.seq = 11 }                                              // a seq the bytes only start like
        edit { $0.body = Array(text($0).replacingOccurrences(of: "{\"seq\":1,", with: "{\"seq\":01,").utf8) }
        edit { $0.body = Array(text($0).replacingOccurrences(of: "{\"seq\":1,", with: "{\"seq\":18446744073709551617,").utf8) }
        edit { $0.body = Array(text($0).replacingOccurrences(of: "\"case\":\"B-é\"", with: "\"case\":\"B-e\"").utf8) }
        edit { $0.body = Array(text($0).replacingOccurrences(of: "\"digest\":\"", with: "\"digest\":\"0").utf8) }
        edit { $0.body[$0.body.count - 3] ^= 1 }                          // the decision's bytes
        edit { $0.body = Array($0.body.dropFirst()) }                     // not a record at all
        edit { $0.body = [] }
        edit { $0.leaf[0] ^= 1 }                                          // the leaf column
        edit { $0.leaf = Array($0.leaf.prefix(31)) }
        edit { $0.leaf = [] }
        var precheck = RecordPrecheck()
        var outcomes: Set<String> = []
        for (i, r) in variants.enumerated() {
            let got = precheck.check(r)
            #expect(Self.describe(got.outcome) == Self.reference(r), "variant \(i)")
            #expect(got.key == CaseIndexBuilder.key(caseID: r.caseID), "variant \(i)")
            outcomes.insert(String(Self.describe(got.outcome).prefix(while: { $0 != " " })))
        }
        // Every kind of outcome was met (the variants exercise each).
        #expect(outcomes == ["intact", "notRecord", "holds", "altered", "columns"])
    }

    @Test func theIndexTreeHashedOnTwoThreadsIsTheRebuiltRoot() {
        var rng = SplitMix64(seed: 30)
        // Around the sizes where the two threads' parts split (4 · 4096 entries and more), odd and even.
        for cases in [16_383, 16_384, 16_385, 20_001, 40_960, 65_537] {
            var rows: [(caseID: String, seq: UInt64, leaf: Hash)] = []
            for seq in 0..<UInt64(cases + cases / 7) {
                // Some cases have several records (a running records_hash), most one.
                let id = seq < UInt64(cases) ? "K-\(seq)" : "K-\(UInt64.random(in: 0..<UInt64(cases), using: &rng))"
                rows.append((id, seq, (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }))
            }
            var builder = CaseIndexBuilder()
            let half = rows.count / 2
            for r in rows[..<half] { builder.add(caseID: r.caseID, seq: r.seq, leaf: r.leaf) }
            #expect(builder.root() == CaseIndex(records: rows, below: UInt64(half)).root, "\(cases) cases, first half")
            for r in rows[half...] { builder.add(caseID: r.caseID, seq: r.seq, leaf: r.leaf) }
            #expect(builder.root() == CaseIndex(records: rows, below: UInt64(rows.count)).root, "\(cases) cases")
        }
    }

    @Test func aLeafColumnOfAnotherLengthIsIndexedAsTheRebuildIndexesIt() {
        let rows: [(caseID: String, seq: UInt64, leaf: Hash)] = [("A", 0, [1, 2, 3]), ("A", 1, Array(repeating: 7, count: 32)), ("B", 2, Array(repeating: 9, count: 32)),
                                                                 ("B", 3, []), ("C", 4, Array(repeating: 5, count: 33))]
        var builder = CaseIndexBuilder()
        for (i, r) in rows.enumerated() {
            builder.add(caseID: r.caseID, seq: r.seq, leaf: r.leaf)
            #expect(builder.root() == CaseIndex(records: rows, below: UInt64(i + 1)).root, "after record \(i)")
        }
    }

    @Test func aCheckpointSigningAnotherIndexAmongManyIsNamedAtItsPlaceInOnePass() throws {
        var l = try CaseIndexScaleTests.Log(.sqlite)
        defer { l.close() }
        var forgedNumber = 0
        for batch in 0..<8 {
            try l.decide((0..<(5 + batch)).map { "P-\(($0 * 7 + batch) % 23)" })
            if batch == 4 {
                // Over the right tree, signed with the operator's key, but over an index whose case
                // ids are those of another log (one record's id changed): the fifth of nine.
                let state = try l.log.treeState()
                var rows = try l.log.caseLeaves(below: state.size)
                rows[rows.count - 1].caseID = "elsewhere"
                let c = try Checkpoint.sign(logID: l.log.logID, size: state.size, root: state.root,
                                            indexRoot: CaseIndex(records: rows, below: state.size).root,
                                            time: Timestamp(millisecondsSinceEpoch: l.clock + 1), key: l.key)
                try l.insert(c)
                forgedNumber = try l.log.checkpoints().count
            } else {
                _ = try l.checkpoint()
            }
        }
        #expect(forgedNumber == 5)
        do {
            _ = try LogVerifier.verify(l.log, key: l.publicKey)
            Issue.record("a checkpoint over another index verified")
        } catch let e as AuditError {
            #expect(e.kind == .tampered)
            #expect(e.message.hasPrefix("checkpoint #5 ("), "\(e.message)")
            #expect(e.message.contains("its case index does not match the records"), "\(e.message)")
            #expect(!e.message.contains("problems"), "only that checkpoint is named: \(e.message)")
        }
    }
}
