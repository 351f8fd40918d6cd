import ArgumentParser
import Foundation
import Verdict
import VerdictSheets

/// `verdict table export|import`: decision tables to and from spreadsheets (issue 33).
struct Table: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decision tables to and from spreadsheets (xlsx and CSV).",
        subcommands: [TableExport.self, TableImportCommand.self]
    )
}

struct TableExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a set's decision tables as an xlsx workbook or a folder of CSV files.",
        discussion: "One sheet per decision table (a row per rule, in order), its overrides on a sheet of their own, and an index sheet `verdict` naming them. A set with versions exports the folder's own files unless --version names another version; the index sheet records the version. Exit 0 when written, 2 when the set does not load or has no such decision or version.")

    enum Format: String, ExpressibleByArgument { case xlsx, csv }

    @Option(help: "The policy set folder.")
    var policies: String

    @Option(help: "Export only this decision table.")
    var decision: String?

    @Option(help: "For a set with versions (a `versions/` folder): export this version's tables (`2.0.0`). Default: the folder's own files.")
    var version: String?

    @Option(help: "xlsx (one file) or csv (a folder, one file per sheet).")
    var format: Format = .xlsx

    @Option(help: "The xlsx file, or the folder for CSV files.")
    var out: String

    /// A message ended by a newline, as ``CommandFailure/didNotLoad(_:)`` prints it as is.
    static func line(_ s: String) -> String { s.hasSuffix("\n") ? s : s + "\n" }

    func run() throws {
        let tables: PolicyTables
        do { tables = try PolicyTables(directory: policies, version: version) } catch {
            throw CommandFailure.didNotLoad(TableExport.line("\(error)"))
        }
        do {
            switch format {
            case .xlsx:
                try tables.exportXLSX(decision: decision, to: out)
                try writeOutput("wrote \(TextEscaping.escaped(out)): \(try tables.workbook(decision: decision).sheets.map(\.name).joined(separator: ", "))\n")
            case .csv:
                let files = try tables.exportCSV(decision: decision, to: out)
                try writeOutput(files.map { "wrote \(TextEscaping.escaped($0))\n" }.joined())
            }
        } catch let e as SheetError {
            throw CommandFailure.unusable(e.description)
        }
    }
}

struct TableImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write edited tables back into a set's YAML files, after checking the set and running its tests.",
        discussion: "Only the values that changed are rewritten; comments, key order and every other section stay byte for byte. Each problem is reported at its sheet!cell and, for the YAML, file:line:column; nothing is written unless the whole import checks clean and the set's YAML tests pass. A set with versions is written into the folder's own files unless --version names another; a workbook exported from another version is refused. Exit 0 when written (or nothing changed), 1 when refused, 2 when the set or the file cannot be read.")

    @Argument(help: "The edited xlsx file, or the folder of CSV files.")
    var file: String

    @Option(help: "The policy set folder to write into.")
    var into: String

    @Option(help: "For a set with versions: write into this version's files (`2.0.0`), the version the workbook was exported from. Default: the folder's own files.")
    var version: String?

    @Flag(help: "Check and test only; write nothing.")
    var dryRun = false

    func run() throws {
        let book: Workbook
        do { book = try TableImport.readWorkbook(file) } catch {
            throw CommandFailure.unusable(error.description)
        }
        let report: ImportReport
        do { report = try TableImport.run(book, into: into, version: version, write: !dryRun) } catch let e as SheetError {
            throw CommandFailure.didNotLoad(TableExport.line(e.description))
        }
        if !report.problems.isEmpty {
            FileHandle.standardError.write(Data((report.problems.map { "error: " + TextEscaping.escaped($0) }.joined(separator: "\n") + "\n").utf8))
            throw CommandFailure.refused("nothing written: \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")")
        }
        if report.changedFiles.isEmpty {
            try writeOutput("no change: the tables say what the YAML says\n")
            return
        }
        var out = "changed cells: \(report.changedCells.joined(separator: ", "))\n"
        out += "checked; \(report.testsPassed) tests passed\n"
        out += report.changedFiles.map { (dryRun ? "would write " : "wrote ") + TextEscaping.escaped($0) + "\n" }.joined()
        try writeOutput(out)
    }
}
