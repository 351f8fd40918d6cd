#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore

/// The peer addresses whose user header is believed (`--trusted-proxy`, an IP address or a CIDR range):
/// a reverse proxy that signs people in (single sign-on) and names them in a header. A header from any
/// other peer is ignored, so a client that reaches the service directly cannot name itself.
///
/// ```swift
/// let proxies = try TrustedProxies(["10.0.0.0/8", "::1"])
/// proxies.contains(ip: "10.1.2.3")     // true
/// proxies.contains(ip: "192.168.1.1")  // false
/// ```
/// An IPv4 peer that arrives as an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`) matches IPv4 ranges.
public struct TrustedProxies: Sendable {
    /// One range: the address's bytes (4 or 16) and how many leading bits must match.
    struct Range: Sendable {
        var bytes: [UInt8]
        var prefix: Int
    }

    /// A proxy address that cannot be read.
    public struct ParseError: Error, CustomStringConvertible {
        /// What was wrong, naming the text.
        public var description: String
    }

    let ranges: [Range]

    /// Reads each of `addresses`: `10.0.0.5`, `10.0.0.0/8`, `::1`, `fd00::/8`.
    public init(_ addresses: [String]) throws(ParseError) {
        var ranges: [Range] = []
        for text in addresses {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(String(parts[0])) else {
                throw ParseError(description: "--trusted-proxy `\(text)` is not an IP address or a CIDR range such as 10.0.0.0/8")
            }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let n = Int(parts[1]), (0...bytes.count * 8).contains(n) else {
                    throw ParseError(description: "--trusted-proxy `\(text)`: the prefix length must be 0 to \(bytes.count * 8)")
                }
                prefix = n
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.ranges = ranges
    }

    /// True when the peer `ip` (text, as NIO reports it) is in one of the ranges.
    public func contains(ip: String) -> Bool {
        guard var peer = Self.bytes(ip) else { return false }
        // An IPv4 client seen through an IPv6 socket: ::ffff:a.b.c.d.
        if peer.count == 16, peer[0..<10].allSatisfy({ $0 == 0 }), peer[10] == 0xFF, peer[11] == 0xFF {
            peer = Array(peer[12...])
        }
        return ranges.contains { range in
            guard range.bytes.count == peer.count else { return false }
            var bits = range.prefix
            for i in peer.indices where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if peer[i] & mask != range.bytes[i] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    /// True when `address` (the connection's peer) is a trusted proxy; nil (no peer known) is not.
    public func contains(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return contains(ip: ip)
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address, or nil.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        let bare = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text  // a zone (`fe80::1%eth0`) is not part of the address
        if inet_pton(AF_INET6, bare, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
