import Logging
import ServiceLifecycle
import UnixSignals
import Verdict

/// Polls the stamps (size, modification time, inode) of every policy folder's files and reloads a
/// set once its files have changed and then stayed unchanged for the debounce interval (the library's
/// ``FolderChanges``, as ``LivePolicySet/watch(every:quiet:)``), through the registry, which serialises
/// the reloads of all sets and logs each.
struct FolderWatcher: Service {
    let registry: PolicyRegistry
    let interval: Swift.Duration
    let debounce: Swift.Duration

    func run() async throws {
        do {
            try await watch()
        } catch is CancellationError {
            // Graceful shutdown: stop watching.
        }
    }

    private func watch() async throws {
        try await cancelWhenGracefulShutdown {
            var changes: [ObjectIdentifier: FolderChanges] = [:]
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                var due: [LivePolicySet] = []
                for set in registry.sets {
                    let now = FolderSnapshot.stamps(folder: set.folder, includes: set.includes)
                    if changes[ObjectIdentifier(set), default: FolderChanges()].due(now, loaded: set.loadedStamps, quiet: debounce) {
                        due.append(set)
                    }
                }
                if !due.isEmpty { await registry.reloadAll(trigger: .watch, only: due) }
            }
        }
    }
}

/// Reloads every set, and the users file, on SIGHUP.
struct SignalReloader: Service {
    let registry: PolicyRegistry
    var users: LiveUsers? = nil
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading every policy set")
            users?.reloadLogged(force: true, logger: logger)
            await registry.reloadAll(trigger: .signal)
        }
    }
}
