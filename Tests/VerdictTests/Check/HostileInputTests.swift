import Foundation
import Testing
@testable import Verdict

/// Issue 27: inputs found to crash or exhaust a process each get a located error instead, within bounds.
@Suite("Hostile input, round two: no crash, bounded memory, a located error")
struct HostileInputTests {
    /// The shipped service-standards set with one more file.
    static func serviceStandards(plus name: String, _ text: String) throws -> [SourceFile] {
        let folder = shippedPolicyPath("service-standards")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(".test.yaml") }.sorted()
        return try names.map { SourceFile(path: $0, text: try String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) }
            + [SourceFile(path: name, text: text)]
    }

    static func measure(target: String, kind: String = "share", of: String = "complained") -> String {
        "measures:\n  x:\n    kind: \(kind)\n    of: \(of)\n    target: \"\(target)\"\n"
    }

    // MARK: Item 1: a measure's target

    @Test func targetsTooPreciseOrTooLargeAreLocatedErrors() throws {
        for (target, message) in [
            (">= 99.999999999999999999%", "the target `>= 99.999999999999999999%` has more than 9 decimals"),
            ("< 92233720368547758.08", "the target `< 92233720368547758.08` is too large: a target is at most 1000000000000 in magnitude"),
            ("> 99999999999999999999999", "is too large"),
            ("> 1e5", "expected a target like `>= 80%` or `< 10`, found `> 1e5`"),
            ("> +5", "expected a target like"),
            ("> 5.", "expected a target like"),
        ] {
            let r = PolicyLoader.check(sources: try Self.serviceStandards(plus: "m.yaml", Self.measure(target: target)))
            let e = try #require(errors(r).first, "\(target)")
            #expect(e.code == DiagnosticCode.invalidTarget.rawValue)
            #expect(e.message.contains(message), "\(target): \(e.message)")
            #expect(e.location?.path == "m.yaml" && e.location?.line == 5, "\(target)")
        }
    }

    @Test func targetsAreReadExactlyWithTheirSign() {
        #expect(Checker.target("> -0.5").map { [$0.1, $0.2] } == [-5, 10])
        #expect(Checker.target(">= 99.999999999%").map { [$0.1, $0.2] } == [99_999_999_999, 100_000_000_000])
        #expect(Checker.target("<= 1000000000000").map { [$0.1, $0.2] } == [1_000_000_000_000, 1])
        #expect(Checker.target("<= 1000000000001") == nil)
        #expect(Checker.parseTarget(">= 1.0000000001").failureValue == .tooPrecise)
    }

    @Test func aNegativeShareTargetWarns() throws {
        let r = PolicyLoader.check(sources: try Self.serviceStandards(plus: "m.yaml", Self.measure(target: "> -5%")))
        #expect(errors(r).isEmpty)
        let w = try #require(r.diagnostics.first { $0.code == DiagnosticCode.invalidTarget.rawValue })
        #expect(w.severity == .warning)
        #expect(w.message == "measure `x` counts cases, so its value is never below 0: the target `> -5%` is always met")
        #expect(w.help == "a share is at least 0; did you mean `> 5%`?")
        let over = PolicyLoader.check(sources: try Self.serviceStandards(plus: "m.yaml", Self.measure(target: ">= 120%")))
        #expect(over.diagnostics.contains { $0.severity == .warning && $0.message.contains("is a share, never above 100%: the target `>= 120%` is always missed") })
    }

    // MARK: Item 1: lists nested in lists

    @Test func deeplyNestedListsAreRefusedNotARecursionCrash() {
        let deep = String(repeating: "[", count: 5000) + "1" + String(repeating: "]", count: 5000)
        let r = HardeningTests.policy(fields: "  n: integer\n", when: ["n in \(deep)"])
        let e = errors(r).first
        #expect(e?.code == DiagnosticCode.expressionSyntax.rawValue)
        #expect(e?.message == "expression nests too deeply (more than 100 levels)")
        // Within the bound, nesting still reads as before (an error of type, not of depth).
        let shallow = HardeningTests.policy(fields: "  n: integer\n", when: ["n in " + String(repeating: "[", count: 50) + "1" + String(repeating: "]", count: 50)])
        #expect(!errors(shallow).contains { $0.message.contains("nests too deeply") })
    }

    // MARK: Item 5: aggregates never overflow

    @Test func aMeanOfTheLargestMoneyIsExact() throws {
        let policy = try CompiledPolicy.load(sources: [
            SourceFile(path: "policy.yaml", text: manifestYAML),
            SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  cost: money\n"),
            SourceFile(path: "m.yaml", text: "decisions:\n  d:\n    outputs: {big: bool}\n    rules:\n      - then: {big: true}\n"
                + "measures:\n  mean_cost:\n    kind: mean\n    of: cost\n    target: \"> 1000\"\n  all:\n    kind: share\n    of: big\n    target: \">= 99.999999999%\"\n"),
        ])
        var acc = try MeasureAccumulator(policy: policy)
        for i in 0..<3 { acc.add(json: Array(#"{"id": "c\#(i)", "cost": "92233720368547758.07"}"#.utf8)) }
        let rows = acc.report()
        #expect(acc.decided == 3)
        let mean = try #require(rows.first { $0.measure == "mean_cost" })
        #expect(mean.value == "92233720368547758.07")
        #expect(mean.met == true)
        let share = try #require(rows.first { $0.measure == "all" })
        #expect(share.value == "100.00%" && share.met == true)
    }

    @Test func fractionsCompareExactlyAtAnyMagnitude() {
        let big = Int128(Int64.max) * Int128(Int64.max)
        #expect(MeasureAccumulator.compare(big, 3, big, 3) == 0)
        #expect(MeasureAccumulator.compare(big + 1, 3, big, 3) == 1)
        #expect(MeasureAccumulator.compare(big, big + 1, 999_999_999_999, 1_000_000_000_000) == 1)
        #expect(MeasureAccumulator.compare(-1, 3, 0, 1) == -1)
        #expect(MeasureAccumulator.compare(-1, 3, -1, 2) == 1)
        #expect(MeasureAccumulator.compare(2, 4, 1, 2) == 0)
        // Against plain cross-multiplication wherever that cannot overflow.
        for a in -7...7 { for b in 1...5 { for c in -7...7 { for d in 1...5 {
            let expected = (a * d).signum() == (c * b).signum() && a * d == c * b ? 0 : (a * d < c * b ? -1 : 1)
            #expect(MeasureAccumulator.compare(Int128(a), Int128(b), Int128(c), Int128(d)) == expected, "\(a)/\(b) vs \(c)/\(d)")
        } } } }
        #expect(MeasureAccumulator.decimal(big, 1, places: 2) == "\(big).00")
        #expect(MeasureAccumulator.decimal(199, 200, places: 2) == "1.00")
        #expect(MeasureAccumulator.decimal(-1, 1_000, places: 2) == "0.00")
    }

    // MARK: Item 3: the analyser is bounded in work and memory, and diagnostics in length

    /// A policy over an enum of `members` members with `rules` rules `kind != mJ` (all overlapping).
    static func bigEnum(members: Int, rules: [String], hit: String = "unique", complete: Bool = false) -> [SourceFile] {
        let values = (0..<members).map { "m\($0)" }.joined(separator: ", ")
        var d = "decisions:\n  big:\n    hit: \(hit)\n" + (complete ? "    complete: true\n" : "") + "    outputs:\n      o: {type: integer}\n    rules:\n"
        for (j, r) in rules.enumerated() { d += "      - id: r\(j)\n        when: \"\(r)\"\n        then: {o: \(j)}\n" }
        return [SourceFile(path: "policy.yaml", text: manifestYAML),
                SourceFile(path: "schema.yaml", text: "fields:\n  id: string\n  kind: {values: [\(values)]}\n"),
                SourceFile(path: "d.yaml", text: d)]
    }

    @Test func anEnumOf100000MembersIsAnalysedWithinTheBudget() throws {
        let r = PolicyLoader.check(sources: Self.bigEnum(members: 100_000, rules: (0..<50).map { "kind != m\($0)" }))
        // Every pair overlaps; the first five are reported, each with a short witness.
        let overlaps = errors(r).filter { $0.code == DiagnosticCode.uniqueOverlap.rawValue }
        #expect(overlaps.count == 5)
        #expect(r.diagnostics.allSatisfy { $0.message.utf8.count < 500 && $0.notes.allSatisfy { $0.message.utf8.count < 500 } })
        // The work done is within the budget, which now counts the values the boxes hold.
        var builder = PolicySyntaxBuilder()
        for file in Self.bigEnum(members: 100_000, rules: (0..<50).map { "kind != m\($0)" }) {
            if let root = YAMLLoader.load(file, into: &builder.diagnostics) { builder.add(file: root) }
        }
        var bag = builder.diagnostics
        let model = try #require(Checker.check(builder.syntax, diagnostics: &bag))
        #expect(Analyzer.analyse(model, diagnostics: &bag) <= AnalysisContext.maxSteps + 1)
    }

    @Test func aGapOverAManyMemberEnumListsAFewAndCountsTheRest() throws {
        let half = (0..<1000).map { "m\($0)" }.joined(separator: ", ")
        let r = PolicyLoader.check(sources: Self.bigEnum(members: 2_000, rules: ["kind in [\(half)]"], hit: "first", complete: true))
        let gap = try #require(errors(r).first { $0.code == DiagnosticCode.gap.rawValue })
        let note = try #require(gap.notes.first?.message)
        #expect(note.hasPrefix("every case with kind in [m1000, m1001, m1002,"), "\(note)")
        #expect(note.hasSuffix(", … (988 more)] is undecided"), "\(note)")
        // When the gap is most of the enum, the members outside it are listed instead.
        let most = PolicyLoader.check(sources: Self.bigEnum(members: 2_000, rules: ["kind in [m0, m1]"], hit: "first", complete: true))
        let other = try #require(errors(most).first { $0.code == DiagnosticCode.gap.rawValue }?.notes.first?.message)
        #expect(other == "every case with kind not in [m0, m1] is undecided")
    }

    // MARK: Items 3 and 4: files are regular and bounded

    @Test func aFIFOIsRefusedNotWaitedOn() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-fifo-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: shippedPolicyPath("service-standards"), toPath: dir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("x.yaml").path, 0o644) == 0)
        let r = PolicyLoader.check(directory: dir.path)
        let e = try #require(errors(r).first)
        #expect(e.code == DiagnosticCode.unreadableFile.rawValue)
        #expect(e.message == "`\(dir.path)/x.yaml` is a FIFO, not a regular file: not read")
    }

    @Test func aFileOverTheBoundIsRefusedUnread() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-big-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: shippedPolicyPath("service-standards"), toPath: dir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A sparse file of 3 GB: refused by its size, without reading a byte of it.
        let path = dir.appendingPathComponent("huge.yaml").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        #expect(truncate(path, 3 << 30) == 0)
        let r = PolicyLoader.check(directory: dir.path)
        let e = try #require(errors(r).first)
        #expect(e.code == DiagnosticCode.fileTooLarge.rawValue)
        #expect(e.message == "`\(path)` holds 3221225472 bytes, over the \(SourceFileReader.defaultMaxBytes) a policy file may hold: not read")
        #expect(e.location?.path == path && e.location?.line == 1)
        #expect(e.help?.contains("VERDICT_MAX_POLICY_FILE_BYTES") == true)
        // A bound given to the reader holds for a file that is smaller than the default.
        let small = SourceFileReader.read(dir.appendingPathComponent("policy.yaml").path, limit: 1024)
        #expect(small.failureValue?.diagnostic.code == DiagnosticCode.fileTooLarge.rawValue || (try? small.get()) != nil)
        #expect(SourceFileReader.read(dir.appendingPathComponent("c1-service.yaml").path, limit: 1024).failureValue?.diagnostic.code == DiagnosticCode.fileTooLarge.rawValue)
    }
}

extension Result {
    /// The error, or nil on success.
    var failureValue: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
