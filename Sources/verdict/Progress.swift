import Foundation

/// The progress of a long job on standard error — cases done, their rate, and the time left when the
/// input's size is known — redrawn in place at most four times a second. Only on a terminal: when
/// standard error is a file or a pipe, nothing is shown (``init(path:)`` gives nil).
final class Progress {
    private let total: Int?
    /// The total in items, when the job counts items rather than bytes (`show(_:of:)`).
    private var knownTotal: Int?
    private var read = 0
    private let start = Date()
    private var lastShown = Date.distantPast
    private var shown = false

    /// Progress over the input at `path` (its size gives the time left; standard input has none), or
    /// nil when standard error is not a terminal.
    init?(path: String, noun: String = "cases") {
        guard isatty(2) == 1 else { return nil }
        var info = stat()
        total = path != "-" && stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && info.st_size > 0 ? Int(info.st_size) : nil
        self.noun = noun
    }

    private let noun: String

    /// Counts bytes of the input read.
    func read(_ bytes: Int) { read += bytes }

    /// Shows `done` items, when the last showing is a quarter of a second old.
    func show(_ done: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastShown) >= 0.25 else { return }
        lastShown = now
        let elapsed = now.timeIntervalSince(start)
        guard elapsed >= 0.5 else { return }  // a short job shows nothing
        var line = "\r\(Self.grouped(done)) \(noun) · \(Self.grouped(Int(Double(done) / elapsed)))/s"
        if let total = knownTotal ?? total, read > 0 {
            let left = elapsed * Double(total - min(read, total)) / Double(read)
            line += " · \(Int(Double(read) * 100 / Double(total)))% · \(Self.duration(left)) left"
        }
        write(line + "\u{1B}[K")
        shown = true
    }

    /// Shows `done` items of `total` (the share done gives the time left).
    func show(_ done: Int, of total: Int) {
        knownTotal = total
        read = done
        show(done)
    }

    /// Clears the line shown, if any.
    func done() {
        if shown { write("\r\u{1B}[K") }
    }

    private func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }

    static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \(s % 3600 / 60) min"
    }
}
