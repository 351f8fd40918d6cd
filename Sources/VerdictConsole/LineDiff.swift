/// A line diff of two texts, for showing what a draft changes in a file: the lines of the longest
/// common subsequence kept, the others removed or added, grouped into hunks with a few lines of context.
public struct LineDiff: Sendable, Equatable {
    /// One line of a hunk.
    public struct Line: Sendable, Equatable {
        /// Kept, removed (only before) or added (only after).
        public enum Kind: Sendable, Equatable { case kept, removed, added }
        /// Its kind.
        public var kind: Kind
        /// Its number before (nil for an added line).
        public var old: Int?
        /// Its number after (nil for a removed line).
        public var new: Int?
        /// Its text.
        public var text: String

        /// A line.
        public init(kind: Kind, old: Int?, new: Int?, text: String) {
            self.kind = kind
            self.old = old
            self.new = new
            self.text = text
        }
    }

    /// Runs of changed lines with up to `context` kept lines around each; a hunk is separated from the
    /// next by the count of kept lines not shown.
    public var hunks: [[Line]]
    /// Lines removed.
    public var removed: Int
    /// Lines added.
    public var added: Int

    /// How many cells the comparison filled (0 when the middle was too large to compare).
    public private(set) var cells = 0

    /// The diff of `old` and `new`, line by line (a trailing newline is no line of its own).
    ///
    /// The common beginning and end are taken off first, so an edit of a few lines in a long file
    /// costs little; the middle is compared by the longest common subsequence, and when it would be
    /// larger than `budget` cells it is shown as removed and added whole.
    public init(old: String, new: String, context: Int = 3, budget: Int = 4_000_000) {
        let a = Self.lines(old), b = Self.lines(new)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let am = Array(a[prefix..<(a.count - suffix)]), bm = Array(b[prefix..<(b.count - suffix)])
        cells = am.count * bm.count <= budget ? am.count * bm.count : 0
        var all: [Line] = (0..<prefix).map { Line(kind: .kept, old: $0 + 1, new: $0 + 1, text: a[$0]) }
        if am.count * bm.count <= budget {
            // lcs[i][j]: the length of the longest common subsequence of am[i...] and bm[j...].
            let w = bm.count + 1
            var lcs = [Int](repeating: 0, count: (am.count + 1) * w)
            for i in stride(from: am.count - 1, through: 0, by: -1) {
                for j in stride(from: bm.count - 1, through: 0, by: -1) {
                    lcs[i * w + j] = am[i] == bm[j] ? lcs[(i + 1) * w + j + 1] + 1 : max(lcs[(i + 1) * w + j], lcs[i * w + j + 1])
                }
            }
            var i = 0, j = 0
            while i < am.count || j < bm.count {
                if i < am.count, j < bm.count, am[i] == bm[j] {
                    all.append(Line(kind: .kept, old: prefix + i + 1, new: prefix + j + 1, text: am[i])); i += 1; j += 1
                } else if i < am.count, j == bm.count || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
                    all.append(Line(kind: .removed, old: prefix + i + 1, new: nil, text: am[i])); i += 1
                } else {
                    all.append(Line(kind: .added, old: nil, new: prefix + j + 1, text: bm[j])); j += 1
                }
            }
        } else {
            all += am.enumerated().map { Line(kind: .removed, old: prefix + $0.offset + 1, new: nil, text: $0.element) }
            all += bm.enumerated().map { Line(kind: .added, old: nil, new: prefix + $0.offset + 1, text: $0.element) }
        }
        let oldEnd = a.count - suffix, newEnd = b.count - suffix
        all += (0..<suffix).map { Line(kind: .kept, old: oldEnd + $0 + 1, new: newEnd + $0 + 1, text: a[oldEnd + $0]) }
        // Keep each changed line and the kept lines within `context` of one.
        var show = [Bool](repeating: false, count: all.count)
        for (n, l) in all.enumerated() where l.kind != .kept {
            for k in max(0, n - context)...min(all.count - 1, n + context) { show[k] = true }
        }
        var hunks: [[Line]] = []
        var current: [Line] = []
        for (n, l) in all.enumerated() {
            if show[n] { current.append(l) } else if !current.isEmpty { hunks.append(current); current = [] }
        }
        if !current.isEmpty { hunks.append(current) }
        self.hunks = hunks
        removed = all.filter { $0.kind == .removed }.count
        added = all.filter { $0.kind == .added }.count
    }

    /// True when the texts have the same lines.
    public var isEmpty: Bool { removed == 0 && added == 0 }

    static func lines(_ s: String) -> [String] {
        var parts = s.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        if parts.last == "" { parts.removeLast() }
        return parts.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    }
}
