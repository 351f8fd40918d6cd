import Foundation
@testable import VerdictSheets

/// The repository, the shipped policy sets, and throwaway copies of them.
enum SheetTestSupport {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every shipped set: each folder under `policies/` (and `policies/examples/`) with a `policy.yaml`.
    static var shippedSets: [String] {
        var out: [String] = []
        for base in ["policies", "policies/examples"] {
            let dir = root.appendingPathComponent(base)
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() {
                let set = dir.appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: set.appendingPathComponent("policy.yaml").path) { out.append(set.path) }
            }
        }
        return out
    }

    /// A copy of `policies/` in a new temporary folder (so `include: ../calendars/…` still reads), and the copied set's path.
    static func copy(_ set: String) throws -> (set: String, scratch: URL) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sheets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let policies = root.appendingPathComponent("policies")
        try FileManager.default.copyItem(at: policies, to: scratch.appendingPathComponent("policies"))
        let rel = String(set.dropFirst(policies.path.count + 1))
        return (scratch.appendingPathComponent("policies").appendingPathComponent(rel).path, scratch)
    }

    /// Every file under `dir`, by relative path, with its bytes.
    static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let p = e?.nextObject() as? String {
            let full = (dir as NSString).appendingPathComponent(p)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue { out[p] = FileManager.default.contents(atPath: full) }
        }
        return out
    }

    /// The row (0-based) of the rule `id` in a sheet, and the column titled `title`.
    static func find(_ sheet: Sheet, id: String, column title: String) -> (Int, Int)? {
        guard let tr = sheet.rows.firstIndex(where: { $0.first == .heading("id") }),
              let c = sheet.rows[tr].firstIndex(of: .heading(title)),
              let r = sheet.rows.indices.first(where: { $0 > tr && sheet.rows[$0].first?.text == id }) else { return nil }
        return (r, c)
    }
}
