extension PolicyIdentity {
    /// What to say when `self` replaces `old` with other content under the same `version`: a version
    /// names one content, so an audit trail or a served `version` would otherwise name two. Nil when
    /// the version changed, the content did not, or the sets differ by name.
    public func unchangedVersion(from old: PolicyIdentity) -> String? {
        guard name == old.name, version == old.version, digest != old.digest else { return nil }
        return "the content changed (\(old.digest.prefix(19))… → \(digest.prefix(19))…) while the version stayed \(version): give the new content its own `version`"
    }
}
