import Synchronization

/// Who a policy is: what every decision carries so an auditor can tell which rules decided it.
public struct PolicyIdentity: Sendable, Hashable {
    /// The set's `name`, from its manifest.
    public var name: String
    /// The set's `version`, from its manifest.
    public var version: String
    /// The date from which the policy applies, if the manifest gives one.
    public var effective: CivilDate?
    /// `sha256:` and the hex SHA-256 of the policy's source files (see ``PolicyDigest``).
    public var digest: String
    /// The set's title in English and Chinese.
    public var title: Localized
}

/// A policy set checked and compiled for evaluation: immutable, `Sendable`, safe to share across threads.
///
/// ```swift
/// let policy = try CompiledPolicy.load(directory: "policies/quality-complaints")
/// let decision = try policy.decide(json: Array(#"{"id": "Q-1", ...}"#.utf8))
/// decision["tier"]   // .integer(1)
/// ```
/// Compile once, decide many: field names are resolved to slots, enum members interned and money
/// held as integer minor units at load time, so deciding does no string-keyed lookup and reads no YAML.
public final class CompiledPolicy: Sendable {
    /// This policy's serial number: unique in the process, never given to another policy even after
    /// this one is freed. A ``PreparedCase`` carries it to name the policy that prepared it (an
    /// address would not do: a policy made after this one is freed can be given the same address).
    let serial: UInt64
    /// The last serial given; the first policy gets 1.
    private static let lastSerial = Atomic<UInt64>(0)

    /// Name, version, effective date and digest: what every decision carries.
    public let identity: PolicyIdentity
    /// The source files, for rendering diagnostics and explanations.
    public let sources: [SourceFile]
    /// Warnings from the checker (unused fields, ...); a policy with errors does not compile.
    public let warnings: [Diagnostic]
    /// The digest of the case fields and outputs with their types (see ``SchemaDigest``): what
    /// `verdict codegen`'s types were made from. It changes only when those do, not with a rule's edit.
    public let schemaDigest: String

    let model: CheckedPolicy
    let fieldSlots: [String: Int]
    let outputSlots: [String: Int]
    let idSlot: Int
    let fastDecoder: FastCaseDecoder
    /// The flat form the one evaluator runs, with a tracer or without.
    let program: Program
    let outputCount: Int
    /// Constant JSON, serialised once into one allocation: the policy object, `"output":` and
    /// `"clock":` keys, quoted member names (``ConstantJSON``: read by pointer, never retained).
    let constantJSON: ConstantJSON
    /// The pieces of ``constantJSON``, kept here as plain pointers: reading one through the unowned
    /// reference a decision holds loads a pointer and retains nothing.
    let identityJSON: JSONPiece
    let outputKeyJSON: JSONPieces
    let memberJSON: JSONPieces
    let clockKeyJSON: JSONPieces
    let explanationJSON: ExplanationFragments
    /// The literals each string field is compared with, to refuse a value that only looks like one.
    let lookAlikes: LookAlikes

    init(model: CheckedPolicy, program: Program, identity: PolicyIdentity, sources: [SourceFile], warnings: [Diagnostic]) {
        serial = Self.lastSerial.add(1, ordering: .relaxed).newValue
        self.model = model
        self.identity = identity
        self.sources = sources
        self.warnings = warnings
        schemaDigest = SchemaDigest.compute(model)
        fieldSlots = Dictionary(uniqueKeysWithValues: model.fields.enumerated().map { ($1.name, $0) })
        outputSlots = Dictionary(uniqueKeysWithValues: model.outputs.enumerated().map { ($1.name, $0) })
        idSlot = fieldSlots["id"] ?? 0
        lookAlikes = LookAlikes(model)
        fastDecoder = FastCaseDecoder(model: model, lookAlikes: lookAlikes)
        self.program = program
        outputCount = model.outputs.count
        func quotedKey(_ k: String) -> [UInt8] {
            JSONWriter.quotedBytes(k) + [58]
        }
        explanationJSON = ExplanationFragments(model)
        var w = JSONWriter()
        identity.write(to: &w)
        constantJSON = ConstantJSON(identity: w.bytes, outputKeys: model.outputs.map { quotedKey($0.name) },
                                    clockKeys: model.clocks.map { quotedKey($0.name) },
                                    members: model.members.map { JSONWriter.quotedBytes($0.name) })
        identityJSON = constantJSON.identity
        outputKeyJSON = constantJSON.outputKeys
        memberJSON = constantJSON.members
        clockKeyJSON = constantJSON.clockKeys
    }

    /// The case fields the policy reads, in slot order.
    public var fieldNames: [String] { model.fields.map(\.name) }
    /// The outputs a decision can have, in declaration order.
    public var outputNames: [String] { model.outputs.map(\.name) }
    /// The decision tables, in evaluation order.
    public var decisionNames: [String] { model.decisions.map(\.name) }
    /// The policy's time zone, used to print timestamps.
    public var zone: Zone { model.zone }
}

/// A policy set that did not load: every diagnostic found, with the sources to render them.
public struct PolicyLoadError: Error, Sendable, CustomStringConvertible {
    /// Every error and warning, sorted by place.
    public var diagnostics: [Diagnostic]
    /// The files read, to render the diagnostics with their source lines.
    public var sources: [SourceFile]

    /// The diagnostics rendered as `verdict check` prints them.
    public var description: String { DiagnosticRenderer(files: sources).text(diagnostics) }
}
