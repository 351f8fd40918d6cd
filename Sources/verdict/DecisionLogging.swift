import ArgumentParser
import Foundation
import Verdict
import VerdictAudit
import VerdictAuditPostgres
import VerdictServer

/// Opens a decision log by location, with the PostgreSQL backend available.
func openDecisionLog(_ location: String, create: Bool) throws -> any DecisionLog {
    PostgresDecisionLog.registerScheme()
    return try DecisionLogs.open(location, create: create)
}

/// `decide --log`: every decision goes to the log with group commit, and a decision's line is
/// printed only once its record is committed (a printed decision is a logged decision).
final class DecisionLogging: @unchecked Sendable {
    let writer: DecisionLogWriter
    let compiled: PolicyVersions
    /// Lines waiting for their batch's commit, written by the log writer's thread.
    private var pending: [UInt8] = []
    private var failedCases = 0

    /// Opens the log and archives every version of the set, each from its own folder.
    init(location: String, policies: PolicyVersions) throws {
        do {
            writer = DecisionLogWriter(log: try openDecisionLog(location, create: true))
            for (version, folder) in zip(policies.versions, policies.folders) { try writer.register(version, folder: folder) }
        } catch {
            throw CommandFailure.decisionLog("\(error)")
        }
        compiled = policies
        writer.batchCommitted = { [unowned self] in self.writeOut() }
    }

    private func writeOut() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { b in
            var off = 0
            while off < b.count {
                let n = write(1, b.baseAddress! + off, b.count - off)
                if n <= 0 { break }
                off += n
            }
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func ack(_ line: [UInt8]) -> DecisionLogWriter.Acknowledgement {
        .callback { [unowned self] result in
            if case .success = result { self.pending.append(contentsOf: line) }
        }
    }

    /// One case of a batch: decides it, hands it to the log, returns 1 when it could not be decided.
    func decide(_ bytes: [UInt8], explain: Bool, now: Timestamp, errorLine: (CaseError) -> String) -> Int {
        do {
            let d = try compiled.decide(json: bytes, explain: explain, now: now)
            var line: [UInt8] = []
            d.appendJSON(to: &line)
            line.append(10)
            if explain {
                writer.submit(decision: d, input: bytes, ack: ack(line))
            } else {
                writer.submit(caseID: d.caseID, policy: d.policy, now: d.now, input: bytes, decisionJSON: Array(line.dropLast()),
                              hasExplanation: false, ack: ack(line))
            }
            return 0
        } catch {
            let line = Array((errorLine(error) + "\n").utf8)
            writer.submitMarker { [unowned self] _ in self.pending.append(contentsOf: line) }
            return 1
        }
    }

    /// The single-case path: logs the decision, waits for the commit, then prints it.
    func recordThenPrint(_ d: Decision, input: [UInt8]) {
        let line = Array((d.json() + "\n").utf8)
        writer.submit(decision: d, input: input, ack: ack(line))
        finishOrExit()
    }

    /// Waits for every record to commit and prints what is left; exits 3 when the log failed.
    func finishOrExit() {
        do { try writer.flush() } catch {
            writeOut()
            CommandFailure.decisionLog("the decision log failed, decisions after the last printed one were not logged: \(error)").exit()
        }
        writeOut()
    }

    func close() {
        finishOrExit()
        try? writer.close()
    }
}
