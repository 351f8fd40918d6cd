import Crypto
import Foundation
import VerdictChanges

/// The values the console keeps in cookies, each signed with a key made when the process starts, so
/// that no one can make one up.
///
/// - A **form token** (the double-submit value of ``ConsoleRoutes``) is a random nonce and its HMAC:
///   a POST must carry one the server signed, in its cookie and in its hidden field. A script that
///   puts the same made-up value in both is refused.
/// - A **session** (set by signing in) is its expiry, the signed-in identity (name and role) and their
///   HMAC: the browser never holds an API token, and a stolen cookie stops working at its expiry or when
///   the server restarts. Its cookie is named
///   after the port (`verdict_session_8080`), since browsers do not keep cookies apart by port.
///
/// ```swift
/// let token = ConsoleSessions.newFormToken()        // 96 hex digits
/// ConsoleSessions.isFormToken(token)                // true
/// ConsoleSessions.isFormToken(String(repeating: "ab", count: 48))   // false: not signed here
/// ```
enum ConsoleSessions {
    /// The signing key: random, made once per process, never written anywhere.
    private static let key: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    /// How long a session lasts after signing in.
    static let lifetime: Int64 = 12 * 3600
    /// The form token's cookie.
    static let formCookie = "verdict_csrf"

    /// A new form token: 16 random bytes and their signature, in hex.
    static func newFormToken() -> String {
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        return hex(nonce) + hex(mac("form", nonce))
    }

    /// Whether `s` is a form token this process signed.
    static func isFormToken(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == 96, let nonce = unhex(bytes[0..<32]), let signature = unhex(bytes[32...]) else { return false }
        return constantTimeEqual(mac("form", nonce), signature)
    }

    /// A new session for `identity`, valid for ``lifetime`` from `now` (seconds since 1970), or until
    /// `limit` if that is sooner (a JWT's expiry): `expiry.role.name-in-hex.signature`, the signature over
    /// the rest, so neither the name, the role nor the expiry can be changed without the key.
    static func newSession(for identity: Identity, now: Int64 = Int64(Date().timeIntervalSince1970), limit: Int64? = nil) -> String {
        let expiry = min(now + lifetime, limit ?? Int64.max)
        let body = String(expiry) + "." + identity.role.rawValue + "." + hex(Array(identity.name.utf8))
        return body + "." + hex(mac("session", Array(body.utf8)))
    }

    /// The identity of `s` when it is a session this process signed that has not expired at `now`; nil otherwise.
    static func session(_ s: String, now: Int64 = Int64(Date().timeIntervalSince1970)) -> Identity? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].utf8.count <= 19, let expiry = Int64(parts[0]), expiry > now,
              let role = Role(rawValue: String(parts[1])), parts[2].utf8.count <= 512,
              let nameBytes = unhex(Array(parts[2].utf8)[...]), let signature = unhex(Array(parts[3].utf8)[...]) else { return nil }
        let body = Array(s.utf8.prefix(parts[0].utf8.count + parts[1].utf8.count + parts[2].utf8.count + 2))
        guard constantTimeEqual(mac("session", body), signature),
              let name = String(validating: nameBytes, as: UTF8.self), Identity.isValidName(name) else { return nil }
        return Identity(name: name, role: role)
    }

    /// The session cookie's name for a request to `authority` (`host:port`): one per port.
    static func sessionCookie(authority: String?) -> String {
        let port = authority.flatMap { a in a.split(separator: ":").last.flatMap { Int($0) } } ?? 80
        return "verdict_session_\(port)"
    }

    private static func mac(_ purpose: String, _ value: [UInt8]) -> [UInt8] {
        var h = HMAC<SHA256>(key: SymmetricKey(data: key))
        h.update(data: Array(purpose.utf8) + [0])
        h.update(data: value)
        return Array(h.finalize())
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var d: UInt8 = 0
        for i in a.indices { d |= a[i] ^ b[i] }
        return d == 0
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Lower-case hex digits to bytes; nil for anything else or an odd length.
    private static func unhex(_ s: ArraySlice<UInt8>) -> [UInt8]? {
        guard s.count % 2 == 0 else { return nil }
        func digit(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            default: nil
            }
        }
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            guard let hi = digit(s[i]), let lo = digit(s[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
