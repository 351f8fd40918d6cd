import Foundation
import Hummingbird
import Synchronization

/// The console's session store: Hummingbird's `PersistDriver` in memory, bounded.
///
/// `MemoryPersistDriver` grows with every sign-in until its periodic tidy; this one holds at most
/// ``capacity`` entries: an insert that finds it full first drops the expired ones, then the one that
/// would expire soonest (the oldest sign-in, as every session has the same lifetime or less). Expiry is
/// checked on every read, so an expired session is never returned however long it stays in memory.
/// Entries are kept as the values given (no encoding); a read as another type throws
/// `PersistError.invalidConversion`, as the memory driver does.
final class ConsoleSessionDriver: PersistDriver {
    /// Most sessions kept at once.
    let capacity: Int

    private struct Entry {
        var value: any Codable & Sendable
        var expires: ContinuousClock.Instant?
    }

    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    /// The number of sessions held now (expired ones included until an insert drops them).
    var count: Int { entries.withLock { $0.count } }

    func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        try entries.withLock { e in
            if let old = e[key], !Self.expired(old) { throw PersistError.duplicate }
            insert(&e, key, Entry(value: value, expires: expires.map { ContinuousClock.now.advanced(by: $0) }))
        }
    }

    func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        entries.withLock { e in
            let at = expires.map { ContinuousClock.now.advanced(by: $0) } ?? e[key]?.expires
            insert(&e, key, Entry(value: value, expires: at))
        }
    }

    func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        try lookup(key, as: Object.self)?.object
    }

    func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        try lookup(key, as: Object.self)
    }

    private func lookup<Object: Codable & Sendable>(_ key: String, as: Object.Type) throws -> (object: Object, ttl: Duration?)? {
        guard let entry = entries.withLock({ $0[key] }), !Self.expired(entry) else { return nil }
        guard let object = entry.value as? Object else { throw PersistError.invalidConversion }
        return (object, entry.expires.map { ContinuousClock.now.duration(to: $0) })
    }

    func remove(key: String) async throws {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }

    private static func expired(_ entry: Entry, now: ContinuousClock.Instant = .now) -> Bool {
        entry.expires.map { $0 <= now } ?? false
    }

    /// Puts `entry` under `key`, making room first when the store is full.
    private func insert(_ e: inout [String: Entry], _ key: String, _ entry: Entry) {
        if e[key] == nil, e.count >= capacity {
            let now = ContinuousClock.now
            e = e.filter { !Self.expired($0.value, now: now) }
            if e.count >= capacity, let soonest = e.min(by: { ($0.value.expires ?? now + .seconds(1 << 40)) < ($1.value.expires ?? now + .seconds(1 << 40)) }) {
                e.removeValue(forKey: soonest.key)
            }
        }
        e[key] = entry
    }
}
