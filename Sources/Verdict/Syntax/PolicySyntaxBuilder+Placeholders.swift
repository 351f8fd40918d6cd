/// Placeholders left in a template (`[具体时间]`, `TODO`).
extension PolicySyntaxBuilder {
    /// Text a template leaves for its user to fill in: `[具体时间]`, `TODO`, `TBD`, `FIXME`, `XXX`.
    mutating func findPlaceholders(_ node: YAMLNode) {
        switch node.kind {
        case .scalar(let text, _):
            if let found = Self.placeholder(in: text) {
                let offset = text.unicodeScalars.distance(from: text.unicodeScalars.startIndex, to: found.lowerBound.samePosition(in: text.unicodeScalars)!)
                diagnostics.error(.placeholder, "`\(text[found])` is a placeholder left to be filled in", at: node.location(atOffset: offset, length: text[found].unicodeScalars.count),
                                  help: "replace it with the value your organisation uses (a `parameters:` entry can hold it)")
            }
        case .mapping(let pairs):
            // Source quotes and notes may cite the template's blanks; only policy values must not hold one.
            for (k, v) in pairs where !Self.annotationKeys.contains(k.scalar ?? "") { findPlaceholders(v) }
        case .sequence(let items): items.forEach { findPlaceholders($0) }
        case .null: break
        }
    }

    static func placeholder(in text: String) -> Range<String.Index>? {
        // A bracketed phrase containing Chinese, as templates write blanks: [具体时间], 【具体时间】.
        for (open, close) in [("[", "]"), ("【", "】")] {
            var search = text.startIndex
            while let o = text.range(of: open, range: search..<text.endIndex),
                  let c = text.range(of: close, range: o.upperBound..<text.endIndex) {
                let inner = text[o.upperBound..<c.lowerBound]
                if inner.unicodeScalars.contains(where: { (0x4E00...0x9FFF).contains($0.value) }) { return o.lowerBound..<c.upperBound }
                search = o.upperBound
            }
        }
        for word in ["TODO", "TBD", "FIXME", "XXX"] {
            if let r = text.range(of: word) {
                let before = r.lowerBound == text.startIndex ? nil : text[text.index(before: r.lowerBound)]
                let after = r.upperBound == text.endIndex ? nil : text[r.upperBound]
                if !(before?.isLetter ?? false), !(after?.isLetter ?? false) { return r }
            }
        }
        return nil
    }
}
