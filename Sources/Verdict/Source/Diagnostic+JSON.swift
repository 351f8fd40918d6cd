extension Diagnostic {
    /// The shape `verdict check --format json` gives one diagnostic: `severity`, `code`, `message`,
    /// `file`/`line`/`column` when it has a place, `help`, and `notes` (each a message and its place).
    package func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("severity", severity.rawValue)
            w.field("code", code)
            w.field("message", message)
            if let loc = location { DiagnosticRenderer.write(loc, into: &w) }
            if let help { w.field("help", help) }
            if !notes.isEmpty {
                w.key("notes")
                w.array { w in
                    for n in notes {
                        w.object { w in
                            w.field("message", n.message)
                            if let loc = n.location { DiagnosticRenderer.write(loc, into: &w) }
                        }
                    }
                }
            }
        }
    }
}
