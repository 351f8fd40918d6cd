import Foundation

/// The versions of a policy set that serve requests: immutable, swapped whole on reload.
///
/// A set of one version serves it for every case; a set with several (folders under `versions/`)
/// decides each case by the version in force on its date (see `PolicyVersions`).
public final class ActivePolicy: Sendable {
    /// Every version of the set, earliest effective date first.
    public let versions: PolicyVersions
    /// When it was activated.
    public let loadedAt: Date
    /// What activated it.
    public let trigger: ReloadTrigger
    /// The YAML tests it passed before it was activated.
    public let testsPassed: Int
    /// The schema of each version's case input, generated once, in the order of `versions`.
    private let schemas: [[UInt8]]

    package init(versions: PolicyVersions, loadedAt: Date, trigger: ReloadTrigger, testsPassed: Int) {
        self.versions = versions
        self.loadedAt = loadedAt
        self.trigger = trigger
        self.testsPassed = testsPassed
        schemas = versions.versions.map { policy in
            var w = JSONWriter()
            CaseSchema.write(policy, to: &w)
            return w.bytes
        }
    }

    /// The version in force now (the earliest while none is yet): what the set's listing, schema and
    /// headers name when no case picks one.
    public var policy: CompiledPolicy { versions.inForceNow }

    /// The schema of the case input of the version in force now.
    public var schema: [UInt8] {
        let now = policy
        return schemas[versions.versions.firstIndex { $0 === now } ?? 0]
    }

    /// The digests of every version, in order: equal exactly when a reload would change nothing.
    package var digests: [String] { versions.versions.map(\.identity.digest) }
}
