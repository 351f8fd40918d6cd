/// Runs reloads one at a time, in the order they asked (an actor alone would interleave them at each
/// `await`): a watcher's tick, a signal and a request never race on one set.
package actor ReloadGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    package init() {}

    package func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        let result = await body()
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }  // hand the gate on, still busy
        return result
    }
}
