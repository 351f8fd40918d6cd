extension PolicyIdentity {
    /// `{"name": ..., "version": ..., "effective": ..., "digest": ...}`: how every answer names the
    /// version that made it (the decision's `policy`, the service's problems, the C library's errors).
    package func write(to w: inout JSONWriter) {
        w.object { w in
            w.field("name", name)
            w.field("version", version)
            if let e = effective { w.field("effective", e.description) }
            w.field("digest", digest)
        }
    }
}
