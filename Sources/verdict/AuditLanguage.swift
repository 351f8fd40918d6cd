import Foundation
import Verdict

/// The language an audit command was asked for (`--lang zh`), in which its failures are said too
/// (``fail(_:)``). Read from the command line itself: the failure may come from a part shared by every
/// audit command, such as opening the log (``LogOption``), which has no language of its own.
enum AuditLanguage {
    static var requested: Language {
        let args = CommandLine.arguments.dropFirst()
        for (a, next) in zip(args, args.dropFirst().map(Optional.some) + [nil]) {
            if a == "--lang", let next, let l = Language(rawValue: next) { return l }
            if a.hasPrefix("--lang="), let l = Language(rawValue: String(a.dropFirst("--lang=".count))) { return l }
        }
        return .en
    }
}
