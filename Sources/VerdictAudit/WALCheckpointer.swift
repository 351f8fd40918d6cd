import Dispatch
import Foundation
import GRDB
import Synchronization

/// Copies a decision log's write-ahead log into its database file from a connection and a thread of
/// its own, so that no commit of decisions waits for it.
///
/// SQLite checkpoints a WAL file inside the commit that makes it pass `wal_autocheckpoint` pages: that
/// commit copies the whole WAL into the database and syncs it, and every decision waiting on it —
/// and every request waiting on those — waits too (measured: the service's p99 with `--log sqlite:`
/// was 75–87 ms with them and 26–40 ms without, issue 30). The writer's connection turns them off
/// (`wal_autocheckpoint = 0`) and this thread runs a `PASSIVE` checkpoint whenever the WAL file has
/// grown past ``threshold`` bytes: it copies what no reader still needs without taking the write lock,
/// so commits go on meanwhile; once a checkpoint has copied everything, the writer's next transaction
/// starts the WAL from its beginning again (`journal_size_limit` then truncates the file).
final class WALCheckpointer: @unchecked Sendable {  // the thread and `close()` meet only through the semaphores
    /// The WAL size from which a checkpoint runs.
    let threshold: Int
    private let queue: DatabaseQueue
    private let walPath: String
    private let stop = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    private let closed = Atomic<Bool>(false)

    /// Starts checkpointing the SQLite file at `path`, looking at its WAL every `interval`.
    init(path: String, threshold: Int = 16 << 20, interval: DispatchTimeInterval = .milliseconds(200)) throws {
        self.threshold = threshold
        walPath = path + "-wal"
        var config = Configuration()
        config.busyMode = .timeout(5)
        config.label = "verdict-log-checkpoint"
        queue = try DatabaseQueue(path: path, configuration: config)
        let thread = Thread { [self] in
            while stop.wait(timeout: .now() + interval) == .timedOut {
                checkpointIfLarge()
            }
            stopped.signal()
        }
        thread.name = "verdict-log-checkpoint"
        thread.start()
    }

    /// Runs a passive checkpoint when the WAL has grown past the threshold. A failure (the file busy,
    /// the disk full) is left for the next round: the writer's own commits report a log that cannot be
    /// written.
    private func checkpointIfLarge() {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size]) as? NSNumber,
              size.intValue >= threshold else { return }
        try? queue.writeWithoutTransaction { db in try db.checkpoint(.passive) }
    }

    /// Stops the thread (after a checkpoint in progress ends) and closes its connection; closing
    /// again does nothing.
    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        stop.signal()
        stopped.wait()
        try? queue.close()
    }
}
