import Crypto
import Foundation

/// The console's form token (the double-submit value of ``ConsoleRoutes``): a random nonce and its
/// HMAC under a key made when the process starts, so that no one can make one up. A POST must carry one
/// the server signed, in its cookie and in its hidden field; a script that puts the same made-up value in
/// both is refused. (Who is signed in is kept on the server: ``ConsoleSessionStore``.)
///
/// ```swift
/// let token = ConsoleFormToken.newFormToken()        // 96 hex digits
/// ConsoleFormToken.isFormToken(token)                // true
/// ConsoleFormToken.isFormToken(String(repeating: "ab", count: 48))   // false: not signed here
/// ```
enum ConsoleFormToken {
    /// The signing key: random, made once per process, never written anywhere.
    private static let key: [UInt8] = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
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
