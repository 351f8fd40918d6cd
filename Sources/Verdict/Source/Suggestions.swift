/// "Did you mean" suggestions by edit distance.
package enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a likely typo.
    ///
    /// Close enough means at most a third of the word's length in edits (at least 1, at most 3),
    /// or a case-insensitive match.
    ///
    /// The distance is at least the difference in length, so a candidate whose length differs by more
    /// than the cutoff is skipped unmeasured: a huge value costs one length count, not an edit distance
    /// against every candidate.
    package static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let length = word.unicodeScalars.count
        let cutoff = min(3, max(1, word.count / 3))
        let lower = length <= 256 ? word.lowercased() : nil
        var best: (String, Int)?
        for candidate in candidates {
            guard let lower, abs(candidate.unicodeScalars.count - length) <= cutoff else { continue }
            let other = candidate.lowercased()
            if other == lower { return candidate }
            let d = distance(lower, other)
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (name, d) = best else { return nil }
        return d <= cutoff ? name : nil
    }

    /// A value as messages quote it: whole when short, else its first 60 characters and its length,
    /// so a megabyte of input is never echoed back.
    static func clip(_ value: some StringProtocol) -> String {
        let scalars = value.unicodeScalars
        guard scalars.count > 80 else { return String(value) }
        var head = String.UnicodeScalarView()
        head.append(contentsOf: scalars.prefix(60))
        return String(head) + "… (\(scalars.count) characters)"
    }

    /// A help line: `did you mean \`x\`?`, or the list of valid names when none is close.
    static func help(for word: String, in candidates: [String], what: String = "names") -> String? {
        if let near = closest(to: word, in: candidates) { return "did you mean `\(near)`?" }
        guard !candidates.isEmpty else { return nil }
        let shown = candidates.sorted().prefix(12).map { "`\($0)`" }.joined(separator: ", ")
        return "valid \(what): \(shown)\(candidates.count > 12 ? ", ..." : "")"
    }

    /// Optimal string alignment distance (Levenshtein with adjacent transpositions).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}
