import Testing
@testable import Verdict

/// Issue 27, item 18: an instant whose date in the zone it is read in falls outside 0001-01-01 …
/// 9999-12-31 is refused, never read as year 0 or 10000.
@Suite("Instants within the years 0001–9999 where they are read")
struct LocalYearRangeTests {
    /// A policy in `zone` that reads `t`'s year and date, and its hour in a calendar kept in UTC.
    static func policy(zone: String) throws -> CompiledPolicy {
        let r = check(["policy.yaml": manifestYAML + "\n  timezone: \(zone)\n", "schema.yaml": """
        fields:
          id: string
          t: timestamp
        calendars:
          utc: {timezone: UTC, weekdays: [mon, tue, wed, thu, fri], hours: ["09:00-17:00"], years: [2026]}
        """, "d.yaml": """
        decisions:
          parts:
            outputs: {y: integer, dt: date}
            rules:
              - then: {y: year(t), dt: date(t)}
          utc_parts:
            outputs: {utc_hour: integer}
            rules:
              - then: {utc_hour: 'hour(t, "utc")'}
        """])
        return try #require(r.policy, "\(r.diagnostics)")
    }

    static let newYork = try! policy(zone: "America/New_York")
    static let utc = try! policy(zone: "UTC")

    func refusal(_ policy: CompiledPolicy, _ t: String) throws -> CaseError.Problem {
        let error = try #require(throws: CaseError.self) { try decide(policy, #"{"id": "Y-1", "t": "\#(t)"}"#) }
        return try #require(error.problems.first)
    }

    @Test func theFirstInstantOfYearOneIsRefusedInNewYork() throws {
        let p = try refusal(Self.newYork, "0001-01-01T00:00:00Z")
        #expect(p.field == "t")
        #expect(p.code == .invalidValue)
        #expect(p.message == "`0001-01-01T00:00:00Z` falls on 0000-12-31 in America/New_York, the policy's zone: a timestamp must fall within the years 0001–9999 there")
    }

    @Test func theLastInstantsOfYear9999AreRefusedEastOfUTC() throws {
        let p = try refusal(try Self.policy(zone: "Asia/Shanghai"), "9999-12-31T20:00:00Z")
        #expect(p.message == "`9999-12-31T20:00:00Z` falls on 10000-01-01 in Asia/Shanghai, the policy's zone: a timestamp must fall within the years 0001–9999 there")
    }

    @Test func yearZeroWrittenOutrightIsRefused() throws {
        let p = try refusal(Self.utc, "0000-06-01T00:00:00Z")
        #expect(p.message.hasPrefix("`0000-06-01T00:00:00Z` falls on 0000-06-01 in UTC"), "\(p.message)")
    }

    @Test func theEdgesInsideTheYearsAreDecided() throws {
        // New York's offset in year 1 is its local mean time, -4:56:02: 05:00Z is 0001-01-01 there.
        let first = try decide(Self.newYork, #"{"id": "Y-2", "t": "0001-01-01T05:00:00Z"}"#)
        #expect(first["y"] == .integer(1))
        #expect(first["dt"] == .date(CivilDate(year: 1, month: 1, day: 1)))
        let last = try decide(Self.newYork, #"{"id": "Y-3", "t": "9999-12-31T23:59:59Z"}"#)
        #expect(last["y"] == .integer(9999))
        let utc = try decide(Self.utc, #"{"id": "Y-4", "t": "0001-01-01T00:00:00Z"}"#)
        #expect(utc["dt"] == .date(CivilDate(year: 1, month: 1, day: 1)))
    }

    @Test func aPartReadInACalendarsZoneOutsideTheYearsIsACaseError() throws {
        // Fine in Shanghai (0001-01-01 there), but 0000-12-31 in the calendar's UTC.
        let error = try #require(throws: CaseError.self) {
            try decide(try Self.policy(zone: "Asia/Shanghai"), #"{"id": "Y-5", "t": "0001-01-01T07:00:00+08:00"}"#)
        }
        #expect(error.problems.map(\.code) == [.arithmeticOverflow], "\(error)")
    }

    @Test(arguments: [("0001-01-01T00:00:00Z", false), ("0001-01-01T04:00:00Z", false),
                      ("0001-01-01T05:00:00Z", true), ("9999-12-31T23:59:59.999Z", true)])
    func theFastAndCarefulDecodersAgree(_ t: String, _ decided: Bool) throws {
        // An escape in the id sends the case to the careful decoder; without one the fast decoder reads
        // it, and leaves an instant near either end to the careful one, which judges the zone.
        for id in ["Y-6", #"Y\u002D6"#] {
            let d = try? decide(Self.newYork, #"{"id": "\#(id)", "t": "\#(t)"}"#)
            #expect((d != nil) == decided, "\(t), id \(id)")
        }
    }

    @Test func theRangeIsReadAtTheInstantsOwnOffset() {
        let ny = Zone(identifier: "America/New_York")!
        #expect(Timestamp(millisecondsSinceEpoch: -62_135_596_800_000).dateOutsideYears(in: ny) == CivilDate(year: 0, month: 12, day: 31))
        #expect(Timestamp(millisecondsSinceEpoch: -62_135_596_800_000).dateOutsideYears(in: .utc) == nil)
        #expect(Timestamp(millisecondsSinceEpoch: 0).dateOutsideYears(in: ny) == nil)
    }
}
