import ArgumentParser
import Foundation
import VerdictChanges
import VerdictServer

/// `verdict users`: the users file of `verdict serve --users-file` (issue 32) — who may read, propose,
/// approve and administer, each with a token of their own of which the file keeps only the SHA-256.
struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add and list the users of `verdict serve --users-file`.",
        discussion: """
        The file keeps each user's name, role (viewer, editor, approver or admin) and the SHA-256 of their \
        token, never the token: `add` prints the new token once. See docs/operating.md#users-and-roles.
        """,
        subcommands: [Add.self, List.self])

    /// `verdict users add NAME --role ROLE --file F`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user with a new random token, printed once on standard output.",
            discussion: """
            Creates the file if it does not exist; refuses a name already in it. The file is replaced whole \
            (a temporary file renamed over it), so the service never reads half of it; restart the service \
            to take a new user in. With --no-token the user signs in only through a trusted proxy \
            (--trusted-user-header).
            """)

        @Argument(help: "The user's name: 1 to 64 letters, digits and . _ - @ (what the decision log records).")
        var name: String

        @Option(help: "viewer, editor, approver or admin.")
        var role: String

        @Option(help: ArgumentHelp("The users file.", valueName: "file"))
        var file: String

        @Flag(help: "No token: the user signs in only through a trusted proxy's header.")
        var noToken = false

        func validate() throws {
            guard Identity.isValidName(name) else {
                throw ValidationError("`\(name)` is not a user name: 1 to 64 letters, digits and . _ - @")
            }
            guard Role(rawValue: role) != nil else {
                throw ValidationError("unknown role `\(role)`: one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        func run() throws {
            let existing: String?
            if FileManager.default.fileExists(atPath: file) {
                guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure.unreadable("cannot read `\(file)`") }
                existing = String(decoding: data, as: UTF8.self)
            } else {
                existing = nil
            }
            let token = noToken ? nil : UserDirectory.newToken()
            let user = UserDirectory.User(identity: Identity(name: name, role: Role(rawValue: role)!),
                                          tokenHash: token.map(UserDirectory.hashBytes(token:)))
            let text: String
            do {
                text = try UserDirectory.adding(user, to: existing, source: file)
            } catch {
                throw CommandFailure.unusable(error.description)
            }
            do {
                try UserDirectory.writeAtomically(text, to: file)
            } catch {
                throw CommandFailure.failed("\(error)")
            }
            if let token {
                FileHandle.standardError.write(Data("added `\(name)` (\(role)) to \(file); their token follows, shown this once (the file keeps only its SHA-256):\n".utf8))
                print(token)
            } else {
                FileHandle.standardError.write(Data("added `\(name)` (\(role)) to \(file), without a token: they sign in through the trusted proxy only\n".utf8))
            }
        }
    }

    /// `verdict users list --file F`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the users of a users file: name, role, and how they sign in.")

        @Option(help: ArgumentHelp("The users file.", valueName: "file"))
        var file: String

        func run() throws {
            guard FileManager.default.fileExists(atPath: file) else { throw CommandFailure.unreadable("no users file `\(file)`") }
            let directory: UserDirectory
            do { directory = try UserDirectory.load(file: file) } catch { throw CommandFailure.unusable(error.description) }
            let width = max(4, directory.users.map(\.identity.name.count).max() ?? 0)
            func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
            var out = pad("NAME", width) + "  " + pad("ROLE", 8) + "  SIGN-IN\n"
            for user in directory.users {
                out += pad(user.identity.name, width) + "  " + pad(user.identity.role.rawValue, 8) + "  "
                    + (user.tokenHash == nil ? "trusted proxy only" : "token") + "\n"
            }
            out += "\(directory.users.count) user\(directory.users.count == 1 ? "" : "s")\n"
            print(out, terminator: "")
        }
    }
}
