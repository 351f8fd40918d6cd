import Logging
import ServiceLifecycle
import UnixSignals

/// Polls the stamps (size, modification time, inode) of every policy folder's files and reloads a
/// set once its files have changed and then stayed unchanged for the debounce interval.
///
/// An editor saving in several writes, or a `git checkout` of many files, changes stamps over a few
/// milliseconds; the reload waits until the folder is quiet, so it reads the whole new state at once.
/// The read itself is checked for consistency (see ``FolderSnapshot``). Polling is portable and cheap:
/// a `stat` per file per interval.
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
            struct Pending { var stamps: [FileStamp]; var since: ContinuousClock.Instant }
            var pending: [ObjectIdentifier: Pending] = [:]
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                var due: [PolicySet] = []
                for set in registry.sets {
                    let key = ObjectIdentifier(set)
                    let now = FolderSnapshot.stamps(folder: set.folder, includes: set.includes)
                    if now == set.loadedStamps { pending[key] = nil; continue }
                    if let p = pending[key], p.stamps == now {
                        if p.since.duration(to: .now) >= debounce { due.append(set); pending[key] = nil }
                    } else {
                        pending[key] = Pending(stamps: now, since: .now)
                    }
                }
                if !due.isEmpty { await registry.reloadAll(trigger: .watch, only: due) }
            }
        }
    }
}

/// Reloads every set on SIGHUP.
struct SignalReloader: Service {
    let registry: PolicyRegistry
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            logger.info("SIGHUP: reloading every policy set")
            await registry.reloadAll(trigger: .signal)
        }
    }
}
