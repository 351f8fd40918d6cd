import ArgumentParser
import Foundation
import HTTPTypes
import Logging
import Verdict
import VerdictAudit
import VerdictServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve decisions over HTTP, reloading policy folders when they change.",
        discussion: """
        Binds to 127.0.0.1:8080 unless told otherwise. A new version of a policy set serves only once it \
        loads without errors and passes its own YAML tests; otherwise the last good version keeps serving. \
        Reloads: file changes (after --debounce of quiet), SIGHUP, POST /v1/admin/reload. SIGTERM or SIGINT \
        stops accepting, finishes the requests in flight and exits 0. See docs/operating.md.
        """)

    @Option(name: .long, help: ArgumentHelp("A policy set folder (repeat for several sets).", valueName: "dir"))
    var policies: [String]

    @Option(help: "The address to bind.")
    var host = "127.0.0.1"

    @Option(help: "The port (0: any free port, printed in the log).")
    var port = 8080

    @Option(help: ArgumentHelp("Bearer tokens for the API, one per line; without it the API is open.", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("Bearer tokens for POST /v1/admin/reload (default: the --token-file tokens; with neither, reload over HTTP is refused).", valueName: "file"))
    var adminTokenFile: String?

    @Option(help: ArgumentHelp("The users file: names, roles (viewer, editor, approver, admin) and token hashes, made by `verdict users add`. With it the API needs a user's token and reload an admin. Read again when it changes and on SIGHUP (an edit that does not load is refused; the users before stay). See docs/operating.md#users-and-roles.", valueName: "file"))
    var usersFile: String?

    @Flag(help: "Mark the console's cookies (session, form token, language) Secure, so browsers send them over HTTPS only: for a console reached through an HTTPS proxy.")
    var secureCookies = false

    @Option(help: ArgumentHelp("A header in which a trusted reverse proxy names the signed-in user (e.g. X-Forwarded-User); believed only from a --trusted-proxy address, for a user of --users-file.", valueName: "name"))
    var trustedUserHeader: String?

    @Option(help: ArgumentHelp("An address (IP or CIDR, e.g. 10.0.0.0/8) whose --trusted-user-header is believed; repeat for several.", valueName: "addr"))
    var trustedProxy: [String] = []

    @Option(help: ArgumentHelp("Accept bearer JWTs (ES256, RS256) from the company's identity provider, verified against the keys of this JWKS file; needs --jwt-issuer, --jwt-audience and --jwt-role-claim.", valueName: "file"))
    var jwksFile: String?

    @Option(help: ArgumentHelp("The `iss` a JWT must have.", valueName: "issuer"))
    var jwtIssuer: String?

    @Option(help: ArgumentHelp("The audience a JWT's `aud` must name.", valueName: "audience"))
    var jwtAudience: String?

    @Option(help: ArgumentHelp("The JWT claim holding the caller's role (viewer, editor, approver or admin; in a list, the highest counts).", valueName: "claim"))
    var jwtRoleClaim: String?

    @Option(help: ArgumentHelp("The JWT claim holding the caller's name.", valueName: "claim"))
    var jwtNameClaim = "sub"

    @Option(name: .customLong("log"), help: ArgumentHelp("Record every decision in this decision log (sqlite:PATH or postgres://USER@HOST:PORT/DB); an answer is sent once its decisions are committed. See docs/auditing.md.", valueName: "log"))
    var decisionLog: String?

    @Option(help: "Log lines as text or json (one JSON object per line).")
    var logFormat: LogFormat = .text

    @Option(help: "trace, debug, info (one line per request and per reload), notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @Option(help: ArgumentHelp("Largest case body, and largest batch line (e.g. 1MiB, 512KiB, 1048576).", valueName: "size"))
    var maxBody = "1MiB"

    @Option(help: ArgumentHelp("Largest batch body.", valueName: "size"))
    var maxBatchBody = "256MiB"

    @Option(help: ArgumentHelp("Largest body of a web-console form (a draft's files, a sign-in).", valueName: "size"))
    var maxFormBody = "4MiB"

    @Option(help: "Most lines in one batch.")
    var maxBatchLines = 100_000

    @Option(help: "Deepest nesting of arrays and objects in a case.")
    var maxDepth = 16

    @Option(help: ArgumentHelp("Seconds to wait for a whole request body (in a batch, which streams: for its next part).", valueName: "seconds"))
    var requestTimeout = 30

    @Option(help: ArgumentHelp("Most connections open at once; past it requests get 503 (health and metrics are still answered). Default: half the open-file limit, 8 to 4096.", valueName: "n"))
    var maxConnections: Int?

    @Option(help: ArgumentHelp("Milliseconds between two looks at the folders' files; 0 turns watching off.", valueName: "ms"))
    var watchInterval = 250

    @Option(help: ArgumentHelp("Milliseconds the files must stay unchanged before a reload.", valueName: "ms"))
    var debounce = 300

    func validate() throws {
        if policies.isEmpty { throw ValidationError("give at least one --policies DIR") }
        if Set(policies).count != policies.count { throw ValidationError("each --policies folder may be given once") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        if trustedUserHeader != nil, usersFile == nil {
            throw ValidationError("--trusted-user-header needs --users-file: the user a proxy names must be one of its users, who has a role there")
        }
        if trustedUserHeader != nil, trustedProxy.isEmpty {
            throw ValidationError("--trusted-user-header needs at least one --trusted-proxy ADDR: the header is believed only from those addresses")
        }
        if !trustedProxy.isEmpty, trustedUserHeader == nil {
            throw ValidationError("--trusted-proxy is only used with --trusted-user-header NAME")
        }
        if let header = trustedUserHeader, HTTPField.Name(header) == nil || header.lowercased() == "authorization" {
            throw ValidationError("--trusted-user-header `\(header)` is not a header name one may use for this")
        }
        let jwtOptions = [jwtIssuer, jwtAudience, jwtRoleClaim]
        if jwksFile != nil, jwtOptions.contains(where: { $0 == nil }) {
            throw ValidationError("--jwks-file needs --jwt-issuer, --jwt-audience and --jwt-role-claim: a token is accepted only from that issuer, for that audience, with a role")
        }
        if jwksFile == nil, jwtOptions.contains(where: { $0 != nil }) {
            throw ValidationError("--jwt-issuer, --jwt-audience and --jwt-role-claim are used only with --jwks-file FILE")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be at least 1") }
        if maxBatchLines < 1 || maxDepth < 2 || requestTimeout < 1 || watchInterval < 0 || debounce < 0 {
            throw ValidationError("--max-batch-lines and --request-timeout must be at least 1, --max-depth at least 2, --watch-interval and --debounce not negative")
        }
    }

    @OptionGroup(title: "Governed changes")
    var changes: ChangeOptions

    func run() async throws {
        var config = ServerConfiguration(policyFolders: policies)
        config.host = host
        config.port = port
        do {
            config.tokens = try tokenFile.map { path throws(TokenSet.LoadError) in try TokenSet.load(file: path) }
            config.adminTokens = try adminTokenFile.map { path throws(TokenSet.LoadError) in try TokenSet.load(file: path) }
        } catch {
            throw ValidationError(error.description)
        }
        if let usersFile {
            do { config.users = try UserDirectory.load(file: usersFile) } catch { throw ValidationError(error.description) }
            config.usersFile = usersFile
            // The same rule the service applies when it reads the file again.
            if let problem = config.users?.reservedNameProblem(config.reservedUserNames) { throw ValidationError(problem) }
        }
        config.trustedUserHeader = trustedUserHeader
        config.secureCookies = secureCookies
        if let jwksFile, let jwtIssuer, let jwtAudience, let jwtRoleClaim {
            do {
                config.jwt = try JWTVerifier.load(file: jwksFile, issuer: jwtIssuer, audience: jwtAudience, roleClaim: jwtRoleClaim, nameClaim: jwtNameClaim)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if !trustedProxy.isEmpty {
            do { config.trustedProxies = try TrustedProxies(trustedProxy) } catch { throw ValidationError(error.description) }
        }
        config.limits.maxCaseBytes = try Self.size(maxBody, "--max-body")
        config.limits.maxBatchBytes = try Self.size(maxBatchBody, "--max-batch-body")
        config.limits.maxFormBytes = try Self.size(maxFormBody, "--max-form-body")
        config.limits.maxBatchLines = maxBatchLines
        config.limits.maxJSONDepth = maxDepth
        config.limits.requestTimeout = .seconds(requestTimeout)
        if let maxConnections { config.limits.maxConnections = maxConnections }
        config.watchInterval = watchInterval == 0 ? nil : .milliseconds(watchInterval)
        config.debounce = .milliseconds(debounce)
        var recorder: AuditRecorder?
        if let decisionLog {
            do {
                let log = try openDecisionLog(decisionLog, create: true)
                recorder = AuditRecorder(writer: DecisionLogWriter(log: log), versionHistory: true)
                config.auditLog = log
            } catch {
                throw CommandFailure.decisionLog("\(error)")
            }
            config.recorder = recorder
        }
        try changes.apply(to: &config)
        defer { try? recorder?.writer.close() }
        let format = logFormat, level = logLevel
        let logger = Logger(label: "verdict") { LineLogHandler(label: $0, format: format, level: level) }
        try await VerdictService(configuration: config, logger: logger).run()
    }

    /// `1MiB`, `512KiB`, `64KB`, `1048576`.
    static func size(_ text: String, _ option: String) throws -> Int {
        let units: [(String, Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1000), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            if let n = Int(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n > 0 { return n * factor }
            throw ValidationError("\(option): `\(text)` is not a size such as 1MiB")
        }
        guard let n = Int(text), n > 0 else { throw ValidationError("\(option): `\(text)` is not a size such as 1MiB or 1048576") }
        return n
    }
}

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
