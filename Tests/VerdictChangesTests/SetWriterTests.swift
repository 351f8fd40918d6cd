import Foundation
import Testing
@testable import VerdictChanges

@Suite struct SetWriterTests {
    func folder(_ files: [String: String]) throws -> String {
        let f = NSTemporaryDirectory() + "set-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: f, withIntermediateDirectories: true)
        for (p, t) in files { try Data(t.utf8).write(to: URL(fileURLWithPath: f + "/" + p)) }
        return f
    }

    func read(_ f: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: f) {
            var dir: ObjCBool = false
            FileManager.default.fileExists(atPath: f + "/" + name, isDirectory: &dir)
            if dir.boolValue {
                for inner in try FileManager.default.contentsOfDirectory(atPath: f + "/" + name) {
                    out[name + "/" + inner] = String(decoding: FileManager.default.contents(atPath: f + "/" + name + "/" + inner) ?? Data(), as: UTF8.self)
                }
            } else {
                out[name] = String(decoding: FileManager.default.contents(atPath: f + "/" + name) ?? Data(), as: UTF8.self)
            }
        }
        return out
    }

    @Test func writesAddsAndRemovesAsOneChange() throws {
        let f = try folder(["a.yaml": "a1", "b.yaml": "b1", "c.yaml": "c1"])
        try SetWriter.apply([.init(path: "a.yaml", text: "a2", before: "a1"), .init(path: "b.yaml", text: nil, before: "b1"),
                             .init(path: "versions/2027/d.yaml", text: "d1", before: nil)], to: f, tag: "P1")
        let now = try read(f)
        #expect(now["a.yaml"] == "a2" && now["b.yaml"] == nil && now["c.yaml"] == "c1")
        #expect(String(decoding: FileManager.default.contents(atPath: f + "/versions/2027/d.yaml") ?? Data(), as: UTF8.self) == "d1")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: f)).contains { $0.hasPrefix(".verdict") })
    }

    @Test func aFolderTheUndoEmptiesIsRemovedWithItsLastFile() throws {
        // A new version's folder is made by its change and goes with its undo: an empty version folder
        // would be read as a version without a manifest.
        let f = try folder(["policy.yaml": "p"])
        let made: [Proposal.FileChange] = [.init(path: "versions/2.0.0/policy.yaml", text: "p2", before: nil),
                                           .init(path: "versions/2.0.0/rules.yaml", text: "r2", before: nil)]
        try SetWriter.apply(made, to: f, tag: "P5")
        #expect(try read(f + "/versions") == ["2.0.0/policy.yaml": "p2", "2.0.0/rules.yaml": "r2"])
        try SetWriter.apply(made.map { .init(path: $0.path, text: nil, before: $0.text) }, to: f, tag: "P5-undo")
        #expect(!FileManager.default.fileExists(atPath: f + "/versions"), "the folders it made are gone")
        #expect(try read(f) == ["policy.yaml": "p"])
        // A folder that still holds a file stays.
        try SetWriter.apply(made, to: f, tag: "P6")
        try Data("kept".utf8).write(to: URL(fileURLWithPath: f + "/versions/2.0.0/notes.yaml"))
        try SetWriter.apply([.init(path: "versions/2.0.0/policy.yaml", text: nil, before: "p2")], to: f, tag: "P7")
        #expect(try read(f + "/versions") == ["2.0.0/rules.yaml": "r2", "2.0.0/notes.yaml": "kept"])
    }

    @Test func anUncommittedStagingIsDiscardedACommittedOneFinished() throws {
        // What a kill before the plan's rename leaves: staged texts, no plan.
        let f = try folder(["a.yaml": "old"])
        let staging = f + "/" + SetWriter.stagingPrefix + "P1"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try Data("new".utf8).write(to: URL(fileURLWithPath: staging + "/0"))
        try Data(#"{"writes":[{"path":"a.yaml","staged":"0"}],"removes":[]}"#.utf8).write(to: URL(fileURLWithPath: staging + "/plan.json.tmp"))
        let discarded = try SetWriter.recover(folder: f)
        #expect(discarded.count == 1 && discarded[0].contains("discarded"))
        #expect(try read(f) == ["a.yaml": "old"])

        // What a kill after the plan's rename and one move leaves: one file moved, the other still staged.
        let g = try folder(["a.yaml": "a-old", "b.yaml": "b-old", "gone.yaml": "x"])
        let s2 = g + "/" + SetWriter.stagingPrefix + "P2"
        try FileManager.default.createDirectory(atPath: s2, withIntermediateDirectories: false)
        try Data("b-new".utf8).write(to: URL(fileURLWithPath: s2 + "/1"))
        try Data("a-new".utf8).write(to: URL(fileURLWithPath: g + "/a.yaml"))   // already moved
        try Data(#"{"writes":[{"path":"a.yaml","staged":"0"},{"path":"b.yaml","staged":"1"}],"removes":["gone.yaml"]}"#.utf8).write(to: URL(fileURLWithPath: s2 + "/plan.json"))
        let finished = try SetWriter.recover(folder: g)
        #expect(finished.count == 1 && finished[0].contains("finished"))
        #expect(try read(g) == ["a.yaml": "a-new", "b.yaml": "b-new"])
    }

    @Test func aPlanThatWasEditedIsRefusedNotFollowed() throws {
        let f = try folder(["a.yaml": "old"])
        let staging = f + "/" + SetWriter.stagingPrefix + "P3"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try Data("evil".utf8).write(to: URL(fileURLWithPath: staging + "/0"))
        try Data(#"{"writes":[{"path":"../outside.yaml","staged":"0"}],"removes":[]}"#.utf8).write(to: URL(fileURLWithPath: staging + "/plan.json"))
        #expect(throws: SetWriter.Failure.self) { try SetWriter.recover(folder: f) }
        #expect(!FileManager.default.fileExists(atPath: (f as NSString).deletingLastPathComponent + "/outside.yaml"))
        try Data("{".utf8).write(to: URL(fileURLWithPath: staging + "/plan.json"))
        #expect(throws: SetWriter.Failure.self) { try SetWriter.recover(folder: f) }
    }

    @Test func aBadPathIsRefusedBeforeAnythingIsWritten() throws {
        let f = try folder(["a.yaml": "old"])
        #expect(throws: SetWriter.Failure.self) {
            try SetWriter.apply([.init(path: "a.yaml", text: "new", before: "old"), .init(path: "../x.yaml", text: "x", before: nil)], to: f, tag: "P4")
        }
        #expect(try read(f) == ["a.yaml": "old"])
    }
}
