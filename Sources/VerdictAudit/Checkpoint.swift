import Crypto
import Foundation
import Verdict

/// An Ed25519 key pair the log's operator holds, in Verdict's one-line key files:
/// `verdict-ed25519-private-key BASE64` (the 32-byte seed) and `verdict-ed25519-public-key BASE64`.
public enum AuditKeys {
    static let privatePrefix = "verdict-ed25519-private-key "
    static let publicPrefix = "verdict-ed25519-public-key "

    public static func generate() -> (privateKey: Curve25519.Signing.PrivateKey, privateFile: String, publicFile: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (key, privatePrefix + key.rawRepresentation.base64EncodedString() + "\n",
                publicPrefix + key.publicKey.rawRepresentation.base64EncodedString() + "\n")
    }

    /// Reads a private key file; `path` is only for messages.
    public static func privateKey(file text: String, path: String) throws(AuditError) -> Curve25519.Signing.PrivateKey {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix(publicPrefix) {
            throw AuditError(.key, "`\(path)` is a public key; signing a checkpoint needs the private key (made by `verdict audit keygen`)")
        }
        guard line.hasPrefix(privatePrefix), let raw = Data(base64Encoded: String(line.dropFirst(privatePrefix.count))), raw.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else {
            throw AuditError(.key, "`\(path)` is not a Verdict private key (expected one line `\(privatePrefix)BASE64`)")
        }
        return key
    }

    /// Reads a public key file. A private key file is refused: an auditor checks with the operator's
    /// public key, and a private key given where a public one is expected has been handed around.
    public static func publicKey(file text: String, path: String) throws(AuditError) -> Curve25519.Signing.PublicKey {
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix(privatePrefix) {
            throw AuditError(.key, "`\(path)` is a private key; checking signatures needs the public key: give `\(path).pub` (written beside it by `verdict audit keygen`), and keep the private key secret")
        }
        guard line.hasPrefix(publicPrefix), let raw = Data(base64Encoded: String(line.dropFirst(publicPrefix.count))), raw.count == 32,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
            throw AuditError(.key, "`\(path)` is not a Verdict public key (expected one line `\(publicPrefix)BASE64`)")
        }
        return key
    }

    /// A short name for a public key: the first 16 hex digits of the SHA-256 of its 32 bytes.
    public static func fingerprint(_ key: [UInt8]) -> String { Array(SHA256.hash(data: key)).hex.prefix(16).description }
}

/// A signed statement that the log held `size` records whose Merkle tree has `root`, at `time` — and,
/// from version 2 on, that its case index (``CaseIndex``) has `indexRoot`.
public struct Checkpoint: Sendable, Equatable {
    /// The log's random identity, fixed when it was created.
    public var logID: String
    public var size: UInt64
    public var root: Hash
    /// The root of the case index over the first `size` leaves; nil in a version 1 checkpoint (made by
    /// a Verdict before the index), which signs no index.
    public var indexRoot: Hash?
    /// RFC 3339, UTC.
    public var time: String
    /// The signer's Ed25519 public key (32 bytes) and the signature over ``message`` (64 bytes).
    public var publicKey: [UInt8]
    public var signature: [UInt8]

    /// The signed text, UTF-8, each line ending in one LF: version 1, five lines (log id, size in
    /// decimal, root in lowercase hex, time); version 2, six (the index root after the root).
    public var message: String {
        if let indexRoot {
            return "verdict decision log checkpoint v2\n\(logID)\n\(size)\n\(root.hex)\n\(indexRoot.hex)\n\(time)\n"
        }
        return "verdict decision log checkpoint v1\n\(logID)\n\(size)\n\(root.hex)\n\(time)\n"
    }

    public static func sign(logID: String, size: UInt64, root: Hash, indexRoot: Hash? = nil, time: Timestamp,
                            key: Curve25519.Signing.PrivateKey) throws -> Checkpoint {
        var c = Checkpoint(logID: logID, size: size, root: root, time: time.rfc3339(in: .utc),
                           publicKey: Array(key.publicKey.rawRepresentation), signature: [], indexRoot: indexRoot)
        c.signature = Array(try key.signature(for: Array(c.message.utf8)))
        return c
    }

    /// Whether the signature verifies with `key` (or, without one, with the key it names).
    public func signatureValid(with key: Curve25519.Signing.PublicKey? = nil) -> Bool {
        guard let k = key ?? (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) else { return false }
        return k.isValidSignature(signature, for: Array(message.utf8))
    }

    public var keyFingerprint: String { AuditKeys.fingerprint(publicKey) }

    func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("log", logID)
            w.field("size", Int(size))
            w.field("root", root.hex)
            if let indexRoot { w.field("index_root", indexRoot.hex) }
            w.field("time", time)
            w.field("key", Data(publicKey).base64EncodedString())
            w.field("signature", Data(signature).base64EncodedString())
        }
    }

    public init(logID: String, size: UInt64, root: Hash, time: String, publicKey: [UInt8], signature: [UInt8], indexRoot: Hash? = nil) {
        self.logID = logID
        self.size = size
        self.root = root
        self.indexRoot = indexRoot
        self.time = time
        self.publicKey = publicKey
        self.signature = signature
    }

    init(json v: JSONValue, where context: String) throws(AuditError) {
        func str(_ k: String) throws(AuditError) -> String {
            guard case .string(let s)? = v.member(k) else { throw AuditError(.proof, "\(context): `\(k)` is missing or not a string") }
            return s
        }
        guard case .number(let n)? = v.member("size"), let size = UInt64(n) else {
            throw AuditError(.proof, "\(context): `size` is missing or not a whole number")
        }
        guard let root = [UInt8](hex: try str("root")), root.count == 32 else { throw AuditError(.proof, "\(context): `root` is not a SHA-256 in hex") }
        guard let key = Data(base64Encoded: try str("key")), key.count == 32 else { throw AuditError(.proof, "\(context): `key` is not an Ed25519 public key") }
        guard let sig = Data(base64Encoded: try str("signature")), sig.count == 64 else { throw AuditError(.proof, "\(context): `signature` is not an Ed25519 signature") }
        var indexRoot: Hash?
        if let i = v.member("index_root") {
            guard case .string(let s) = i, let h = [UInt8](hex: s), h.count == 32 else { throw AuditError(.proof, "\(context): `index_root` is not a SHA-256 in hex") }
            indexRoot = h
        }
        self.init(logID: try str("log"), size: size, root: root, time: try str("time"), publicKey: Array(key), signature: Array(sig), indexRoot: indexRoot)
    }
}

extension JSONValue {
    /// An object member by name.
    func member(_ key: String) -> JSONValue? {
        if case let .object(members) = self { return members.first { $0.key == key }?.value }
        return nil
    }
}
