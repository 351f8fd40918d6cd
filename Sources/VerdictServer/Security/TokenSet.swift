import Crypto
import Foundation

/// Bearer tokens read from a file: one per line; blank lines and lines starting with `#` are ignored.
///
/// Only the SHA-256 of each token is kept. A presented token is hashed and compared with every known
/// hash in constant time (no early exit on the first differing byte, nor on the first match), so the
/// time taken tells nothing about how much of a token was right. Tokens are never logged.
public struct TokenSet: Sendable {
    private let hashes: [[UInt8]]
    /// Where the tokens came from, for messages (never the tokens).
    public let source: String

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The shortest token accepted: a guessable token is a configuration error.
    public static let minimumLength = 16

    public init(tokens: [String], source: String = "tokens") throws(LoadError) {
        var hashes: [[UInt8]] = []
        for (i, token) in tokens.enumerated() {
            guard token.utf8.count >= Self.minimumLength else {
                throw LoadError(description: "\(source): token \(i + 1) is shorter than \(Self.minimumLength) characters")
            }
            guard token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw LoadError(description: "\(source): token \(i + 1) has a character other than visible ASCII")
            }
            hashes.append(Array(SHA256.hash(data: Array(token.utf8))))
        }
        guard !hashes.isEmpty else { throw LoadError(description: "\(source): no token (one per line; # starts a comment)") }
        self.hashes = hashes
        self.source = source
    }

    /// Reads a token file.
    public static func load(file path: String) throws(LoadError) -> TokenSet {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "cannot read token file `\(path)`")
        }
        let tokens = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        return try TokenSet(tokens: tokens, source: "token file `\(path)`")
    }

    /// True when `token` is one of the set, in time that does not depend on the tokens' contents.
    public func contains(_ token: some Collection<UInt8>) -> Bool {
        let presented = Array(SHA256.hash(data: Array(token)))
        var found: UInt8 = 0
        for hash in hashes {
            var difference: UInt8 = 0
            for i in 0..<32 { difference |= hash[i] ^ presented[i] }
            // 1 when equal, 0 otherwise, without a branch on the secret.
            found |= UInt8(truncatingIfNeeded: (Int(difference) - 1) >> 8) & 1
        }
        return found == 1
    }
}
