import Foundation
import Synchronization
import Verdict

/// One policy folder the server serves: the version active now, the last reload attempt, and the
/// stamps the watcher compares.
///
/// The active version is one reference behind a lock: a request takes it once and decides with it,
/// a reload replaces it whole. So every request is decided by exactly one version, the one its
/// response names, and a refused reload leaves the previous version serving.
public final class PolicySet: Sendable {
    /// The folder as given on the command line.
    public let folder: String

    struct State: Sendable {
        var name: String
        var active: ActivePolicy?
        var lastAttempt: ReloadAttempt?
        /// Included files of the last read, stamped with the folder's own files.
        var includes: [String] = []
        /// Stamps of the files the last load attempt read (nil before the first).
        var loadedStamps: [FileStamp]?
    }

    private let state: Mutex<State>

    init(folder: String) {
        self.folder = folder
        let base = PolicyFolder.base(folder)
        let provisional = base.split(separator: "/").last.map(String.init) ?? base
        state = Mutex(State(name: provisional))
    }

    /// The manifest's name once loaded; before that, the folder's last component.
    public var name: String { state.withLock { $0.name } }
    /// The version serving now, or nil when the folder has never loaded.
    public var active: ActivePolicy? { state.withLock { $0.active } }
    public var lastAttempt: ReloadAttempt? { state.withLock { $0.lastAttempt } }

    var includes: [String] { state.withLock { $0.includes } }
    var loadedStamps: [FileStamp]? { state.withLock { $0.loadedStamps } }

    func withState<R>(_ body: (inout State) -> R) -> R {
        state.withLock { body(&$0) }
    }
}
