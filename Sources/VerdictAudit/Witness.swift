import Crypto
import Foundation
import Verdict

/// A second party's signature on a checkpoint (an internal audit department, a regulator): it saw
/// this checkpoint, and it extends the last one it saw (docs/auditing.md, "Witnesses").
///
/// The witness signs, with its own Ed25519 key, `verdict decision log cosignature v1\n` followed by
/// the checkpoint's own signed bytes (``Checkpoint/message``). Cosignatures are stored in the log
/// (`verdict_cosignatures`), beside the checkpoint they sign.
public struct Cosignature: Sendable, Equatable {
    public var checkpoint: Checkpoint
    /// The witness's Ed25519 public key (32 bytes) and its signature (64 bytes).
    public var witnessKey: [UInt8]
    public var signature: [UInt8]

    public static func message(_ c: Checkpoint) -> [UInt8] { Array(("verdict decision log cosignature v1\n" + c.message).utf8) }

    public static func sign(_ c: Checkpoint, key: Curve25519.Signing.PrivateKey) throws -> Cosignature {
        Cosignature(checkpoint: c, witnessKey: Array(key.publicKey.rawRepresentation), signature: Array(try key.signature(for: message(c))))
    }

    public init(checkpoint: Checkpoint, witnessKey: [UInt8], signature: [UInt8]) {
        self.checkpoint = checkpoint
        self.witnessKey = witnessKey
        self.signature = signature
    }

    public func valid(with key: Curve25519.Signing.PublicKey) -> Bool {
        witnessKey == Array(key.rawRepresentation) && key.isValidSignature(signature, for: Self.message(checkpoint))
    }
}

public enum Witness {
    /// What a witness checks before it cosigns `latest`: the operator's signature (with `operatorKey`,
    /// else the key the previous checkpoint it saw names, else the key `latest` names), the log's
    /// identity, and — from the `previous` checkpoint it saw — that the log's tree at `latest` extends
    /// the tree it saw (an RFC 9162 consistency proof from the log, checked against the root it kept).
    public static func check(log: any DecisionLog, latest: Checkpoint, previous: Checkpoint?,
                             operatorKey: Curve25519.Signing.PublicKey?) throws(AuditError) {
        let expectedKey = operatorKey.map { Array($0.rawRepresentation) } ?? previous?.publicKey ?? latest.publicKey
        guard latest.publicKey == expectedKey else {
            throw AuditError(.key, "the latest checkpoint (\(latest.size) records) was signed by key \(latest.keyFingerprint), not by the operator's key \(AuditKeys.fingerprint(expectedKey))")
        }
        guard latest.signatureValid() else { throw AuditError(.tampered, "the latest checkpoint's signature does not verify: it was altered") }
        guard latest.logID == log.logID else { throw AuditError(.tampered, "the latest checkpoint names log \(latest.logID), not this log (\(log.logID))") }
        guard let previous else { return }
        guard previous.logID == latest.logID else {
            throw AuditError(.usage, "the state file is of log \(previous.logID), not of this log (\(latest.logID)): give the state file kept for this log")
        }
        guard latest.size >= previous.size else {
            throw AuditError(.tampered, "the log shrank: the witness saw \(previous.size) records (root \(previous.root.hex)), the latest checkpoint signs \(latest.size)")
        }
        if previous.size == 0 { return }
        let proof: [Hash]
        do {
            proof = try Merkle.consistencyProof(from: previous.size, to: latest.size) { lo, hi in try log.subtreeHash(lo, hi) }
        } catch let e as AuditError {
            throw e
        } catch {
            throw AuditError(.storage, "\(log.location): \(error)")
        }
        guard Merkle.verifyConsistency(first: previous.size, second: latest.size, firstRoot: previous.root, secondRoot: latest.root, proof: proof) else {
            throw AuditError(.tampered, "the latest checkpoint (\(latest.size) records, root \(latest.root.hex), signed \(latest.time)) is not consistent with the checkpoint the witness saw (\(previous.size) records, root \(previous.root.hex), signed \(previous.time)): the log's history was rewritten; refusing to cosign")
        }
    }

    /// The state a witness keeps: the last checkpoint it cosigned, as JSON.
    public static func stateJSON(_ c: Checkpoint) -> String {
        var w = JSONWriter()
        w.object { w in
            w.field("format", "verdict-witness-state-v1")
            w.key("checkpoint")
            c.write(to: &w)
        }
        return w.output + "\n"
    }

    public static func state(file: [UInt8], path: String) throws(AuditError) -> Checkpoint {
        let v: JSONValue
        do { v = try JSONReader.parse(file) } catch { throw AuditError(.usage, "`\(path)` is not a witness state file: not JSON (\(error))") }
        guard case .string("verdict-witness-state-v1")? = v.member("format"), let c = v.member("checkpoint") else {
            throw AuditError(.usage, "`\(path)` is not a witness state file (its `format` is not `verdict-witness-state-v1`)")
        }
        return try Checkpoint(json: c, where: "`\(path)`: checkpoint")
    }
}
