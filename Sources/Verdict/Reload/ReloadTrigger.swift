/// What started a reload of a ``LivePolicySet``.
public enum ReloadTrigger: String, Sendable {
    /// The first load when the server starts.
    case startup
    /// The folder watcher saw files change (and settle).
    case watch
    /// SIGHUP.
    case signal
    /// `POST /v1/admin/reload`.
    case request
    /// A call of ``LivePolicySet/reload(trigger:)`` by the program that links the library.
    case call
    /// An approved proposal's files were written into the folder (issue 32).
    case change
}
