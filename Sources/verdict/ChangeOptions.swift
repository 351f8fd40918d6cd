import ArgumentParser
import Foundation
import VerdictChanges
import VerdictServer

/// `verdict serve`'s options for governed changes (issue 32): where proposals are kept, and the webhook.
struct ChangeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Governed changes: keep proposals in this folder (made if missing). Editors propose, approvers other than the author approve, and an approved change is written into the set's folder and reloaded; every step goes to --log. Needs --log and --users-file (or a trusted proxy, or --jwks-file). See docs/governance.md.", valueName: "dir"))
    var proposals: String?

    @Option(help: ArgumentHelp("Post each step of a proposal (proposed, approved, rejected, activated, refused, withdrawn, rolled-back) as JSON to this http(s) URL.", valueName: "url"))
    var changeWebhook: String?

    @Option(help: ArgumentHelp("A file whose bytes key an HMAC-SHA256 of each webhook body, sent as X-Verdict-Signature: sha256=HEX.", valueName: "file"))
    var changeWebhookSecretFile: String?

    /// Sets `config`'s proposals store and webhook; a usage error says which option is wrong and why.
    func apply(to config: inout ServerConfiguration) throws {
        guard let proposals else {
            if changeWebhook != nil || changeWebhookSecretFile != nil {
                throw ValidationError("--change-webhook and --change-webhook-secret-file need --proposals DIR")
            }
            return
        }
        guard config.recorder != nil else {
            throw ValidationError("--proposals needs --log: every step of a governed change is recorded in the decision log, or it does not happen")
        }
        guard config.users != nil || config.trustedUserHeader != nil || config.jwt != nil else {
            throw ValidationError("--proposals needs --users-file (or --trusted-user-header, or --jwks-file): a change is proposed and approved by named people, never anonymously")
        }
        for folder in config.policyFolders {
            let a = URL(fileURLWithPath: proposals).standardizedFileURL.path, b = URL(fileURLWithPath: folder).standardizedFileURL.path
            if a == b || a.hasPrefix(b + "/") {
                throw ValidationError("--proposals `\(proposals)` is inside the policy folder `\(folder)`: keep proposals apart from the files they change")
            }
        }
        do { config.proposals = try ProposalStore(folder: proposals) } catch { throw ValidationError("--proposals: \(error.description)") }
        if let hook = changeWebhook {
            guard let url = URL(string: hook), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                throw ValidationError("--change-webhook `\(hook)` is not an http:// or https:// URL")
            }
            config.changeWebhook = url
        }
        if let file = changeWebhookSecretFile {
            guard let data = FileManager.default.contents(atPath: file), !data.isEmpty, data.count <= 4096 else {
                throw ValidationError("--change-webhook-secret-file `\(file)` cannot be read, is empty or is larger than 4 KiB")
            }
            config.changeWebhookSecret = Array(data)
        }
    }
}
