import Foundation

/// A new policy set to start from: a manifest, a schema, one decision table and one test file, each
/// with the line that points editors at the JSON Schema. `verdict check` and `verdict test` accept it
/// as created (`verdict init NAME`).
///
/// ```swift
/// let created = try PolicyScaffold.create(directory: "policies/refunds")
/// // ["policies/refunds/policy.yaml", "policies/refunds/schema.yaml", ...]
/// ```
public enum PolicyScaffold {
    /// Why a policy set could not be created.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    /// The files of a new set named `name`, as relative paths and their text.
    ///
    /// - Parameters:
    ///   - name: the policy's name (and the test file's).
    ///   - effective: the manifest's effective date.
    ///   - schemaFolder: the folder that holds the JSON Schemas, relative to the new set
    ///     (`../../schema`), or `.` when they are written into the set itself.
    public static func files(name: String, effective: CivilDate, schemaFolder: String) -> [(path: String, text: String)] {
        let policyLine = LanguageSchema.modeline(schemaPath: join(schemaFolder, LanguageSchema.File.policy.fileName))
        let testLine = LanguageSchema.modeline(schemaPath: join(schemaFolder, LanguageSchema.File.test.fileName))
        return [
            ("policy.yaml", """
            \(policyLine)
            # The manifest of the \(name) policy set. Check it with `verdict check`, test it with `verdict test`.
            # Every *.yaml file of this folder is part of the policy; *.test.yaml files are its tests.
            policy:
              name: \(name)
              version: "0.1.0"
              effective: \(effective)
              timezone: Asia/Shanghai
              currency: CNY
              title: {en: \(name), zh: \(name)}

            """),
            ("schema.yaml", """
            \(policyLine)
            # The case fields this policy reads, and the roles it names.
            fields:
              received_at: {type: timestamp, label: {en: request received, zh: 收到申请时间}}
              amount: {type: money, label: {en: amount (yuan), zh: 金额(元)}}

            roles:
              team_lead: {en: team lead, zh: 组长}
              manager: {en: manager, zh: 经理}

            """),
            ("approval.yaml", """
            \(policyLine)
            # One decision table. `unique` and `complete: true` make `verdict check` prove that the bands
            # neither overlap nor leave a gap.
            decisions:
              approval:
                label: {en: Who approves, zh: 审批}
                hit: unique
                complete: true
                outputs:
                  approver: {type: role, label: {en: approves, zh: 审批人}}
                  reply_due: {type: timestamp, label: {en: reply due, zh: 答复期限}}
                rules:
                  - id: up-to-1000
                    label: {en: up to 1000 yuan, zh: 1000元以内}
                    when: amount <= 1000
                    then: {approver: team_lead, reply_due: received_at + 2d}
                  - id: above-1000
                    label: {en: above 1000 yuan, zh: 1000元以上}
                    when: amount > 1000
                    then: {approver: manager, reply_due: received_at + 5d}

            """),
            ("\(name).test.yaml", """
            \(testLine)
            # Tests of the \(name) policy set: `verdict test . --coverage`.
            defaults:
              received_at: 2026-03-02T09:00:00+08:00
              amount: 500

            tests:
              - name: up to 1000 yuan the team lead approves, with a reply in 2 days
                expect: {approver: team_lead, reply_due: 2026-03-04T09:00:00+08:00}
              - name: 1000 yuan exactly is still the team lead's
                case: {amount: 1000}
                expect: {approver: team_lead}
              - name: above 1000 yuan the manager approves, with a reply in 5 days
                case: {amount: "1000.01"}
                expect: {approver: manager, reply_due: 2026-03-07T09:00:00+08:00}
              - name: an amount with three decimals is refused
                case: {amount: "1.234"}
                expect_error: {field: amount, code: invalid-value}

            """),
        ]
    }

    /// Creates the policy set in `directory` (which must not exist, or be empty); its last path
    /// component is the policy's name. Returns the paths written.
    ///
    /// The files point at the JSON Schemas of the nearest `schema/verdict-policy.schema.json` above the
    /// new folder (a checkout of this repository); when there is none, the schemas are written into the
    /// new folder too.
    public static func create(directory: String, effective: CivilDate? = nil) throws(Failure) -> [String] {
        let fm = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        let name = url.lastPathComponent
        guard !name.isEmpty, name.first!.isASCII, name.first!.isLetter || name.first!.isNumber,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw Failure(message: "`\(name)` is not a policy name: use letters, digits, `-`, `_` and `.`, starting with a letter or digit")
        }
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw Failure(message: "`\(directory)` exists and is not a folder") }
            let entries = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            guard entries.isEmpty else { throw Failure(message: "`\(directory)` already exists and is not empty; give a new folder") }
        }
        let schemaFolder = nearestSchemaFolder(above: url)
        var files = self.files(name: name, effective: effective ?? today(), schemaFolder: schemaFolder ?? ".")
        if schemaFolder == nil {
            for f in LanguageSchema.File.allCases { files.append((f.fileName, LanguageSchema.json(for: f))) }
        }
        do {
            try fm.createDirectory(at: url, withIntermediateDirectories: true)
            var written: [String] = []
            let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
            for (path, text) in files {
                try Data(text.utf8).write(to: url.appendingPathComponent(path), options: .withoutOverwriting)
                written.append(base + "/" + path)
            }
            return written
        } catch {
            throw Failure(message: "cannot write the policy set in `\(directory)`: \(error.localizedDescription)")
        }
    }

    /// The relative path from `folder` to the nearest `schema/` above it that holds the policy schema.
    static func nearestSchemaFolder(above folder: URL) -> String? {
        var candidate = folder.deletingLastPathComponent()
        var ups = 1
        while true {
            let schema = candidate.appendingPathComponent("schema").appendingPathComponent(LanguageSchema.File.policy.fileName)
            if FileManager.default.fileExists(atPath: schema.path) {
                return Array(repeating: "..", count: ups).joined(separator: "/") + "/schema"
            }
            let parent = candidate.deletingLastPathComponent()
            if parent.path == candidate.path || ups > 64 { return nil }
            candidate = parent
            ups += 1
        }
    }

    /// Today's date in Asia/Shanghai, the policies' default zone.
    static func today() -> CivilDate {
        let now = Timestamp(Date())
        let seconds = now.millisecondsSinceEpoch / 1000 + Int64(Zone.shanghai.offsetSeconds(at: now))
        return CivilDate(daysSinceEpoch: Int((seconds - (seconds % 86_400 + 86_400) % 86_400) / 86_400))
    }

    private static func join(_ folder: String, _ file: String) -> String {
        folder == "." ? file : folder + "/" + file
    }
}
