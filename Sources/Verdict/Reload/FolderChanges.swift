/// When a followed folder is due a reload: its files have changed since they were loaded and have
/// then stayed unchanged for the quiet interval.
///
/// An editor saving in several writes, or a `git checkout` of many files, changes stamps over a few
/// milliseconds; waiting until the folder is quiet reads the whole new state at once. (The read itself
/// is checked for consistency: see ``FolderSnapshot``.)
package struct FolderChanges: Sendable {
    private var pending: [FileStamp]?
    private var since: ContinuousClock.Instant = .now

    package init() {}

    /// Given the stamps now and those of the last load, whether to reload now.
    package mutating func due(_ now: [FileStamp], loaded: [FileStamp]?, quiet: Duration) -> Bool {
        if now == loaded {
            pending = nil
            return false
        }
        if let p = pending, p == now {
            guard since.duration(to: .now) >= quiet else { return false }
            pending = nil
            return true
        }
        pending = now
        since = .now
        return false
    }
}
