import Crypto
import Foundation
import Verdict

/// The checks of one decision record that need nothing but the record itself — its bytes against
/// its leaf hash, its columns against the bytes it starts with — and its case id's key in the case
/// index: what `audit verify` works out on the thread reading the log, while another thread checks
/// the records in sequence (``LogVerifier``). Each outcome is reported with the same words as
/// checking the record alone: the first that applies of "not a record", "holds another record",
/// "altered", "columns disagree".
///
/// A record as Verdict writes it is checked on its bytes in place, without allocating: its first
/// bytes are compared with what its columns say they must be (the `recorded_at` and digest columns,
/// which come in runs, as bytes kept from the record before). Anything else — a case id that JSON
/// escapes, a record that does not start as expected — takes the general checks
/// (``StoredRecord/embeddedSeq``, ``StoredRecord/indexProblem``), which say why.
struct RecordPrecheck {
    enum Outcome: Sendable {
        case intact
        /// The bytes do not start `{"seq":N,`.
        case notRecord
        /// The bytes carry this other sequence number.
        case holds(UInt64)
        /// The bytes do not give the stored leaf hash.
        case altered
        /// The columns disagree with the bytes: why.
        case columns(String)
    }

    struct Result: Sendable {
        var outcome: Outcome
        /// The key of the record's case id column in the case index.
        var key: CaseIndexBuilder.Word32
    }

    /// The last `recorded_at` column seen and the quoted time a record with it starts with.
    private var lastTime: Int64?
    private var timeBytes: [UInt8] = []
    /// The last digest column seen and the bytes its record's first `"digest":` must start.
    private var lastDigest: String?
    private var digestBytes: [UInt8] = []

    private static let seqKey = Array(#"{"seq":"#.utf8)
    private static let timeKey = Array(#","recorded_at":"#.utf8)
    private static let caseKey = Array(#","case":"#.utf8)
    private static let policyKey = Array(#","policy":{"#.utf8)
    private static let digestKey = Array(#""digest":"#.utf8)

    mutating func check(_ r: StoredRecord) -> Result {
        let key = CaseIndexBuilder.key(caseID: r.caseID)
        if startsAsColumnsSay(r) {
            return Result(outcome: leafMatches(r) ? .intact : .altered, key: key)
        }
        guard let embedded = r.embeddedSeq else { return Result(outcome: .notRecord, key: key) }
        if embedded != r.seq { return Result(outcome: .holds(embedded), key: key) }
        if Merkle.leafHash(r.body) != r.leaf { return Result(outcome: .altered, key: key) }
        if let problem = r.indexProblem { return Result(outcome: .columns(problem), key: key) }
        return Result(outcome: .intact, key: key)
    }

    /// Whether SHA-256(0x00 ‖ bytes) is the stored leaf hash.
    func leafMatches(_ r: StoredRecord) -> Bool {
        guard r.leaf.count == 32 else { return false }
        var h = SHA256()
        withUnsafeBytes(of: UInt8(0)) { h.update(bufferPointer: $0) }
        r.body.withUnsafeBytes { h.update(bufferPointer: $0) }
        return h.finalize().withUnsafeBytes { d in r.leaf.withUnsafeBytes { memcmp(d.baseAddress!, $0.baseAddress!, 32) == 0 } }
    }

    /// True only when the record's bytes start `{"seq":N,"recorded_at":T,"case":C,"policy":{` with
    /// N, T and C its columns, and its first `"digest":` is followed by its digest column and `}`:
    /// then its sequence number is the one it carries and its columns agree with it
    /// (``StoredRecord/indexProblem`` is nil). False also when unsure (a case id JSON escapes).
    mutating func startsAsColumnsSay(_ r: StoredRecord) -> Bool {
        if lastTime != r.recordedAt {
            lastTime = r.recordedAt
            timeBytes = Array(JSONWriter.quoted(StoredRecord.describe(r.recordedAt)).utf8)
        }
        if lastDigest != r.digest {
            lastDigest = r.digest
            digestBytes = Self.digestKey + Array(JSONWriter.quoted(r.digest).utf8) + [125]
        }
        var id = r.caseID
        return r.body.withUnsafeBufferPointer { b -> Bool in
            id.withUTF8 { u in Self.starts(b, seq: r.seq, time: timeBytes, caseID: u, digest: digestBytes) }
        }
    }

    /// The bytes of `bytes` at `b[i...]`: the index after them, or nil.
    private static func match(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard b.count - i >= bytes.count else { return nil }
        if bytes.count > 0, memcmp(b.baseAddress! + i, bytes.baseAddress!, bytes.count) != 0 { return nil }
        return i + bytes.count
    }

    private static func match(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { match(b, i, $0) }
    }

    /// ``startsAsColumnsSay(_:)`` on the bytes, with no nested function or closure holding the position
    /// (a captured variable is checked for exclusive access at every use).
    private static func starts(_ b: UnsafeBufferPointer<UInt8>, seq: UInt64, time: [UInt8], caseID u: UnsafeBufferPointer<UInt8>,
                               digest: [UInt8]) -> Bool {
        guard var i = match(b, 0, seqKey) else { return false }
        // The number as `String(seq)` writes it: digits, no leading zero.
        let first = i
        var n: UInt64 = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b[i] - 48))
            if o1 || o2 { return false }
            n = a
            i += 1
        }
        guard i > first, i - first == 1 || b[first] != 48, n == seq else { return false }
        guard let t = match(b, i, timeKey), let c = match(b, t, time), let q = match(b, c, caseKey) else { return false }
        guard q < b.count, b[q] == 34 else { return false }
        // A byte JSON escapes (a control character, `"`, `\`): the general check decides.
        for c in u where c < 0x20 || c == 34 || c == 92 { return false }
        guard let e = match(b, q + 1, u), e < b.count, b[e] == 34, match(b, e + 1, policyKey) != nil else { return false }
        // The first `"digest":` anywhere in the bytes, followed by the digest column and `}`.
        guard let at = digestKey.withUnsafeBufferPointer({ firstIndex(of: $0, in: b) }) else { return false }
        return match(b, at, digest) != nil
    }

    /// The first position of `needle` (not empty) in `haystack`.
    static func firstIndex(of needle: UnsafeBufferPointer<UInt8>, in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard needle.count > 0, needle.count <= haystack.count else { return needle.isEmpty ? 0 : nil }
        let first = needle[0]
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, memcmp(haystack.baseAddress! + i, needle.baseAddress!, needle.count) == 0 { return i }
            i += 1
        }
        return nil
    }
}
