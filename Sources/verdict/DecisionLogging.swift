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

    /// One answer of a batch, in input order: a decision goes to the log and its line is printed once
    /// committed; an error line is printed in its place among them.
    func record(_ answer: DecisionBatch.Answer, line: [UInt8]) {
        switch answer {
        case let .decided(response, input):
            if response.decision.explanation != nil {
                writer.submit(decision: response.decision, input: input, ack: ack(line))
            } else {
                writer.submit(caseID: response.decision.caseID, policy: response.policy, now: response.decision.now, input: input,
                              decisionJSON: Array(line.dropLast()), hasExplanation: false, ack: ack(line))
            }
        case .refused:
            writer.submitMarker { [unowned self] _ in self.pending.append(contentsOf: line) }
        }
    }

    /// The single-case path: logs the decision, waits for the commit, then prints it.
    func recordThenPrint(_ response: DecisionResponse, input: [UInt8]) {
        var line: [UInt8] = []
        response.appendRendered(to: &line)
        line.append(10)
        writer.submit(decision: response.decision, input: input, ack: ack(line))
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
