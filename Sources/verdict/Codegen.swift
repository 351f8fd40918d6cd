import ArgumentParser
import Foundation
import Verdict

/// `verdict codegen`: typed case and outputs types for a policy set's version, with its schema digest.
struct Codegen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate typed case and outputs types for a policy set (Swift, Python, Java or TypeScript).",
        discussion: """
        Writes the types of the version in force now (or --version V): the set's enums with their \
        members' labels, a case type (money as an exact decimal, timestamps with their zone, optional \
        fields optional) and an outputs type, with the version's schema digest. The library and the \
        bindings send the digest with a typed case and refuse it (schema-changed) once the set's fields \
        or outputs have changed: run codegen again then. Without --output the file goes to standard \
        output. Exit 0, 2 when the set does not load, 64 for an unknown version.
        """)

    @Argument(help: ArgumentHelp("The language: \(CodeGenerator.Target.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "language"))
    var language: CodeGenerator.Target

    @OptionGroup var policy: PolicyOptions

    @Option(help: ArgumentHelp("The version to generate for (its `version:`); default: the version in force now.", valueName: "version"))
    var version: String?

    @Option(help: ArgumentHelp("A folder to write the file into, under the language's file name (`QualityComplaints.swift`, `quality_complaints.py`, `QualityComplaints.java`, `qualityComplaints.ts`).", valueName: "dir"))
    var output: String?

    @Option(name: .customLong("package"), help: ArgumentHelp("Java only: the generated class's package.", valueName: "name"))
    var javaPackage: String?

    func validate() throws {
        if let javaPackage {
            guard language == .java else { throw ValidationError("--package is for java only") }
            let parts = javaPackage.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.allSatisfy({ p in p.first.map { $0.isLetter || $0 == "_" } == true && p.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                throw ValidationError("--package: `\(javaPackage)` is not a Java package name such as com.example.policies")
            }
        }
    }

    func run() throws {
        let set = try policy.loadVersions()
        let chosen: CompiledPolicy
        if let version {
            guard let v = set.versions.first(where: { $0.identity.version == version }) else {
                throw ValidationError("--version: \(set.name) has no version `\(version)`; its versions are \(set.versions.map(\.identity.version).joined(separator: ", "))")
            }
            chosen = v
        } else {
            chosen = set.inForceNow
        }
        let file = CodeGenerator.generate(language, for: chosen, javaPackage: javaPackage)
        guard let output else { return try writeOutput(file.text) }
        let path = output.hasSuffix("/") ? output + file.name : output + "/" + file.name
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            try Data(file.text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure.failed("cannot write \(path): \(error.localizedDescription)")
        }
        try writeOutput("wrote \(path) (\(chosen.identity.name) \(chosen.identity.version), schema \(chosen.schemaDigest))\n")
    }
}

extension CodeGenerator.Target: ExpressibleByArgument {}
