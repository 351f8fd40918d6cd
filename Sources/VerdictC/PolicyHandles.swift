import Synchronization
import Verdict

/// The policy sets the C library has handed out, by handle.
///
/// A handle is a number, never an address: one that was freed, never given, or made up is found
/// missing and refused (`VERDICT_ERR_HANDLE`) instead of read as memory. Numbers are never reused,
/// so a stale handle cannot reach a set loaded after it was freed. A call looks its set up under the
/// lock and keeps its own reference, so a set freed by one thread while another decides with it stays
/// alive until that decision returns.
final class PolicyHandles: Sendable {
    static let shared = PolicyHandles()

    private struct Table {
        var sets: [UInt64: PolicyVersions] = [:]
        var next: UInt64 = 1
        /// The handle found last and its set: a program mostly decides with one set, whose next
        /// lookup then compares a number instead of hashing it.
        var last: (handle: UInt64, set: PolicyVersions)?
    }
    private let table = Mutex(Table())

    /// Keeps `set` and gives its new handle (never 0).
    func add(_ set: PolicyVersions) -> UInt64 {
        table.withLock { t in
            let handle = t.next
            t.next += 1
            t.sets[handle] = set
            return handle
        }
    }

    /// The set of `handle`, or nil when it is not a live handle.
    func set(_ handle: UInt64) -> PolicyVersions? {
        table.withLock { t in
            if let last = t.last, last.handle == handle { return last.set }
            guard let set = t.sets[handle] else { return nil }
            t.last = (handle, set)
            return set
        }
    }

    /// Forgets `handle`; false when it was not a live handle.
    func remove(_ handle: UInt64) -> Bool {
        table.withLock { t in
            if t.last?.handle == handle { t.last = nil }
            return t.sets.removeValue(forKey: handle) != nil
        }
    }

    /// How many handles are live (for the library's leak checks).
    var count: Int { table.withLock { $0.sets.count } }
}
