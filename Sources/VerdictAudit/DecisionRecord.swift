import Verdict

/// A decision ready to be appended: everything but its sequence number, which the log assigns
/// under its write lock.
///
/// A record's bytes (what the Merkle leaf hashes) are one line of JSON, in this order:
/// `{"seq":N,"recorded_at":…,"case":…,"policy":{"name","version","digest"},"verdict":…,"now":…,"input":{…},"decision":{…}}`
/// — `input` is the case as received in canonical JSON (personal fields no rule reads left out),
/// `decision` the decision's JSON without explanation (outputs, clock results), `now` the instant
/// its clocks were judged at (absent when none was given), `verdict` the library version.
public struct PendingRecord: Sendable {
    public var caseID: String
    public var digest: String
    public var recordedAt: Timestamp
    /// The record's bytes after `{"seq":N`.
    public var tail: [UInt8]

    /// - Parameters:
    ///   - decisionJSON: the decision's JSON (with or without an explanation, which is not recorded).
    ///   - input: the case's JSON as received.
    ///   - unrecorded: top-level input fields to leave out (see ``DecisionLogWriter/unrecordedFields(of:)``).
    public init(caseID: String, policy: PolicyIdentity, now: Timestamp?, input: [UInt8], decisionJSON: [UInt8],
                hasExplanation: Bool, unrecorded: Set<String>, recordedAt: Timestamp) throws(AuditError) {
        if let bad = caseID.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw AuditError(.usage, "case `\(TextEscaping.escaped(caseID))`: its id holds a control character (U+\(String(bad.value, radix: 16, uppercase: true))), which a log does not record")
        }
        self.caseID = caseID
        digest = policy.digest
        self.recordedAt = recordedAt
        let canonicalInput: [UInt8]
        do { canonicalInput = try CanonicalJSON.canonical(input, dropping: unrecorded) } catch {
            throw AuditError(.usage, "case `\(caseID)`: its input is not JSON (\(error))")
        }
        let decision = Self.recordedDecision(decisionJSON, hasExplanation: hasExplanation)
        var w = JSONWriter()
        w.field("recorded_at", recordedAt.rfc3339(in: .utc))
        w.field("case", caseID)
        w.key("policy")
        w.object { w in
            w.field("name", policy.name)
            w.field("version", policy.version)
            w.field("digest", policy.digest)
        }
        w.field("verdict", VerdictVersion.current)
        if let now { w.field("now", now.rfc3339(in: .utc)) }
        // `w` wrote `"recorded_at":…` as an object's members without braces; splice the rest.
        var t: [UInt8] = [44]
        t.append(contentsOf: w.bytes)
        t.append(contentsOf: Array(#","input":"#.utf8))
        t.append(contentsOf: canonicalInput)
        t.append(contentsOf: Array(#","decision":"#.utf8))
        t.append(contentsOf: decision)
        t.append(125)
        tail = t
    }

    /// The part of a decision's JSON a record keeps: everything from `"outputs"` on (outputs, `now`,
    /// clock results), without the explanation; the case id and the policy are record fields already.
    public static func recordedDecision(_ json: [UInt8], hasExplanation: Bool) -> [UInt8] {
        if hasExplanation {
            guard let v = try? JSONReader.parse(json) else { return json }
            var out: [UInt8] = []
            CanonicalJSON.writeInOrder(v, to: &out, droppingTopLevel: ["explanation", "case", "policy"])
            return out
        }
        // `,"outputs":` cannot occur inside a JSON string (a quote there is escaped), so the first one
        // is the top-level member (the case id and the policy identity come before it).
        let marker: [UInt8] = Array(#","outputs":"#.utf8)
        guard json.count > marker.count else { return json }
        var i = 1
        let last = json.count - marker.count
        while i <= last {
            if json[i] == 44, json[i + 1] == 34, json[i + 2] == 111, json[i &+ 3] == 117 {
                var j = 4
                while j < marker.count && json[i + j] == marker[j] { j += 1 }
                if j == marker.count {
                    var out: [UInt8] = [123]
                    out.append(contentsOf: json[(i + 1)...])
                    return out
                }
            }
            i += 1
        }
        return json
    }

    /// The full record bytes once its sequence number is known.
    public func bytes(seq: UInt64) -> [UInt8] {
        var out: [UInt8] = Array(#"{"seq":"#.utf8)
        out.reserveCapacity(tail.count + 28)
        out.append(contentsOf: Array(String(seq).utf8))
        out.append(contentsOf: tail)
        return out
    }
}

/// A record as stored: its bytes, its leaf hash, and the columns the log indexes it by.
public struct StoredRecord: Sendable {
    public var seq: UInt64
    public var caseID: String
    public var digest: String
    public var recordedAt: Int64
    public var body: [UInt8]
    public var leaf: Hash

    public init(seq: UInt64, caseID: String, digest: String, recordedAt: Int64, body: [UInt8], leaf: Hash) {
        self.seq = seq
        self.caseID = caseID
        self.digest = digest
        self.recordedAt = recordedAt
        self.body = body
        self.leaf = leaf
    }

    /// The sequence number the bytes themselves carry (`{"seq":N,`), or nil when they do not start so.
    public var embeddedSeq: UInt64? {
        let prefix = Array(#"{"seq":"#.utf8)
        guard body.count > prefix.count, body.starts(with: prefix) else { return nil }
        var n: UInt64 = 0
        var i = prefix.count
        while i < body.count, body[i] >= 48, body[i] <= 57 {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(body[i] - 48))
            if o1 || o2 { return nil }
            n = a
            i += 1
        }
        guard i > prefix.count, i < body.count, body[i] == 44 else { return nil }
        return n
    }

    /// The record's fields, checked against its columns.
    public func parsed() throws(AuditError) -> RecordView {
        let view = try RecordView(bytes: body, seq: seq, column: (caseID, digest))
        if view.recordedAt.millisecondsSinceEpoch != recordedAt {
            throw AuditError(.tampered, "record \(seq): its index columns disagree with its content: its `recorded_at` column says \(Self.describe(recordedAt)), its content \(view.recordedAt.rfc3339(in: .utc)): edited by hand")
        }
        return view
    }

    /// Why the columns a command reads (sequence number, recorded-at, case id, policy digest) do not
    /// say what the record's bytes say, or nil when they agree. Checked on the bytes, without parsing
    /// the record: Verdict writes `{"seq":N,"recorded_at":"…","case":…,"policy":{…,"digest":…},` in
    /// that order, so the columns give the exact bytes the record must start with.
    public var indexProblem: String? {
        var head: [UInt8] = Array(#"{"seq":"#.utf8)
        head.append(contentsOf: Array(String(seq).utf8))
        head.append(contentsOf: Array(#","recorded_at":"#.utf8))
        head.append(contentsOf: Array(JSONWriter.quoted(Self.describe(recordedAt)).utf8))
        let timeEnd = head.count
        head.append(contentsOf: Array(#","case":"#.utf8))
        head.append(contentsOf: Array(JSONWriter.quoted(caseID).utf8))
        head.append(contentsOf: Array(#","policy":{"#.utf8))
        if !body.starts(with: head) {
            if embeddedSeq != seq { return "record \(seq): its content is not record \(seq) (edited by hand)" }
            if !body.starts(with: head[..<timeEnd]) {
                return "record \(seq): its index columns disagree with its content: its `recorded_at` column says \(Self.describe(recordedAt)), edited by hand"
            }
            return "record \(seq): its index columns disagree with its content: its `case_id` column says `\(TextEscaping.escaped(caseID))`, edited by hand"
        }
        // The first `"digest":` is the policy's (a quote inside a string before it would be escaped).
        let digestKey = Array(#""digest":"#.utf8)
        let expected = digestKey + Array(JSONWriter.quoted(digest).utf8) + [125]
        guard let at = LogVerifier.firstIndex(of: digestKey, in: body), body[at...].starts(with: expected) else {
            return "record \(seq): its index columns disagree with its content: its `digest` column says \(TextEscaping.escaped(digest)), edited by hand"
        }
        return nil
    }

    /// A `recorded_at` column as RFC 3339 text; a value outside the years 0001–9999 (edited by hand)
    /// as its number, which no record starts with.
    static func describe(_ ms: Int64) -> String {
        guard (-62_135_596_800_000...253_402_300_799_999).contains(ms) else { return "\(ms) ms after 1970" }
        return Timestamp(millisecondsSinceEpoch: ms).rfc3339(in: .utc)
    }
}

/// A record's fields, read from its bytes.
public struct RecordView: Sendable {
    public var seq: UInt64
    public var recordedAt: Timestamp
    public var caseID: String
    public var policyName: String
    public var policyVersion: String
    public var digest: String
    public var verdictVersion: String
    public var now: Timestamp?
    /// The recorded input, canonical JSON.
    public var input: [UInt8]
    /// The recorded decision's JSON, as Verdict wrote it.
    public var decision: [UInt8]
    package var value: JSONValue

    public init(bytes: [UInt8], seq expectedSeq: UInt64?, column: (caseID: String, digest: String)?) throws(AuditError) {
        let at = expectedSeq.map { "record \($0)" } ?? "the record"
        guard let v = try? JSONReader.parse(bytes) else { throw AuditError(.tampered, "\(at) is not valid JSON: it was edited or corrupted") }
        func str(_ k: String, in o: JSONValue? = nil) throws(AuditError) -> String {
            guard case .string(let s)? = (o ?? v).member(k) else { throw AuditError(.tampered, "\(at) has no `\(k)` string: not a record Verdict wrote") }
            return s
        }
        guard case .number(let n)? = v.member("seq"), let seq = UInt64(n) else { throw AuditError(.tampered, "\(at) has no sequence number") }
        if let expectedSeq, seq != expectedSeq { throw AuditError(.tampered, "\(at) says it is record \(seq): records were reordered, inserted or deleted") }
        self.seq = seq
        guard let t = try? Timestamp(rfc3339: try str("recorded_at")) else { throw AuditError(.tampered, "\(at): `recorded_at` is not a timestamp") }
        recordedAt = t
        caseID = try str("case")
        guard let p = v.member("policy") else { throw AuditError(.tampered, "\(at) has no `policy`") }
        policyName = try str("name", in: p)
        policyVersion = try str("version", in: p)
        digest = try str("digest", in: p)
        verdictVersion = try str("verdict")
        if case .string(let s)? = v.member("now") {
            guard let t = try? Timestamp(rfc3339: s) else { throw AuditError(.tampered, "\(at): `now` is not a timestamp") }
            now = t
        }
        guard let i = v.member("input"), case .object = i, let d = v.member("decision"), case .object = d else {
            throw AuditError(.tampered, "\(at) lacks its `input` or `decision`")
        }
        var ib: [UInt8] = [], db: [UInt8] = []
        CanonicalJSON.write(i, to: &ib)
        CanonicalJSON.writeInOrder(d, to: &db)
        input = ib
        decision = db
        value = v
        if let column, column.caseID != caseID || column.digest != digest {
            throw AuditError(.tampered, "\(at): its index columns (case `\(TextEscaping.escaped(column.caseID))`, \(TextEscaping.escaped(column.digest))) disagree with its content (case `\(TextEscaping.escaped(caseID))`, \(TextEscaping.escaped(digest))): edited by hand")
        }
    }
}

extension CanonicalJSON {
    /// Compact JSON keeping members in document order (how Verdict writes decisions).
    package static func writeInOrder(_ value: JSONValue, to out: inout [UInt8], droppingTopLevel: Set<String> = []) {
        switch value {
        case .array(let items):
            out.append(91)
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(44) }
                writeInOrder(item, to: &out)
            }
            out.append(93)
        case .object(let members):
            out.append(123)
            var first = true
            for m in members where !droppingTopLevel.contains(m.key) {
                if !first { out.append(44) }
                first = false
                quote(m.key, to: &out)
                out.append(58)
                writeInOrder(m.value, to: &out)
            }
            out.append(125)
        default:
            write(value, to: &out)
        }
    }
}
