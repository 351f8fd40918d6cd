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

    /// A context for a request handed to a router in process, with the peer it is to name (nil: none):
    /// the fuzz targets' way in, which must not ask a test channel for its address from another thread.
    public init(source: ApplicationRequestContextSource, remoteAddress: SocketAddress?) {
        coreContext = .init(source: source)
        self.remoteAddress = remoteAddress
    }
}
