import ArgumentParser
import Crypto
import Foundation
import Verdict
import VerdictAudit

extension Audit {
    /// `verdict audit witness`: a second party cosigns the log's latest checkpoint once it has checked
    /// that it extends the last checkpoint it saw.
    struct Witness: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As a witness (a second party), check the log's latest checkpoint extends the last one you saw, then cosign it with your own key.",
            discussion: """
            The state file keeps the last checkpoint you cosigned (created on the first run); each run checks the latest \
            checkpoint's signature (the operator's key: --operator-key, else the key your state names) and an RFC 9162 \
            consistency proof from the tree you saw to the tree it signs, then stores your cosignature in the log and \
            updates the state. A rewritten history — even re-signed with the operator's key — is refused (exit 1). \
            `verdict audit verify --witness-key PUB` then requires your cosignature on the latest checkpoint.
            """)
        @OptionGroup var log: LogOption
        @Option(help: ArgumentHelp("The witness's private key file (from `verdict audit keygen`).", valueName: "priv")) var key: String
        @Option(help: ArgumentHelp("The witness's state file: the last checkpoint it cosigned.", valueName: "file")) var state: String
        @Option(name: .customLong("operator-key"), help: ArgumentHelp("The operator's public key (default: the key the state names, or on a first run the key the checkpoint names).", valueName: "pub"))
        var operatorKey: String?
        @Option(help: "The language of every line: en or zh.") var lang: Language = .en

        func run() throws {
            do {
                let witnessKey = try AuditKeys.privateKey(file: try readKeyFile(key), path: key)
                let operatorPub = try operatorKey.map { try AuditKeys.publicKey(file: try readKeyFile($0), path: $0) }
                let previous = try FileManager.default.contents(atPath: state).map { try VerdictAudit.Witness.state(file: Array($0), path: state) }
                let l = try log.open(readOnly: false)
                defer { l.close() }
                guard let latest = try l.latestCheckpoint() else {
                    throw AuditError(.notFound, "\(l.location) has no checkpoint to witness: the operator signs one with `verdict audit checkpoint`")
                }
                try l.readSnapshot { try VerdictAudit.Witness.check(log: l, latest: latest, previous: previous, operatorKey: operatorPub) }
                let cosignature = try Cosignature.sign(latest, key: witnessKey)
                if try !l.cosignatures().contains(cosignature) { try l.addCosignature(cosignature) }
                try writeFileChecked(state + ".new", VerdictAudit.Witness.stateJSON(latest))
                guard rename(state + ".new", state) == 0 else { throw AuditError(.usage, "cannot replace `\(state)`: \(String(cString: strerror(errno)))") }
                let w = AuditWords(lang)
                var out = w.cosigned(latest.size, latest.root.hexString, TextEscaping.escaped(latest.time), latest.keyFingerprint,
                                     AuditKeys.fingerprint(cosignature.witnessKey)) + "\n"
                if let previous {
                    out += w.consistentWithLast(previous.size, previous.root.hexString) + "\n"
                } else {
                    out += w.firstWitnessRun(state) + "\n"
                }
                try writeOutput(out)
            } catch let e as CommandFailure {
                throw e
            } catch {
                throw fail(error)
            }
        }
    }
}

/// `verify --witness-key`: the latest checkpoint must carry a valid cosignature by the witness's key.
enum WitnessRequirement {
    static func check(_ log: any DecisionLog, witnessKeyFile: String, words w: AuditWords = AuditWords(.en)) throws -> String {
        let key = try AuditKeys.publicKey(file: try readKeyFile(witnessKeyFile), path: witnessKeyFile)
        let fingerprint = AuditKeys.fingerprint(Array(key.rawRepresentation))
        guard let latest = try log.latestCheckpoint() else {
            throw AuditError(.tampered, "the log has no checkpoint, so none is cosigned by witness key \(fingerprint)")
        }
        guard try log.cosignatures().contains(where: { $0.checkpoint == latest && $0.valid(with: key) }) else {
            throw AuditError(.key, "the latest checkpoint (\(latest.size) records, signed \(latest.time)) has no valid cosignature by witness key \(fingerprint): the witness has not seen it, or refused it")
        }
        return w.witnessed(latest.size, fingerprint) + "\n"
    }
}
