import Foundation
import Testing
import VerdictChanges
@testable import VerdictServer

/// The users file (issue 32): what it accepts, each bad file refused at its line and column, token
/// lookup, and `verdict users add` / `list` through the built binary.
@Suite struct UserDirectoryTests {
    static let liToken = "li-wei-token-0123456789abcdef"
    static let zhangToken = "zhang-min-token-0123456789abcdef"

    static func file(_ users: String) -> String { "users:\n" + users }

    static let good = file("""
          - name: li.wei
            role: editor
            token_sha256: \(UserDirectory.hash(token: liToken))
          - name: zhang.min
            role: approver
            token_sha256: \(UserDirectory.hash(token: zhangToken))
          - name: 王芳@corp
            role: viewer

        """)

    @Test func readsUsersAndFindsThemByToken() throws {
        let d = try UserDirectory(yaml: Self.good, source: "users.yaml")
        #expect(d.users.map(\.identity.name) == ["li.wei", "zhang.min", "王芳@corp"])
        #expect(d.identity(token: Array(Self.liToken.utf8)) == Identity(name: "li.wei", role: .editor))
        #expect(d.identity(token: Array(Self.zhangToken.utf8)) == Identity(name: "zhang.min", role: .approver))
        #expect(d.identity(token: Array("li-wei-token-0123456789abcdeX".utf8)) == nil)
        #expect(d.identity(token: [UInt8]()) == nil)
        #expect(d.identity(named: "王芳@corp") == Identity(name: "王芳@corp", role: .viewer))
        #expect(d.identity(named: "nobody") == nil)
        #expect(d.users[2].tokenHash == nil, "a user of the trusted proxy only has no token")
        #expect(!Self.good.contains(Self.liToken), "the file holds hashes, never tokens")
        #expect(try UserDirectory(yaml: "users: []\n").users.isEmpty)
    }

    @Test(arguments: [
        ("users:\n  - name: li.wei\n    role: boss\n", "users.yaml:3:11: unknown role `boss`: one of viewer, editor, approver, admin"),
        ("users:\n  - name: \"li wei\"\n    role: editor\n", "users.yaml:2:11: `li wei` is not a user name"),
        ("users:\n  - name: a\n    role: editor\n  - name: a\n    role: viewer\n", "users.yaml:4:11: user `a` is listed twice (first on line 2; names are compared without case or width)"),
        ("users:\n  - name: bob\n    role: editor\n  - name: BOB\n    role: approver\n", "users.yaml:4:11: user `BOB` is listed twice (first on line 2; names are compared without case or width)"),
        ("users:\n  - name: a\n    role: editor\n    token_sha256: \(String(repeating: "ab", count: 32))\n  - name: b\n    role: viewer\n    token_sha256: \(String(repeating: "ab", count: 32))\n",
         "users.yaml:7:19: user `b` has the same token as `a`"),
        ("users:\n  - name: a\n    role: editor\n    token_sha256: \(String(repeating: "zz", count: 32))\n", "users.yaml:4:19: `token_sha256` is not hexadecimal"),
        ("users:\n  - name: a\n    role: editor\n    token_sha256: abc123\n", "users.yaml:4:19: `token_sha256` has 6 hex digits; a SHA-256 has 64"),
        ("users:\n  - name: a\n    role: editor\n    token: secret-in-clear-0123456789\n", "users.yaml:4:5: unknown key `token`"),
        ("users:\n  - name: a\n", "users.yaml:2:5: user `a` has no `role:`"),
        ("users:\n  - role: admin\n", "users.yaml:2:5: a user without `name:`"),
        ("people:\n  - name: a\n", "users.yaml:1:1: unknown key `people`"),
        ("users: li.wei\n", "users.yaml:1:8: `users:` must be a list of users"),
        ("users:\n  - [a, b]\n", "users.yaml:2:5: a user must be a mapping"),
        ("", "users.yaml: empty"),
        ("users: [\n", "users.yaml: not YAML"),
    ])
    func badFilesAreRefusedAtTheirPlace(_ text: String, _ expected: String) {
        #expect(throws: UserDirectory.LoadError.self) { try UserDirectory(yaml: text, source: "users.yaml") }
        do {
            _ = try UserDirectory(yaml: text, source: "users.yaml")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test func addingKeepsTheFileAndRefusesADuplicate() throws {
        let fresh = try UserDirectory.adding(.init(identity: Identity(name: "li.wei", role: .editor), tokenHash: UserDirectory.hashBytes(token: Self.liToken)),
                                             to: nil, source: "u.yaml")
        #expect(try UserDirectory(yaml: fresh).identity(token: Array(Self.liToken.utf8))?.name == "li.wei")
        let commented = "# who may change policies\n" + fresh
        let two = try UserDirectory.adding(.init(identity: Identity(name: "@ops", role: .admin), tokenHash: nil), to: commented, source: "u.yaml")
        #expect(two.hasPrefix(commented), "the existing text, comments included, is kept")
        #expect(try UserDirectory(yaml: two).users.map(\.identity) == [Identity(name: "li.wei", role: .editor), Identity(name: "@ops", role: .admin)])
        // A flow-style list cannot be appended to: the file is written anew, with the same users.
        let flow = "users: [{name: a, role: viewer}]\n"
        let rewritten = try UserDirectory.adding(.init(identity: Identity(name: "b", role: .editor), tokenHash: nil), to: flow, source: "u.yaml")
        #expect(try UserDirectory(yaml: rewritten).users.map(\.identity.name) == ["a", "b"])
        #expect(throws: UserDirectory.LoadError.self) {
            try UserDirectory.adding(.init(identity: Identity(name: "li.wei", role: .admin), tokenHash: nil), to: fresh, source: "u.yaml")
        }
        #expect(throws: UserDirectory.LoadError.self) {
            try UserDirectory.adding(.init(identity: Identity(name: "x", role: .admin), tokenHash: nil), to: "users: nope\n", source: "u.yaml")
        }
    }

    @Test func trustedProxiesMatchAddressesAndRanges() throws {
        let p = try TrustedProxies(["10.0.0.0/8", "192.168.1.7", "fd00::/8"])
        #expect(p.contains(ip: "10.200.3.4"))
        #expect(p.contains(ip: "::ffff:10.1.1.1"), "an IPv4 peer on an IPv6 socket")
        #expect(p.contains(ip: "192.168.1.7"))
        #expect(!p.contains(ip: "192.168.1.8"))
        #expect(!p.contains(ip: "11.0.0.1"))
        #expect(p.contains(ip: "fd12::1"))
        #expect(!p.contains(ip: "fe80::1"))
        #expect(!p.contains(ip: "not an address"))
        #expect(!p.contains(nil), "no peer (in-process tests) is never trusted")
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(["10.0.0.0/33"]) }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies(["proxy.internal"]) }
    }

    /// Runs the built binary; standard output, standard error and the exit status.
    static func verdict(_ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = EndToEndTests.binary
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    @Test func usersAddAndListThroughTheBinary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-users-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("users.yaml").path
        let added = try Self.verdict(["users", "add", "li.wei", "--role", "editor", "--file", file])
        #expect(added.status == 0, "\(added.err)")
        let token = added.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("vu_") && token.count == 67)
        #expect(added.err.contains("shown this once"))
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains(token), "only the hash is written")
        #expect(text.contains(UserDirectory.hash(token: token)))
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try UserDirectory.load(file: file).identity(token: Array(token.utf8)) == Identity(name: "li.wei", role: .editor))

        let sso = try Self.verdict(["users", "add", "zhang.min", "--role", "approver", "--no-token", "--file", file])
        #expect(sso.status == 0 && sso.out.isEmpty)
        let again = try Self.verdict(["users", "add", "li.wei", "--role", "admin", "--file", file])
        #expect(again.status == 2 && again.err.contains("there is already a user named `li.wei`"))
        let badRole = try Self.verdict(["users", "add", "wu.lei", "--role", "boss", "--file", file])
        #expect(badRole.status == 64 && badRole.err.contains("unknown role `boss`"))
        let badName = try Self.verdict(["users", "add", "wu lei", "--role", "viewer", "--file", file])
        #expect(badName.status == 64)

        let list = try Self.verdict(["users", "list", "--file", file])
        #expect(list.status == 0)
        #expect(list.out == """
            NAME       ROLE      SIGN-IN
            li.wei     editor    token
            zhang.min  approver  trusted proxy only
            2 users

            """)
        #expect(try Self.verdict(["users", "list", "--file", folder.appendingPathComponent("none.yaml").path]).status == 66)
        try "users:\n  - name: x\n    role: boss\n".write(toFile: file, atomically: true, encoding: .utf8)
        let broken = try Self.verdict(["users", "list", "--file", file])
        #expect(broken.status == 2 && broken.err.contains("users.yaml:3:11: unknown role `boss`"))
    }

    @Test func serveRefusesSignInOptionsThatCannotWork() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-users-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let users = folder.appendingPathComponent("users.yaml").path, tokens = folder.appendingPathComponent("tokens").path
        try "users:\n  - name: token\n    role: viewer\n".write(toFile: users, atomically: true, encoding: .utf8)
        try "a-long-enough-token-0123456789\n".write(toFile: tokens, atomically: true, encoding: .utf8)
        let policies = shippedPolicyPath("quality-complaints")
        let cases: [([String], String)] = [
            (["--users-file", users, "--token-file", tokens], "a user is named `token`, the name the --token-file tokens have"),
            (["--trusted-user-header", "X-Forwarded-User", "--trusted-proxy", "10.0.0.0/8"], "--trusted-user-header needs --users-file"),
            (["--users-file", users, "--trusted-user-header", "X-Forwarded-User"], "--trusted-user-header needs at least one --trusted-proxy"),
            (["--users-file", users, "--trusted-user-header", "X-Forwarded-User", "--trusted-proxy", "10.0.0.0/40"], "the prefix length must be 0 to 32"),
            (["--users-file", users, "--trusted-user-header", "Authorization", "--trusted-proxy", "10.0.0.1"], "is not a header name one may use"),
            (["--jwks-file", users], "--jwks-file needs --jwt-issuer, --jwt-audience and --jwt-role-claim"),
            (["--jwks-file", users, "--jwt-issuer", "i", "--jwt-audience", "a", "--jwt-role-claim", "r"], "not a JWKS document"),
        ]
        for (args, message) in cases {
            let r = try Self.verdict(["serve", "--policies", policies, "--port", "0"] + args)
            #expect(r.status == 64, "\(args)")
            #expect(r.err.contains(message), "\(args): \(r.err)")
        }
    }
}
