import Logging
import ServiceLifecycle
import Verdict

/// Reads the users file again when it has changed and then stayed unchanged for one interval (the
/// folder watcher's), through ``LiveUsers``.
struct UsersFileWatcher: Service {
    let users: LiveUsers
    let interval: Swift.Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                // Read once the file has stayed the same for one interval: never halfway through a save.
                var seen: FileStamp? = nil
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    guard let path = users.path else { return }
                    let now = FileStamp(path: path)
                    if now == seen { users.reloadLogged(logger: logger) }
                    seen = now
                }
            }
        } catch is CancellationError {
            // Graceful shutdown: stop watching.
        }
    }
}
