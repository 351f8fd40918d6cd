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
            // The printed line is the decision's JSON and a newline: its record is made from it (on this
            // thread), and the line waits, counted in the writer's bound, until the record is committed.
            let d = response.decision
            if d.explanation != nil {
                var json: [UInt8] = []
                d.appendJSON(to: &json)
                writer.submit(caseID: d.caseID, policy: d.policy, now: d.now, input: input, decisionJSON: json, hasExplanation: true,
                              holding: line.count, ack: ack(line))
            } else {
                writer.submit(caseID: d.caseID, policy: response.policy, now: d.now, input: input, decisionJSON: Array(line.dropLast()),
                              hasExplanation: false, holding: line.count, ack: ack(line))
            }
        case .refused:
            writer.submitMarker(holding: line.count) { [unowned self] _ in self.pending.append(contentsOf: line) }
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

    /// The versions a batch activated (``batchStarted()``), retired when it ends.
    private var serving: [PolicyIdentity] = []

    /// A batch (`decide --batch --log`) serves its set's versions for its duration, as `serve` does
    /// from start-up to stop: each version that can decide is recorded as activated (a version event,
    /// trigger `batch`, archived with it) before the first decision, and as retired (trigger `batch`)
    /// once the last is committed (``close()``), so `verdict audit versions` lists the run as a spell
    /// of service (docs/auditing.md, "Version history").
    func batchStarted() throws {
        let now = Timestamp(Date())
        let versions = compiled.versions.map(\.identity)
        let events = versions.map { PendingVersionEvent(kind: .activated, set: $0.name, version: $0.version, digest: $0.digest, trigger: "batch", instance: PendingVersionEvent.processInstance, recordedAt: now) }
        do {
            _ = try writer.log.appendVersionEvents(events, policies: versions.compactMap { writer.archive(digest: $0.digest) })
        } catch {
            throw CommandFailure.decisionLog("the decision log cannot record the batch's policy versions: \(error)")
        }
        serving = versions
    }

    /// Waits for every record to commit, records the batch's versions as retired, and closes the log;
    /// exits 3 when the log failed.
    func close() {
        finishOrExit()
        if !serving.isEmpty {
            let now = Timestamp(Date())
            let events = serving.map { PendingVersionEvent(kind: .retired, set: $0.name, version: $0.version, digest: $0.digest, trigger: "batch", instance: PendingVersionEvent.processInstance, recordedAt: now) }
            serving = []
            do { _ = try writer.log.appendVersionEvents(events, policies: []) } catch {
                CommandFailure.decisionLog("the batch's decisions are logged, but the end of its policy versions' service could not be: \(error)").exit()
            }
        }
        try? writer.close()
    }
}
