import Crypto
import Foundation
import VerdictChanges
import Yams

/// The people the service knows (issue 32): a YAML users file, each user a name, a role and, for a
/// user who signs in with a bearer token, the SHA-256 of that token — never the token itself.
///
/// ```yaml
/// users:
///   - name: li.wei
///     role: editor
///     token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
///   - name: zhang.min          # signs in only through the trusted proxy (single sign-on): no token
///     role: approver
/// ```
///
/// A presented token is hashed and compared with every user's hash in constant time (no early exit on a
/// differing byte, nor on the match), as ``TokenSet`` does. `verdict users add` makes a user with a
/// random token and prints the token once.
public struct UserDirectory: Sendable {
    /// One user of the file.
    public struct User: Sendable, Equatable {
        /// The user's name (``Identity/isValidName(_:)``) and role.
        public var identity: Identity
        /// The SHA-256 of the user's token, or nil for a user who signs in only through a trusted proxy.
        public var tokenHash: [UInt8]?

        /// A user; `tokenHash`, when given, is 32 bytes.
        public init(identity: Identity, tokenHash: [UInt8]?) {
            self.identity = identity
            self.tokenHash = tokenHash
        }
    }

    /// A users file that cannot be used, with where (`file:line:column`) and why.
    public struct LoadError: Error, CustomStringConvertible {
        /// The message, starting with the place.
        public var description: String
    }

    /// The users, in the file's order.
    public let users: [User]
    /// Where the users came from, for messages.
    public let source: String

    /// Reads users from YAML `text`; `source` names it in errors (a path).
    public init(yaml text: String, source: String = "users file") throws(LoadError) {
        self.source = source
        func fail(_ mark: Mark?, _ message: String) -> LoadError {
            LoadError(description: mark.map { "\(source):\($0.line):\($0.column): \(message)" } ?? "\(source): \(message)")
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw LoadError(description: "\(source): not YAML: \(error)")
        }
        guard let root else { throw fail(nil, "empty: expected `users:` and a list of users") }
        guard case .mapping(let top) = root else { throw fail(root.mark, "expected a mapping with `users:`") }
        for (key, _) in top where key.string != "users" {
            throw fail(key.mark, "unknown key `\(key.string ?? "?")`: the file has only `users:`")
        }
        guard let list = top["users"] else { throw fail(root.mark, "no `users:` list") }
        var entries: [Node] = []
        switch list {
        case .sequence(let s): entries = Array(s)
        case .scalar(let s) where s.string.isEmpty || s.string == "~" || s.string == "null": entries = []
        default: throw fail(list.mark, "`users:` must be a list of users")
        }
        var users: [User] = []
        var names: [String: Int] = [:]
        var hashes: [[UInt8]: String] = [:]
        for entry in entries {
            guard case .mapping(let m) = entry else { throw fail(entry.mark, "a user must be a mapping with `name:` and `role:`") }
            var name: String?, role: Role?, hash: [UInt8]?
            for (key, value) in m {
                guard case .scalar(let scalar) = value else {
                    throw fail(value.mark, "`\(key.string ?? "?")` must be a single value")
                }
                let s = scalar.string
                switch key.string {
                case "name":
                    guard Identity.isValidName(s) else {
                        throw fail(value.mark, "`\(s)` is not a user name: 1 to 64 letters, digits and . _ - @")
                    }
                    // One person, one name: `bob`, `Bob` and `ｂｏｂ` would be one person to four eyes.
                    if let line = names[Identity.folded(s)] { throw fail(value.mark, "user `\(s)` is listed twice (first on line \(line); names are compared without case or width)") }
                    names[Identity.folded(s)] = value.mark?.line ?? 0
                    name = s
                case "role":
                    guard let r = Role(rawValue: s) else {
                        throw fail(value.mark, "unknown role `\(s)`: one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    role = r
                case "token_sha256":
                    guard s.utf8.allSatisfy({ Self.hexValue($0) != nil }) else {
                        throw fail(value.mark, "`token_sha256` is not hexadecimal: only 0-9 and a-f (the SHA-256 of the token, as `verdict users add` writes it)")
                    }
                    guard s.utf8.count == 64, let bytes = Self.unhex(s) else {
                        throw fail(value.mark, "`token_sha256` has \(s.utf8.count) hex digits; a SHA-256 has 64 (a token is never stored, only its hash)")
                    }
                    hash = bytes
                default:
                    throw fail(key.mark, "unknown key `\(key.string ?? "?")`: a user has `name`, `role` and optionally `token_sha256`")
                }
            }
            guard let name else { throw fail(entry.mark, "a user without `name:`") }
            guard let role else { throw fail(entry.mark, "user `\(name)` has no `role:` (viewer, editor, approver or admin)") }
            if let hash {
                if let other = hashes[hash] {
                    throw fail(m["token_sha256"]?.mark, "user `\(name)` has the same token as `\(other)`: each user needs a token of their own")
                }
                hashes[hash] = name
            }
            users.append(User(identity: Identity(name: name, role: role), tokenHash: hash))
        }
        self.users = users
    }

    /// Reads a users file.
    public static func load(file path: String) throws(LoadError) -> UserDirectory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "cannot read users file `\(path)`")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "\(path): not UTF-8 text")
        }
        return try UserDirectory(yaml: text, source: path)
    }

    /// The user whose token this is, in time that does not depend on the tokens' contents.
    public func identity(token: some Collection<UInt8>) -> Identity? {
        let presented = Array(SHA256.hash(data: Array(token)))
        var found = -1
        for (index, user) in users.enumerated() {
            // A user without a token is compared with a hash no token has (all zeros is not one in practice).
            let hash = user.tokenHash ?? [UInt8](repeating: 0, count: 32)
            var difference: UInt8 = 0
            for i in 0..<32 { difference |= hash[i] ^ presented[i] }
            let equal = (Int(difference) - 1) >> 8  // -1 (all ones) when equal, 0 otherwise: no branch on the secret
            let real = user.tokenHash == nil ? 0 : -1
            found = (found & ~(equal & real)) | (index & equal & real)
        }
        return found >= 0 ? users[found].identity : nil
    }

    /// The user with this name (as a trusted proxy names them), or nil.
    public func identity(named name: String) -> Identity? {
        user(named: name)?.identity
    }

    /// Why these users cannot serve beside token files whose callers are named `reserved`: a user with
    /// one of those names (the log could not tell them apart); nil when none has.
    public func reservedNameProblem(_ reserved: [String]) -> String? {
        for name in reserved where identity(named: name) != nil {
            return "\(source): a user is named `\(name)`, the name the \(name == "token" ? "--token-file" : "--admin-token-file") tokens have: rename the user so the log tells them apart"
        }
        return nil
    }

    /// The user with this exact name, with their token's hash, or nil.
    public func user(named name: String) -> User? {
        users.first { $0.identity.name == name }
    }

    // MARK: - Making users

    /// A new random token: 32 random bytes as 64 hex digits, prefixed `vu_` so it is recognisable in a leak scan.
    public static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        return "vu_" + hex(bytes)
    }

    /// The SHA-256 of `token` as 64 lower-case hex digits, as the file stores it.
    public static func hash(token: String) -> String { hex(Array(SHA256.hash(data: Array(token.utf8)))) }

    /// The SHA-256 of `token`, as ``User/tokenHash`` holds it.
    public static func hashBytes(token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// The text of a users file with `user` added to `existing` (nil or empty: a new file). The existing
    /// text is kept as it is (comments included) and the user appended to its list when that reads back
    /// as the same users plus the new one; otherwise the whole file is written anew from its users.
    /// Throws when `existing` is not a valid users file or already has a user of that name or token.
    public static func adding(_ user: User, to existing: String?, source: String) throws(LoadError) -> String {
        let text = existing ?? ""
        let current = text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            ? UserDirectory(empty: source) : try UserDirectory(yaml: text, source: source)
        if let same = current.users.first(where: { Identity.sameName($0.identity.name, user.identity.name) }) {
            throw LoadError(description: "\(source): there is already a user named `\(same.identity.name)` (names are compared without case or width)")
        }
        let wanted = current.users + [user]
        let entry = render(user)
        if !current.users.isEmpty {
            let appended = (text.hasSuffix("\n") ? text : text + "\n") + entry
            if let read = try? UserDirectory(yaml: appended, source: source), read.users == wanted { return appended }
        }
        let header = "# Verdict users (docs/operating.md#users-and-roles): a role each, and the SHA-256 of each token, never the token.\n"
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("#") }.joined(separator: "\n")
        return (kept.isEmpty ? header : kept + "\n") + "users:\n" + wanted.map(render).joined()
    }

    /// Writes `text` to `path` whole: a temporary file beside it, flushed, then renamed over it, so a
    /// reader sees the old file or the new one, never half of one. The file is readable by its owner only.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw LoadError(description: "cannot write `\(temporary.path)`")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw LoadError(description: "cannot replace `\(path)`: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    private init(empty source: String) {
        users = []
        self.source = source
    }

    private static func render(_ user: User) -> String {
        // Names have no quotes, backslashes or control characters (Identity.isValidName): safe in double quotes.
        var s = "  - name: \"\(user.identity.name)\"\n    role: \(user.identity.role.rawValue)\n"
        if let hash = user.tokenHash { s += "    token_sha256: \(hex(hash))\n" }
        return s
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }

    static func unhex(_ s: String) -> [UInt8]? {
        let b = Array(s.utf8)
        guard b.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: b.count, by: 2) {
            guard let hi = hexValue(b[i]), let lo = hexValue(b[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
        }
        return out
    }
}
