import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import VerdictConsole

/// Bounds the console's expensive actions per client: an audit record page (it re-decides the
/// record and verifies the log), an audit search, a proof and a draft check each take a token from
/// the client's bucket; an empty bucket answers 429 with `Retry-After`.
///
/// A client is the API token it signed in with (bearer header or sign-in cookie, hashed); requests
/// without one (a console without `--token-file`) share one bucket, so that a script cannot get a
/// fresh bucket per request. Buckets refill at ``refillInterval`` up to ``capacity``.
final class ConsoleThrottle: @unchecked Sendable {
    /// Actions a client may make at once before waiting.
    let capacity: Double
    /// Seconds to earn one action back.
    let refillInterval: Double
    /// At most this many clients are remembered (the fullest buckets are forgotten first).
    static let maxClients = 10_000

    private struct Bucket {
        var tokens: Double
        var updated: Double
    }
    private var buckets: [String: Bucket] = [:]
    private let lock = NSLock()
    private let clock: @Sendable () -> Double

    init(capacity: Int = 10, refillInterval: Double = 3, clock: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.capacity = Double(capacity)
        self.refillInterval = refillInterval
        self.clock = clock
    }

    /// Takes one action from `client`'s bucket: nil when allowed, else the seconds until one is.
    func take(_ client: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        var b = buckets[client] ?? Bucket(tokens: capacity, updated: now)
        b.tokens = min(capacity, b.tokens + (now - b.updated) / refillInterval)
        b.updated = now
        guard b.tokens >= 1 else {
            buckets[client] = b
            return max(1, Int(((1 - b.tokens) * refillInterval).rounded(.up)))
        }
        b.tokens -= 1
        buckets[client] = b
        if buckets.count > Self.maxClients { forgetIdle(now) }
        return nil
    }

    /// The seconds until `client` may act again, taking nothing; nil when it may act now.
    func waiting(_ client: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let b = buckets[client] else { return nil }
        let tokens = min(capacity, b.tokens + (clock() - b.updated) / refillInterval)
        return tokens >= 1 ? nil : max(1, Int(((1 - tokens) * refillInterval).rounded(.up)))
    }

    /// Drops the buckets that have refilled (they are as a new client's would be); when more than
    /// ``maxClients`` are still waiting, the fullest go first, down to three quarters of it. The emptiest
    /// — the clients being held back — are kept: many other clients cannot wipe one's bucket.
    private func forgetIdle(_ now: Double) {
        func level(_ b: Bucket) -> Double { b.tokens + (now - b.updated) / refillInterval }
        buckets = buckets.filter { level($0.value) < capacity }
        guard buckets.count > Self.maxClients else { return }
        let keep = buckets.sorted { level($0.value) < level($1.value) }.prefix(Self.maxClients * 3 / 4)
        buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }

    /// How many clients are remembered (for tests).
    var clientCount: Int { lock.withLock { buckets.count } }

    /// The client a request acts for: the hash of the token it was let in with (when tokens are
    /// configured, so only accepted ones reach here), or the shared anonymous client.
    static func client(_ request: Request, tokenCookie: String, tokensConfigured: Bool) -> String {
        guard tokensConfigured else { return "anonymous" }
        let token = Authenticator.bearer(request) ?? request.cookies[tokenCookie].map { Array(FormData.decode($0.value).utf8) }
        guard let token, !token.isEmpty else { return "anonymous" }
        return Array(SHA256.hash(data: token)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
