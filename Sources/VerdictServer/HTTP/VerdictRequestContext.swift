import Hummingbird
import NIOCore

/// The service's request context: Hummingbird's core storage and the connection's peer address, which
/// ``Authenticator`` reads to believe a user header only from a trusted proxy (``TrustedProxies``).
public struct VerdictRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage (logger, parameters, body limits).
    public var coreContext: CoreRequestContextStorage
    /// The address of the peer that opened the connection (a proxy, when there is one); nil in
    /// HummingbirdTesting's in-process router mode, which has no network.
    public let remoteAddress: SocketAddress?

    /// A context for a request that arrived on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
