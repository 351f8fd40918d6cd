import Foundation
import Testing
@testable import Verdict

/// `normalize: [trim, casefold, nfkc]` on string fields: the steps, both case decoders, defaults,
/// and the checker's warning about literals no case can carry.
@Suite("String normalisation")
struct StringNormalizationTests {
    static let all: StringNormalization = [.trim, .casefold, .nfkc]

    static let samples: [(String, StringNormalization, String)] = [
        ("Henan ", .trim, "Henan"),
        ("\t Henan\n", .trim, "Henan"),
        ("\u{3000}河南\u{00A0}", .trim, "河南"),
        ("He nan", .trim, "He nan"),
        ("   ", .trim, ""),
        ("HENAN", .casefold, "henan"),
        ("Straße", .casefold, "strasse"),
        ("ΣΑΣ", .casefold, "σασ"),
        ("Ｈｅｎａｎ", .nfkc, "Henan"),
        ("ﬁ①", .nfkc, "fi1"),
        ("A\u{30A}", .nfkc, "\u{C5}"),
        ("Ｈｅｎａｎ", .casefold, "ｈｅｎａｎ"),
        ("ℌenan", [.casefold, .nfkc], "henan"),       // NFKC first, so the black-letter H is folded too
        ("Ｈｅｎａｎ\u{3000}", [.nfkc, .trim], "Henan"),  // NFKC makes U+3000 a space, then trimmed
        (" Ｈｅｎａｎ　", all, "henan"),
        ("A\u{30A}ngström ", all, "\u{E5}ngström"),
        ("Henan ", [], "Henan "),
    ]

    @Test(arguments: samples)
    func step(_ input: String, _ n: StringNormalization, _ expected: String) {
        #expect(n.apply(input) == expected)
        #expect(n.apply(n.apply(input)) == n.apply(input), "normalising twice changes nothing")
    }

    /// ASCII text takes a shortcut; it must give what the Unicode path gives.
    @Test func asciiShortcutAgreesWithFoundation() {
        var text = ""
        for b in UInt8(0)..<128 { text.unicodeScalars.append(Unicode.Scalar(b)) }
        for s in [text, " \t\u{0B}\u{0C}\r\nAbc Z\u{1F} ", "\u{1C}x\u{1C}", "MiXeD CaSe"] {
            #expect(StringNormalization.casefold.apply(s) == s.folding(options: [.caseInsensitive], locale: nil))
            let scalars = s.unicodeScalars
            let first = scalars.firstIndex { !$0.properties.isWhitespace }
            let last = scalars.lastIndex { !$0.properties.isWhitespace }
            let trimmed = first.map { String(scalars[$0...last!]) } ?? ""
            #expect(StringNormalization.trim.apply(s) == trimmed)
            #expect(StringNormalization.nfkc.apply(s) == s)
        }
    }

    static let schema = """
    fields:
      region: {type: string, normalize: [trim, casefold, nfkc]}
      branch: {type: string, normalize: trim, default: " Kaifeng "}
      city: {type: string, optional: true}
      tags: {type: list<string>, optional: true, normalize: [casefold]}
    """
    static let rules = """
    decisions:
      d:
        outputs: {henan: bool}
        rules:
          - when: region == "henan"
            then: {henan: true}
          - then: {henan: false}
      e:
        outputs: {kaifeng: bool}
        rules:
          - when: branch == "Kaifeng"
            then: {kaifeng: true}
          - then: {kaifeng: false}
      f:
        outputs: {tagged: bool}
        rules:
          - when: '"urgent" in tags'
            then: {tagged: true}
          - then: {tagged: false}
    """

    static let policy: CompiledPolicy = {
        let r = check(["schema.yaml": schema, "rules.yaml": rules])
        guard let p = r.policy else { fatalError("\(r.diagnostics)") }
        return p
    }()

    static func slots(_ json: String) throws -> (fast: [Value]?, careful: [Value]) {
        let bytes = Array(json.utf8)
        var careful = CaseDecoder(policy: policy)
        let slots = try #require(careful.decode(json: try JSONReader.parse(bytes)), "\(careful.problems)")
        return (policy.fastDecoder.decode(bytes), slots)
    }

    static func field(_ slots: [Value], _ name: String) -> Value { slots[policy.fieldSlots[name]!] }

    @Test(arguments: [
        (#"{"id": "1", "region": "Henan ", "branch": "Luoyang"}"#, "henan", "Luoyang"),
        (#"{"id": "2", "region": "Ｈｅｎａｎ　", "branch": "  Kaifeng"}"#, "henan", "Kaifeng"),
        (#"{"id": "3", "region": "HENAN", "branch": "Zheng zhou "}"#, "henan", "Zheng zhou"),
        (#"{"id": "4", "region": "Hebei"}"#, "hebei", "Kaifeng"),  // the default, normalised too
    ])
    func bothDecodersNormalise(_ json: String, _ region: String, _ branch: String) throws {
        let (fast, careful) = try Self.slots(json)
        let fastSlots = try #require(fast, "the fast decoder takes a case without escapes")
        #expect(fastSlots == careful)
        #expect(Self.field(careful, "region") == .string(region))
        #expect(Self.field(careful, "branch") == .string(branch))
    }

    /// A case with an escape goes to the careful decoder alone; it normalises the same way.
    @Test func theCarefulDecoderAloneNormalisesToo() throws {
        let (fast, careful) = try Self.slots(#"{"id": "5", "region": "\u0048enan\t", "tags": ["URGENT", " Late"]}"#)
        #expect(fast == nil)
        #expect(Self.field(careful, "region") == .string("henan"))
        #expect(Self.field(careful, "tags") == .list([.string("urgent"), .string(" late")]))
        let d = try Self.policy.decide(["id": .string("5"), "region": .string(" HENAN "), "tags": .list([.string("Urgent")])])
        #expect(d["henan"] == .bool(true))
        #expect(d["tagged"] == .bool(true))
        #expect(d["kaifeng"] == .bool(true))
    }

    @Test func rulesReadTheNormalisedValueAndExplanationsShowIt() throws {
        let d = try decide(Self.policy, #"{"id": "6", "region": "Shanxi ", "branch": " Kaifeng"}"#, explain: true)
        #expect(d["henan"] == .bool(false))
        #expect(d["kaifeng"] == .bool(true))
        let text = try #require(d.explanation).text(.en)
        #expect(text.contains(#"not true: `region == "henan"` with region = "shanxi""#), "\(text)")
    }

    /// An unnormalised field keeps what the case says.
    @Test func aFieldWithoutNormalizeIsExact() throws {
        let (_, careful) = try Self.slots(#"{"id": "7", "region": "x", "city": " Xi'an "}"#)
        #expect(Self.field(careful, "city") == .string(" Xi'an "))
    }

    /// The case schema says which fields are normalised, in the order the steps apply.
    @Test func theCaseSchemaNamesTheSteps() {
        let schema = CaseSchema.json(for: Self.policy)
        #expect(schema.contains(#""region":{"x-normalize":["nfkc","casefold","trim"],"type":"string"}"#), "\(schema)")
        #expect(schema.contains(#""x-normalize":["casefold"]"#))
        #expect(!schema.contains(#""city":{"x-normalize""#))
    }

    // MARK: The checker

    struct Warned: CustomTestStringConvertible, Sendable {
        var name: String
        var condition: String
        var message: String
        var help: String
        var testDescription: String { name }
    }

    static let warned: [Warned] = [
        Warned(name: "a trailing space under trim", condition: #"branch == ⟨"Kaifeng ""#,
               message: #"field `branch` is normalised (trim), so it is never "Kaifeng ": this comparison can never match"#, help: #"write "Kaifeng""#),
        Warned(name: "capitals under casefold", condition: #"region == ⟨"Henan""#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan": this comparison can never match"#, help: #"write "henan""#),
        Warned(name: "the literal on the left of !=", condition: #"⟨"Henan" != region"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan": this comparison always holds"#, help: #"write "henan""#),
        Warned(name: "!= under casefold", condition: #"region != ⟨"HEBEI""#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "HEBEI": this comparison always holds"#, help: #"write "hebei""#),
        Warned(name: "a list after in", condition: #"region in ["hebei", ⟨"Ｈｅｎａｎ"]"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Ｈｅｎａｎ": this item can never match"#, help: #"write "henan""#),
        Warned(name: "a list after not in", condition: #"region not in ["hebei", ⟨"Henan"]"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan": this item can never match"#, help: #"write "henan""#),
        Warned(name: "a member of a list field", condition: #"⟨"Urgent" in tags"#,
               message: #"field `tags` is normalised (casefold), so it is never "Urgent": this comparison can never match"#, help: #"write "urgent""#),
        Warned(name: "not a member of a list field", condition: #"⟨"Urgent" not in tags"#,
               message: #"field `tags` is normalised (casefold), so it is never "Urgent": this comparison always holds"#, help: #"write "urgent""#),
        Warned(name: "a string parameter", condition: #"region == ⟨home"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan", the value of parameter `home`: this comparison can never match"#,
               help: #"give `home` the value "henan""#),
        Warned(name: "a string parameter on the left of !=", condition: #"⟨home != region"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan", the value of parameter `home`: this comparison always holds"#,
               help: #"give `home` the value "henan""#),
        Warned(name: "a string parameter in a list", condition: #"region in [⟨home, "hebei"]"#,
               message: #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan", the value of parameter `home`: this item can never match"#,
               help: #"give `home` the value "henan""#),
    ]

    @Test(arguments: warned)
    func warns(_ w: Warned) throws {
        let source = "decisions:\n  g:\n    outputs: {x: bool}\n    rules:\n      - when: '\(w.condition)'\n        then: {x: true}\n      - then: {x: false}\n"
        let (text, line, column) = marked(source)
        let r = check(["schema.yaml": Self.schema + Self.parameters, "rules.yaml": text])
        #expect(r.policy != nil, "a warning, not an error")
        let found = try #require(r.diagnostics.first { $0.code == "unnormalized-literal" }, "\(r.diagnostics)")
        #expect(found.severity == .warning)
        #expect(found.message == w.message)
        #expect(found.help == w.help)
        #expect(found.location?.path == "rules.yaml")
        #expect(found.location?.line == line)
        #expect(found.location?.column == column)
        if w.condition.contains("home") {
            #expect(found.notes.map(\.message) == ["parameter `home`"])
            #expect(found.notes.first?.location?.path == "schema.yaml")
        }
    }

    static let parameters = """

    parameters:
      home: {type: string, value: "Henan"}
      north: {type: string, value: "hebei"}
    """

    @Test func aSetMemberItsFieldNeverCarries() throws {
        let r = check(["schema.yaml": Self.schema + "\nsets:\n  north: {of: string, members: [hebei, Henan]}\n", "rules.yaml": """
        decisions:
          g:
            outputs: {x: bool}
            rules:
              - when: region in north
                then: {x: true}
              - then: {x: false}
        """])
        let found = try #require(r.diagnostics.first { $0.code == "unnormalized-literal" }, "\(r.diagnostics)")
        #expect(found.message == #"field `region` is normalised (nfkc, casefold, trim), so it is never "Henan", a member of set `north`"#)
        #expect(found.location?.line == 5)
    }

    @Test func literalsAlreadyNormalisedAndOrderedComparisonsDoNotWarn() {
        let r = check(["schema.yaml": Self.schema + Self.parameters, "rules.yaml": """
        decisions:
          g:
            outputs: {x: bool}
            rules:
              - when: region == "henan" or branch == "Kai feng" or city == "Henan " or region < "M" or region != north or city == home
                then: {x: true}
              - then: {x: false}
        """])
        #expect(!r.diagnostics.contains { $0.code == "unnormalized-literal" }, "\(r.diagnostics)")
    }

    @Test func normalizeIsRefusedWhereItCannotApply() throws {
        let r = check(["schema.yaml": """
        fields:
          region: {type: string, normalize: [trim, lowercase]}
          cost: {type: money, normalize: trim}
        """, "rules.yaml": "decisions:\n  g:\n    outputs: {x: bool}\n    rules:\n      - when: region == \"a\" and cost > 1\n        then: {x: true}\n"])
        let unknown = try #require(errors(r).first { $0.code == "unknown-normalization" })
        #expect(unknown.message == "unknown normalisation `lowercase`")
        #expect(unknown.location?.line == 2)
        #expect(unknown.location?.column == 44)
        let wrongType = try #require(errors(r).first { $0.code == "type-mismatch" })
        #expect(wrongType.message == "`normalize` applies to `string` fields, but `cost` is a `money`")
        #expect(wrongType.location?.line == 3)
        #expect(r.policy == nil)
    }

    /// The kind of a field `normalize` cannot apply to is named with its article, and an inline
    /// enum (whose type is named after the field) as an enum, not "`c` is a `c`".
    @Test(arguments: [
        ("b: {type: integer, normalize: trim}", "`b` is an `integer`"),
        ("c: {values: [x, y], normalize: trim}", "`c` is an enum"),
        ("d: {type: kind, normalize: trim}", "`d` is an enum `kind`"),
        ("e: {type: list<integer>, normalize: trim}", "`e` is a `list<integer>`"),
    ])
    func normalizeNamesTheKindItCannotApplyTo(_ field: String, _ kind: String) throws {
        let r = check(["schema.yaml": "enums:\n  kind: [p, q]\nfields:\n  \(field)\n",
                       "rules.yaml": "decisions:\n  g:\n    outputs: {x: bool}\n    rules:\n      - then: {x: true}\n"])
        let wrongType = try #require(errors(r).first { $0.code == "type-mismatch" }, "\(r.diagnostics)")
        #expect(wrongType.message == "`normalize` applies to `string` fields, but \(kind)")
    }

    /// A repeated step and an empty list do nothing a policy author meant: each is a warning.
    @Test func aRepeatedStepOrNoStepsWarn() throws {
        let r = check(["schema.yaml": """
        fields:
          region: {type: string, normalize: [trim, casefold, trim]}
          branch: {type: string, normalize: []}
        """, "rules.yaml": "decisions:\n  g:\n    outputs: {x: bool}\n    rules:\n      - when: region == \"a\" and branch == \"b\"\n        then: {x: true}\n      - then: {x: false}\n"])
        #expect(r.policy != nil, "warnings, not errors: \(r.diagnostics)")
        let warned = r.diagnostics.filter { $0.code == "redundant-normalization" }
        #expect(warned.count == 2, "\(r.diagnostics)")
        let repeated = try #require(warned.first { $0.location?.line == 2 })
        #expect(repeated.severity == .warning)
        #expect(repeated.message == "step `trim` is listed twice in the `normalize` of `region`")
        #expect(repeated.location?.column == 54)
        let empty = try #require(warned.first { $0.location?.line == 3 })
        #expect(empty.message == "`normalize` lists no steps, so `branch` is kept as the case gives it")
        #expect(empty.help == "remove `normalize`, or name steps: nfkc, casefold, trim")
        #expect(r.policy?.model.fields.first { $0.name == "region" }?.normalization == [.trim, .casefold])
    }
}
