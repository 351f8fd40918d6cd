/// Why a decision log, an archive entry, a key or a proof cannot be used: always says where and why.
public struct AuditError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// The file or database is not a Verdict decision log (or of a newer format).
        case notALog = "not-a-log"
        /// The storage could not be read or written (truncated or corrupted file, lost connection).
        case storage
        /// A record, node, checkpoint or archive entry does not match what the log committed to.
        case tampered
        /// A key file is unreadable, of the wrong kind, or a signature does not verify with it.
        case key
        /// A policy digest in the log has no archive entry, or the entry does not reproduce it.
        case archive
        /// A proof file is malformed or does not prove what it claims.
        case proof
        /// Nothing recorded for what was asked.
        case notFound = "not-found"
        /// A bad argument (log location, time range).
        case usage
    }
    public var kind: Kind
    public var message: String
    /// What may be told to a service's caller: never a file path or a database location.
    private var shown: String?

    /// - Parameter shown: the message for a service's callers, when `message` names a path or a location.
    public init(_ kind: Kind, _ message: String, shown: String? = nil) {
        self.kind = kind
        self.message = message
        self.shown = shown
    }

    /// The error as a service tells its callers: without the log's path or location (the operator's
    /// own log has ``message``).
    public var publicMessage: String {
        if let shown { return shown }
        switch kind {
        case .storage: return "the decision log cannot be written (a storage error; the server's log says which)"
        default: return "the decision log cannot record the decision (the server's log says why)"
        }
    }

    public var description: String { message }
}
