#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Reads policy and test files from disk: regular files only, never more than a bound in bytes.
///
/// Every path that reads a policy set's files goes through here (`verdict check`, the loader, the
/// service's reload, the console's draft check, included files, test files), so a FIFO named `x.yaml`
/// never blocks a reader, a device or a sparse multi-gigabyte file is never read whole, and the refusal
/// says which file and why.
///
/// ```swift
/// switch SourceFileReader.read("policies/quality-complaints/a1-tier.yaml") {
/// case .success(let file): file.lines.count
/// case .failure(let refusal): print(refusal.diagnostic)   // `x.yaml` is a FIFO, not a regular file: not read
/// }
/// ```
package enum SourceFileReader {
    /// The largest policy or test file read when `VERDICT_MAX_POLICY_FILE_BYTES` does not say
    /// otherwise: 1 MiB, some fifty times the largest shipped file.
    package static let defaultMaxBytes = 1 << 20

    /// The largest policy or test file read: `VERDICT_MAX_POLICY_FILE_BYTES` when it holds a whole
    /// number of bytes from 1 KiB to 1 GiB, else ``defaultMaxBytes``. Read once per process.
    package static let maxBytes: Int = {
        guard let text = ProcessInfo.processInfo.environment["VERDICT_MAX_POLICY_FILE_BYTES"],
              let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 1 << 10, n <= 1 << 30 else { return defaultMaxBytes }
        return n
    }()

    /// The help line of a refusal for size: how to split the file or raise the bound.
    static let sizeHelp = "split the file into several (a set reads every *.yaml of its folder), or raise the bound with the environment variable VERDICT_MAX_POLICY_FILE_BYTES"

    /// The file's bytes decoded as a ``SourceFile`` whose path is `shown` (default: `path`), or why not:
    /// it cannot be opened, is not a regular file, holds more than `limit` bytes, or is not UTF-8.
    package static func read(_ path: String, shown: String? = nil, limit: Int = maxBytes) -> Result<SourceFile, SourceFile.Refusal> {
        let shown = shown ?? path
        switch bytes(path, shown: shown, limit: limit) {
        case .success(let bytes): return SourceFile.decode(path: shown, bytes: bytes)
        case .failure(let refusal): return .failure(refusal)
        }
    }

    /// The file's bytes, read whole when it is a regular file of at most `limit` bytes.
    package static func bytes(_ path: String, shown: String? = nil, limit: Int = maxBytes) -> Result<[UInt8], SourceFile.Refusal> {
        let shown = TextEscaping.escaped(shown ?? path)
        // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; it is refused below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            return .failure(refusal("cannot read `\(shown)`: \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            return .failure(refusal("cannot read `\(shown)`: \(String(cString: strerror(errno)))"))
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            return .failure(refusal("`\(shown)` is \(describe(kind)), not a regular file: not read",
                                    help: "keep only regular files named *.yaml in a policy folder"))
        }
        if Int64(info.st_size) > Int64(limit) {
            return .failure(tooLarge(shown, size: Int64(info.st_size), limit: limit))
        }
        // Read to the end, but never past the bound: the file may grow while it is read.
        var out: [UInt8] = []
        out.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = chunk.withUnsafeMutableBytes { readSome(fd, $0) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(refusal("cannot read `\(shown)`: \(String(cString: strerror(errno)))"))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit { return .failure(tooLarge(shown, size: Int64(out.count), limit: limit, atLeast: true)) }
        }
        return .success(out)
    }

    /// The refusal of text submitted as a file (the console's draft) that is longer than the bound.
    package static func checkSize(of text: String, shown: String, limit: Int = maxBytes) -> SourceFile.Refusal? {
        text.utf8.count > limit ? tooLarge(TextEscaping.escaped(shown), size: Int64(text.utf8.count), limit: limit) : nil
    }

    private static func tooLarge(_ shown: String, size: Int64, limit: Int, atLeast: Bool = false) -> SourceFile.Refusal {
        refusal("`\(shown)` holds \(atLeast ? "more than " : "")\(atLeast ? limit : Int(size)) bytes, over the \(limit) a policy file may hold: not read",
                code: .fileTooLarge, help: sizeHelp, at: SourceLocation(path: shown, line: 1, column: 1))
    }

    private static func refusal(_ message: String, code: DiagnosticCode = .unreadableFile, help: String? = nil,
                                at location: SourceLocation? = nil) -> SourceFile.Refusal {
        SourceFile.Refusal(diagnostic: .error(code, message, at: location, help: help))
    }

    /// `a FIFO`, `a folder`, … for a file type from `st_mode`.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFDIR: "a folder"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}

/// `read(2)` into a buffer (at file scope, where `read` is the system call, not ``SourceFileReader/read(_:shown:limit:)``).
private func readSome(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(fd, buffer.baseAddress!, buffer.count)
}
