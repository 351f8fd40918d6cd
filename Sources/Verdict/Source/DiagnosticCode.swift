/// Every code a diagnostic can carry: stable names that tools and the docs can rely on.
///
/// The raw value is what diagnostics print and what `--format json` gives (`unknown-field`).
public enum DiagnosticCode: String, Sendable, CaseIterable {
    /// field `…` is required, so `present(…)` is always true (a warning)
    case alwaysPresent = "always-present"
    /// … is both a holiday and an adjusted working day
    case calendarConflict = "calendar-conflict"
    /// … … is in …, which calendar `…` does not list under `years`
    case calendarYear = "calendar-year"
    /// a `collect` decision gathers values into lists, but `…` is a `…`
    case collectNeedsList = "collect-needs-list"
    /// `…` cannot be computed: …
    case constantOverflow = "constant-overflow"
    /// the decision log could not archive a policy version, so `verdict serve` does not activate it
    case decisionLog = "decision-log"
    /// decisions depend on each other in a cycle: …
    case decisionCycle = "decision-cycle"
    /// the policy manifest is defined twice
    case duplicateDefinition = "duplicate-definition"
    /// duplicate key `…`
    case duplicateKey = "duplicate-key"
    /// `…` is listed twice in set `…` (a warning), or in a priority order (an error)
    case duplicateMember = "duplicate-member"
    /// another folder served by `verdict serve` already has a policy named `…`
    case duplicatePolicyName = "duplicate-policy-name"
    /// enum `…` has no members
    case emptyEnum = "empty-enum"
    /// `effective_by` names a field that is not declared, not a `timestamp` or `date`, or optional
    case effectiveBy = "effective-by"
    /// two versions of a set take effect on the same date
    case duplicateEffectiveDate = "duplicate-effective-date"
    /// a version of a versioned set (or one with `effective_by`) has no `effective` date
    case missingEffectiveDate = "missing-effective-date"
    /// versions of one set that cannot stand together: another name, another `effective_by`, its field of another type
    case incompatibleVersions = "incompatible-versions"
    /// `…` holds N versions of a policy set (folders under `versions/`): `CompiledPolicy.load(directory:)`
    /// loads one version, so the set is loaded with `PolicyVersions.load(directory:)`
    case versionedSet = "versioned-set"
    /// `…` holds no policy files (*.yaml)
    case emptyPolicyFolder = "empty-policy-folder"
    /// a range whose low end is above its high end, or that holds no value
    case emptyRange = "empty-range"
    /// this rule sets no output
    case emptyRule = "empty-rule"
    /// an expression that does not parse: the token where it goes wrong
    case expressionSyntax = "expression-syntax"
    /// the files of `…` kept changing while `verdict serve` read them
    case folderChanging = "folder-changing"
    /// no rule of decision `…` decides a case with …
    case gap = "gap"
    /// `…` holds more bytes than a policy file may (1 MiB unless `VERDICT_MAX_POLICY_FILE_BYTES` says otherwise)
    case fileTooLarge = "file-too-large"
    /// cannot include `…`: it is outside the policy folder and the include root (or `…` is not a policy file)
    case includeRefused = "include-refused"
    /// `…` takes one field or output name
    case invalidCall = "invalid-call"
    /// `min` applies to integers, money, durations, dates and timestamps, not …; a `pattern` that cannot be read; a default outside its bounds
    case invalidConstraint = "invalid-constraint"
    /// `…` is not an ISO 4217 currency code
    case invalidCurrency = "invalid-currency"
    /// expected a date like 2026-10-01
    case invalidDate = "invalid-date"
    /// `…` is not UTF-8 text
    case invalidEncoding = "invalid-encoding"
    /// expected working hours like `09:00-12:00`, found `…`
    case invalidHours = "invalid-hours"
    /// keys must be plain names
    case invalidKey = "invalid-key"
    /// a literal that is not a value of the type it meets (`300.005` as money, `maybe` as a bool)
    case invalidLiteral = "invalid-literal"
    /// the policy name `…` holds `/` (U+002F) at character 2: a set name is 1 to 64 letters, digits, `-`, `_` or `.`, starting with a letter or digit
    case invalidPolicyName = "invalid-policy-name"
    /// expected a target like `>= 80%` or `< 10`, found `…`
    case invalidTarget = "invalid-target"
    /// the case id field `id` must be a `string`
    case invalidType = "invalid-type"
    /// a range can only follow `in`
    case misplacedRange = "misplaced-range"
    /// set `…` can only follow `in`
    case misplacedSet = "misplaced-set"
    /// weekday `…` is a working day of calendar `…` but has no hours
    case missingHours = "missing-hours"
    /// cannot read included file `…`
    case missingInclude = "missing-include"
    /// calendar `…` needs `weekdays` when `hours` is one list
    case missingKey = "missing-key"
    /// the policy set has no `policy:` manifest
    case missingManifest = "missing-manifest"
    /// this rule's value of `…` is not in the priority order
    case missingPriority = "missing-priority"
    /// set `…` has the name of a field
    case nameClash = "name-clash"
    /// N more errors not shown: only the first 200 diagnostics are listed (a note)
    case moreDiagnostics = "more-diagnostics"
    /// `…` is not a folder
    case noPolicyFolder = "no-policy-folder"
    /// the rest of the policy set was not checked: `…` cannot be read as YAML (a note)
    case notChecked = "not-checked"
    /// a range's ends must be constants
    case nonConstant = "non-constant"
    /// decision `…` was not analysed for gaps, overlaps or unreachable rules: rule `…` uses …
    case notAnalysed = "not-analysed"
    /// an override replaces members of a list, but `…` is a `…`
    case overrideNeedsChain = "override-needs-chain"
    /// override `…` inserts `…` next to itself, inserts it twice, or acts on a member it has already replaced or removed
    case overrideConflict = "override-conflict"
    /// no rule of `…` puts `…` in `…`, so override `…` can never apply
    case overrideUnusedRole = "override-unused-role"
    /// override `…` can never apply: its `when` holds for no case, its exceptions hold wherever it does, or no rule that gives the chain decides a case it selects
    case overrideNeverApplies = "override-never-applies"
    /// override `…` can never change `…`: where it applies, every chain is already as it would leave it
    case overrideNoEffect = "override-no-effect"
    /// measure `…` groups by `…`, which holds personal data
    case personalData = "personal-data"
    /// `…` is a placeholder left to be filled in
    case placeholder = "placeholder"
    /// the policy's name changed from `…` to `…` (a served set keeps its name)
    case policyRenamed = "policy-renamed"
    /// `priority` is only used with `hit: priority`
    case priorityWithoutPriorityHit = "priority-without-priority-hit"
    /// step `…` is listed twice in the `normalize` of `…`; `normalize` lists no steps (a warning)
    case redundantNormalization = "redundant-normalization"
    /// field `…` has a default, so it is never absent
    case redundantOptional = "redundant-optional"
    /// decision `…` reads its own output `…`
    case selfReference = "self-reference"
    /// test "…" of the set failed (a hot reload is refused)
    case testFailed = "test-failed"
    /// a `mean` needs a `money` or `integer` value, but this is a `…`
    case typeMismatch = "type-mismatch"
    /// rules `…` and `…` of decision `…` overlap, but its hit policy is `unique`
    case uniqueOverlap = "unique-overlap"
    /// unknown calendar `…`
    case unknownCalendar = "unknown-calendar"
    /// unknown function `…`
    case unknownFunction = "unknown-function"
    /// unknown hit policy `…`
    case unknownHitPolicy = "unknown-hit-policy"
    /// unknown key `…` in …
    case unknownKey = "unknown-key"
    /// unknown measure kind `…`
    case unknownMeasureKind = "unknown-measure-kind"
    /// unknown normalisation `…` (a string field's `normalize` takes `trim`, `casefold`, `nfkc`)
    case unknownNormalization = "unknown-normalization"
    /// `…` is not a member of the enum it is compared with
    case unknownMember = "unknown-member"
    /// unknown field `…` in `by`
    case unknownName = "unknown-name"
    /// `"…"` is not a known value of `…` (a rule literal that names none of the field's `known` values, or names one by an alias)
    case unknownValue = "unknown-value"
    /// `…` is not an output of decision `…`
    case unknownOutput = "unknown-output"
    /// unknown time zone `…`
    case unknownTimezone = "unknown-timezone"
    /// unknown type or field `…` in `of`
    case unknownType = "unknown-type"
    /// unknown weekday `…`
    case unknownWeekday = "unknown-weekday"
    /// field `…` is normalised (…), so it is never `"…"`: a comparison no case can match (a warning)
    case unnormalizedLiteral = "unnormalized-literal"
    /// `"Guangdong "` begins or ends with a space, which field `…` keeps (a warning)
    case spacedLiteral = "spaced-literal"
    /// rule `…` of decision `…` can never decide: earlier rules (or a better priority) cover every case it matches
    case unreachableRule = "unreachable-rule"
    /// cannot read `…` as UTF-8 text
    case unreadableFile = "unreadable-file"
    /// parameter `…` is not set
    case unsetParameter = "unset-parameter"
    /// field `…` is declared but no rule reads it
    case unusedField = "unused-field"
    /// role `…` is declared but no rule, override or set names it
    case unusedRole = "unused-role"
    /// set `…` is declared but never used
    case unusedSet = "unused-set"
    /// known value `…` of `…` is never compared by a rule (a warning)
    case unusedValue = "unused-value"
    /// `…` names two known values of `…` (an alias or label written for both)
    case ambiguousValue = "ambiguous-value"
    /// expected a single `…` value, found …
    case wrongNodeKind = "wrong-node-kind"
    /// YAML aliases are not supported in policies
    case yamlAlias = "yaml-alias"
    /// YAML merge keys (`<<`) are not supported in policies
    case yamlMerge = "yaml-merge"
    /// cannot read YAML: …
    case yamlSyntax = "yaml-syntax"
    /// YAML tags are not supported in policies: `…`
    case yamlTag = "yaml-tag"
}
