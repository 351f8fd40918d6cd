import Crypto
import Foundation
import Verdict

/// A policy version starting or ending service — at start-up, by a reload — recorded as a leaf of the
/// log's Merkle tree beside the decisions, numbered in the same sequence (docs/auditing.md, "Version
/// history").
///
/// Its bytes are one line of JSON, in this order:
/// `{"seq":N,"event":"activated"|"retired","recorded_at":…,"set":…,"version":…,"digest":…,"trigger":…}`
/// then `"by":…` when who caused it is known, then `"instance":…` when the writing process is known
/// (``processInstance``); its leaf hash is `SHA-256(0x02 ‖ bytes)`, so an event can
/// never pass for a decision record (`0x00`), nor a record for an event.
public struct PendingVersionEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case activated, retired }
    public var kind: Kind
    public var set: String
    public var version: String
    public var digest: String
    /// What caused it: `startup`, `watch`, `signal`, `request` (the reload endpoint), `call`.
    public var trigger: String
    /// Who caused it, when known (a token's name).
    public var by: String?
    /// The process that wrote it (``processInstance`` for this one), so that ``VersionHistory`` can tell
    /// two instances sharing one log apart; nil for events written before Verdict recorded it.
    public var instance: String?
    public var recordedAt: Timestamp

    public init(kind: Kind, set: String, version: String, digest: String, trigger: String, by: String? = nil, instance: String? = nil, recordedAt: Timestamp) {
        self.kind = kind
        self.set = set
        self.version = version
        self.digest = digest
        self.trigger = trigger
        self.by = by
        self.instance = instance
        self.recordedAt = recordedAt
    }

    /// This process's instance identifier: 16 lowercase hex digits (8 random bytes from the system's
    /// secure generator), made once when the process first asks for it. It says nothing about the host,
    /// the user or the time, and two processes — two instances, or one restarted — have the same one
    /// with a chance of about 1 in 2^64.
    public static let processInstance: String = {
        var g = SystemRandomNumberGenerator()
        return (0..<8).map { _ in
            let b = UInt8.random(in: 0...255, using: &g)
            return String(b >> 4, radix: 16) + String(b & 0xf, radix: 16)
        }.joined()
    }()

    /// The event's bytes once its sequence number is known.
    public func bytes(seq: UInt64) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.field("seq", Int(seq))
            w.field("event", kind.rawValue)
            w.field("recorded_at", recordedAt.rfc3339(in: .utc))
            w.field("set", set)
            w.field("version", version)
            w.field("digest", digest)
            w.field("trigger", trigger)
            if let by { w.field("by", by) }
            if let instance { w.field("instance", instance) }
        }
        return w.bytes
    }

    /// The domain byte of a version event's leaf.
    public static let leafPrefix: UInt8 = 2

    public static func leafHash(_ bytes: [UInt8]) -> Hash {
        var h = SHA256()
        h.update(data: [leafPrefix])
        h.update(data: bytes)
        return Array(h.finalize())
    }
}

/// An event as stored — a version event or a change event (``PendingChangeEvent``), both in the log's
/// events table under the same leaf domain: its bytes and leaf hash.
public struct StoredVersionEvent: Sendable {
    public var seq: UInt64
    public var body: [UInt8]
    public var leaf: Hash

    public init(seq: UInt64, body: [UInt8], leaf: Hash) {
        self.seq = seq
        self.body = body
        self.leaf = leaf
    }

    /// The event's fields read from its bytes, which must be a version event numbered `seq` whose leaf
    /// hash is stored; a change event (``PendingChangeEvent``) is refused with a usage error (read it
    /// with ``parsedEvent()``).
    public func parsed() throws(AuditError) -> VersionEventView {
        switch try parsedEvent() {
        case .version(let v): return v
        case .change: throw AuditError(.usage, "event \(seq) is a change event, not a version event")
        }
    }
}

/// A version event's fields.
public struct VersionEventView: Sendable, Equatable {
    public var seq: UInt64
    public var kind: PendingVersionEvent.Kind
    public var recordedAt: Timestamp
    public var set: String
    public var version: String
    public var digest: String
    public var trigger: String
    public var by: String?
    /// The process that wrote it; nil in events written before Verdict recorded it.
    public var instance: String?

    public init(bytes: [UInt8], seq expected: UInt64) throws(AuditError) {
        let e = try EventFields(bytes, at: "version event \(expected)", seq: expected)
        seq = expected
        guard let kind = PendingVersionEvent.Kind(rawValue: try e.string("event")) else { throw AuditError(.tampered, "\(e.at): `event` is neither `activated` nor `retired`") }
        self.kind = kind
        recordedAt = try e.recordedAt()
        set = try e.string("set")
        version = try e.string("version")
        digest = try e.string("digest")
        trigger = try e.string("trigger")
        by = e.optionalString("by")
        instance = try e.stringIfPresent("instance")
    }
}

/// An event's bytes read as JSON, with what every kind of event is checked for: that they parse, that
/// they say they are leaf `seq`, and members of their types — each failure named as tampering at `at`.
struct EventFields {
    let at: String
    private let value: JSONValue

    init(_ bytes: [UInt8], at: String, seq expected: UInt64) throws(AuditError) {
        self.at = at
        guard let v = try? JSONReader.parse(bytes) else { throw AuditError(.tampered, "\(at) is not valid JSON: it was edited or corrupted") }
        value = v
        guard case .number(let n)? = v.member("seq"), let seq = UInt64(n), seq == expected else {
            throw AuditError(.tampered, "\(at) does not say it is leaf \(expected): events were reordered, inserted or deleted")
        }
    }

    func string(_ k: String) throws(AuditError) -> String {
        guard case .string(let s)? = value.member(k) else { throw AuditError(.tampered, "\(at) has no `\(k)` string: not an event Verdict wrote") }
        return s
    }

    func optionalString(_ k: String) -> String? {
        if case .string(let s)? = value.member(k) { return s }
        return nil
    }

    /// The member `k`: nil when absent, its string when a string, and tampering when anything else.
    func stringIfPresent(_ k: String) throws(AuditError) -> String? {
        switch value.member(k) {
        case nil: return nil
        case .string(let s)?: return s
        default: throw AuditError(.tampered, "\(at): `\(k)` is not a string")
        }
    }

    func recordedAt() throws(AuditError) -> Timestamp {
        guard let t = try? Timestamp(rfc3339: try string("recorded_at")) else { throw AuditError(.tampered, "\(at): `recorded_at` is not a timestamp") }
        return t
    }
}

/// What `verdict audit versions` shows: each version's spells of service, from the log's events.
public struct VersionHistory: Sendable {
    public struct Spell: Sendable, Equatable {
        public var set: String
        public var version: String
        public var digest: String
        public var from: Timestamp
        public var fromTrigger: String
        public var fromSeq: UInt64
        /// Nil while it still serves (as far as the log knows).
        public var until: Timestamp?
        public var untilTrigger: String?
        public var untilSeq: UInt64?
    }
    public var spells: [Spell]

    /// Who serves a version while its spell is open: each instance (an event's `instance`) with how
    /// many activations of it are not yet retired, and the activations written without an instance.
    private struct Holders {
        var named: [String: Int] = [:]
        var unnamed = 0
        var isEmpty: Bool { named.isEmpty && unnamed == 0 }

        mutating func add(_ instance: String?) {
            if let instance { named[instance, default: 0] += 1 } else { unnamed += 1 }
        }

        /// One activation ended: the instance's own, or else one written without an instance.
        mutating func remove(_ instance: String?) {
            if let instance, let n = named[instance] {
                named[instance] = n > 1 ? n - 1 : nil
            } else if unnamed > 0 {
                unnamed -= 1
            }
        }
    }

    /// The spells from the log's events in sequence order (each read against its leaf hash).
    ///
    /// A version's spell (per set and digest) begins at an activation while nothing serves it and ends
    /// at the retirement that leaves nothing serving it; what serves it is counted per instance (the
    /// events' `instance`). So with two instances on one log, the second's start-up joins the spell
    /// the first began, and the spell ends at the last instance's retirement; overlapping batch runs
    /// make one spell the same way. A start-up ends, in its set, the service of every instance that
    /// never retired it and recorded nothing after that start-up (killed — a restarted process is a
    /// new instance — the log cannot say when; read as before, at the next start-up), and of its own
    /// instance: a spell nothing else serves ends there, `startup (no stop recorded)`. Events without
    /// `instance` (written before Verdict recorded it) are read as before: each activation serves
    /// until one retirement; any start-up in the set ends them; a start-up without `instance` ends
    /// every spell open in its set.
    public static func of(_ log: any DecisionLog) throws -> VersionHistory {
        // Change events share the table and the tree; they are the change history's, not this.
        let events: [VersionEventView] = try log.versionEvents().compactMap {
            if case .version(let v) = try $0.parsedEvent() { return v }
            return nil
        }
        var lastEvent: [String: UInt64] = [:] // instance → sequence number of its last version event
        for v in events { if let i = v.instance { lastEvent[i] = v.seq } }
        var spells: [Spell] = []
        var open: [String: Int] = [:]        // set + digest → index of its open spell
        var holders: [String: Holders] = [:] // set + digest → what serves it while its spell is open
        for v in events {
            let k = v.set + "\u{0}" + v.digest
            switch v.kind {
            case .activated:
                // A start-up ends what was served without a `stop` event by processes since silent (killed).
                if v.trigger == "startup" {
                    for (key, i) in open where spells[i].set == v.set {
                        var h = holders[key] ?? Holders()
                        if v.instance == nil {
                            h = Holders()
                        } else {
                            h.unnamed = 0
                            h.named = h.named.filter { instance, _ in instance != v.instance && (lastEvent[instance] ?? 0) > v.seq }
                        }
                        holders[key] = h
                        if h.isEmpty {
                            spells[i].until = v.recordedAt
                            spells[i].untilTrigger = "startup (no stop recorded)"
                            open[key] = nil
                        }
                    }
                }
                if open[k] == nil {
                    holders[k] = Holders()
                    open[k] = spells.count
                    spells.append(Spell(set: v.set, version: v.version, digest: v.digest, from: v.recordedAt, fromTrigger: v.trigger, fromSeq: v.seq))
                }
                holders[k, default: Holders()].add(v.instance)
            case .retired:
                guard let i = open[k] else { continue }
                var h = holders[k] ?? Holders()
                h.remove(v.instance)
                holders[k] = h
                // Instances (or runs) still serving it: the spell goes on until the last retires it.
                guard h.isEmpty else { continue }
                holders[k] = nil
                open[k] = nil
                spells[i].until = v.recordedAt
                spells[i].untilTrigger = v.trigger
                spells[i].untilSeq = v.seq
            }
        }
        return VersionHistory(spells: spells)
    }
}

extension ArchivedPolicy {
    /// Where ``export(into:)`` writes each file, relative to the folder given: the set's own files under
    /// the last folder names of its original folder (as many as its includes climb with `..`, at least
    /// one), and each included file where its `../` path leads from there — so the written set loads,
    /// with its includes, exactly as it did. Nil when a path would leave the folder (an archive edited by hand).
    public var exportLayout: (setFolder: String, files: [(file: File, path: String)])? {
        let climbs = files.map { f in f.path.split(separator: "/", omittingEmptySubsequences: false).prefix { $0 == ".." }.count }.max() ?? 0
        var names = folder.split(separator: "/").map(String.init).filter { $0 != "." && $0 != ".." && !$0.isEmpty }
        while names.count < climbs + 1 { names.insert("set", at: 0) }
        let setFolder = names.suffix(climbs + 1).joined(separator: "/")
        var out: [(File, String)] = []
        for f in files {
            var parts = setFolder.split(separator: "/").map(String.init)
            for c in f.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
                switch c {
                case "..": guard !parts.isEmpty else { return nil }; parts.removeLast()
                case ".", "": return nil
                default: parts.append(c)
                }
            }
            guard !parts.isEmpty, !f.path.hasPrefix("/") else { return nil }
            out.append((f, parts.joined(separator: "/")))
        }
        return (setFolder, out)
    }
}
