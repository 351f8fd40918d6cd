import Crypto

/// The content digest of a policy set, carried by every decision.
///
/// SHA-256 over the files sorted by relative path; for each, its relative path, a NUL byte, its
/// length in bytes as decimal text, a NUL byte, then its bytes. Renaming, moving or editing any
/// file changes the digest; the folder's location does not.
public enum PolicyDigest {
    /// The digest of `files` (relative path and exact content each), as `sha256:` and 64 hex digits.
    public static func compute(_ files: [(path: String, text: String)]) -> String {
        var hasher = SHA256()
        for (path, text) in files.sorted(by: { $0.path < $1.path }) {
            let bytes = Array(text.utf8)
            hasher.update(data: Array(path.utf8) + [0] + Array(String(bytes.count).utf8) + [0])
            hasher.update(data: bytes)
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
