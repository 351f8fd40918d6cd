import Logging
import Synchronization
import Verdict

/// The users file as it reads now (issue 32): `--users-file` is read again when it changes (stamped at
/// the folder watcher's interval) and on SIGHUP, so adding a user, changing a role, giving someone a new
/// token or removing them takes effect without a restart — and ends their console sessions
/// (``ConsoleSessionStore``).
///
/// As with a policy edit, a broken file is refused, never served: a file that does not load, or names a
/// user with a name the token files' callers have, leaves the users read before in place, and the
/// refusal is logged with where and why.
final class LiveUsers: Sendable {
    /// What a reload did.
    enum Outcome: Equatable, Sendable {
        /// The file's stamp (size, modification time, inode) is what was read last.
        case unchanged
        /// The file was read again: this many users.
        case reloaded(Int)
        /// The file could not be used; the users read before stay.
        case refused(String)
    }

    /// The file the users come from; nil for users given in code (tests), never re-read.
    let path: String?
    /// Names no user may have: those the token files' callers are recorded under, when those files are given.
    let reserved: [String]
    private let state: Mutex<(users: UserDirectory, stamp: FileStamp?)>
    /// Held for a whole reload, so that SIGHUP and the watcher never put an older read after a newer one.
    private let reading = Mutex(())

    /// `users` as read from `path` a moment ago: the first ``reload(force:)`` reads the file again (no
    /// stamp is known yet), so an edit made in between is not missed.
    init(_ users: UserDirectory, path: String? = nil, reserved: [String] = []) {
        self.path = path
        self.reserved = reserved
        state = Mutex((users, nil))
    }

    /// The users as last read.
    var current: UserDirectory { state.withLock { $0.users } }

    /// Reads the file again when its stamp changed since the last read (always, with `force`).
    @discardableResult
    func reload(force: Bool = false) -> Outcome {
        reading.withLock { _ in read(force: force) }
    }

    private func read(force: Bool) -> Outcome {
        guard let path else { return .unchanged }
        let stamp = FileStamp(path: path)
        if !force, state.withLock({ $0.stamp == stamp }) { return .unchanged }
        let outcome: Outcome
        do {
            let users = try UserDirectory.load(file: path)
            if let problem = users.reservedNameProblem(reserved) {
                outcome = .refused(problem)
            } else {
                state.withLock { $0 = (users, stamp) }
                return .reloaded(users.users.count)
            }
        } catch {
            outcome = .refused(error.description)
        }
        // Refused: remember the stamp so that the same broken file is reported once, not at every tick.
        state.withLock { $0.stamp = stamp }
        return outcome
    }

    /// ``reload(force:)``, logged: a new file at `info`, a refused one at `error`.
    func reloadLogged(force: Bool = false, logger: Logger) {
        switch reload(force: force) {
        case .unchanged: break
        case .reloaded(let n): logger.info("users file reloaded: \(n) user\(n == 1 ? "" : "s")", metadata: ["file": .string(path ?? "")])
        case .refused(let why):
            logger.error("users file refused, the \(current.users.count) users read before stay: \(why)", metadata: ["file": .string(path ?? "")])
        }
    }
}
