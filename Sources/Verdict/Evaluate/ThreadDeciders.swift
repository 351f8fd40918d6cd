#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Each thread's own ``Decider`` for each policy version it decides with, so that requests handled
/// on different cores share no reference count (a decision made by the shared policy retains it, an
/// atomic count that every core writes on every request; one made by a decider retains the decider,
/// which only its thread touches). Same decisions either way.
///
/// A thread keeps at most ``limit`` deciders; past that its cache is emptied and refilled. A version a
/// reload replaces stays in each thread's cache (and so in memory) until that cache is next emptied:
/// at most ``limit`` versions per thread, however many reloads there are. A decider holds its policy,
/// so a cached identity always names the policy it was made for.
package enum ThreadDeciders {
    /// The most deciders one thread keeps (the versions of every set served, with room for reloads).
    package static let limit = 64

    private final class Cache {
        var deciders: [ObjectIdentifier: Decider] = [:]
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The cache is released when its thread ends.
        let status = pthread_key_create(&key) { cache in
            #if canImport(Darwin)
            Unmanaged<AnyObject>.fromOpaque(cache).release()
            #else
            if let cache { Unmanaged<AnyObject>.fromOpaque(cache).release() }
            #endif
        }
        precondition(status == 0, "pthread_key_create failed (\(status))")
        return key
    }()

    /// This thread's decider for `policy`, made on first use.
    package static func decider(for policy: CompiledPolicy) -> Decider {
        let cache: Cache
        if let stored = pthread_getspecific(key) {
            cache = Unmanaged<Cache>.fromOpaque(stored).takeUnretainedValue()
        } else {
            cache = Cache()
            pthread_setspecific(key, Unmanaged.passRetained(cache).toOpaque())
        }
        let id = ObjectIdentifier(policy)
        if let decider = cache.deciders[id] { return decider }
        if cache.deciders.count >= limit { cache.deciders.removeAll() }
        let decider = policy.decider()
        cache.deciders[id] = decider
        return decider
    }
}
