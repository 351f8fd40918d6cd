import Foundation

/// Where a manifest's `include:` may read: the policy folder, and one root for shared files.
///
/// An include names a path relative to the policy folder. Without confinement,
/// `../../../../etc/passwd` would be read, and its lines quoted by the errors it causes. A path is
/// allowed when, with `.` and `..` resolved and then every symbolic link followed, it lies inside the
/// folder or inside the root. The root defaults to the folder's parent, so the shipped layout
/// (`policies/quality-complaints` including `../calendars/cn-office.yaml`) works as it is.
///
/// ```swift
/// let confinement = IncludeConfinement(folder: "policies/quality-complaints")   // root: policies
/// try confinement.read("../calendars/cn-office.yaml")                            // policies/calendars/cn-office.yaml
/// try confinement.read("../../../../etc/passwd")                                 // throws Refusal
/// ```
public struct IncludeConfinement: Sendable {
    /// Why an include may not be read.
    public struct Refusal: Error, Sendable, Hashable {
        /// What was refused and why, naming the include path as written.
        public var message: String
        /// What to do instead: where an include may read from.
        public var help: String
    }

    /// The policy folder, as given (diagnostics show included paths relative to it).
    public let folder: String
    /// The root for shared files, as given.
    public let root: String
    private let absoluteFolder: String
    private let absoluteRoot: String

    /// Confinement to `folder` and `root` (default: the folder's parent).
    ///
    /// - Parameters:
    ///   - folder: The policy folder the includes are relative to.
    ///   - root: The root for shared files; nil for the folder's parent.
    public init(folder: String, root: String? = nil) {
        let folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        self.folder = folder
        absoluteFolder = Self.absolute(folder)
        let root = root ?? (folder.hasPrefix("/") ? Self.absolute(folder + "/..") : PolicyFolder.normalize(folder + "/.."))
        self.root = root.isEmpty ? "." : root
        absoluteRoot = Self.absolute(self.root)
    }

    /// The absolute path `name` names, with `.` and `..` resolved, when it lies inside the folder or
    /// the root. No file is read and no link followed: see ``read(_:)``.
    public func resolve(_ name: String) throws(Refusal) -> String {
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value == 0 }) else {
            throw Refusal(message: "`\(TextEscaping.escaped(name))` is not a file name", help: Self.advice)
        }
        guard !name.hasPrefix("/") else {
            throw Refusal(message: "`\(TextEscaping.escaped(name))` is an absolute path", help: Self.advice)
        }
        guard let path = Self.canonical(absoluteFolder + "/" + name),
              Self.inside(path, absoluteFolder) || Self.inside(path, absoluteRoot) else {
            throw Refusal(message: "`\(TextEscaping.escaped(name))` is outside the policy folder and the include root `\(root)`",
                          help: Self.advice)
        }
        return path
    }

    /// Reads the file `name` names: nil when there is none (or it is not UTF-8 text); a refusal when
    /// it lies outside the folder and the root, is a symbolic link (or under one) that leads out, is
    /// not a regular file, or is larger than a policy file may be (`SourceFileReader`).
    public func read(_ name: String) throws(Refusal) -> SourceFile? {
        let path = try resolve(name)
        guard let real = Self.realPath(path) else { return nil }
        guard allows(real) else {
            throw Refusal(message: "`\(TextEscaping.escaped(name))` is a symbolic link to a file outside the policy folder and the include root `\(root)`",
                          help: Self.advice)
        }
        // Read as the folder's own files are: a byte-order mark is kept, so the digest covers it.
        switch SourceFileReader.bytes(real, shown: name) {
        case .success(let bytes):
            guard case .success(let file) = SourceFile.decode(path: PolicyFolder.normalize(folder + "/" + name), bytes: bytes) else { return nil }
            return file
        case .failure(let refusal):
            // It exists but cannot be read (not a regular file, too large, no permission): say why.
            throw Refusal(message: refusal.diagnostic.message, help: refusal.diagnostic.help ?? Self.advice)
        }
    }

    /// Whether the file at `path` (a file of the folder, as listed) really lies inside the folder or
    /// the root once symbolic links are followed; false for a link that leads out, or no file.
    public func allows(_ path: String) -> Bool {
        guard let real = Self.realPath(path) else { return false }
        let realFolder = Self.realPath(absoluteFolder) ?? absoluteFolder, realRoot = Self.realPath(absoluteRoot) ?? absoluteRoot
        return Self.inside(real, realFolder) || Self.inside(real, realRoot)
    }

    static let advice = "an include is a path relative to the policy folder, inside it or the include root (by default the folder's parent, "
        + "as in `../calendars/cn-office.yaml`); `verdict --include-root` sets another root"

    /// Whether a canonical path lies strictly inside a canonical folder.
    static func inside(_ path: String, _ folder: String) -> Bool {
        folder == "/" ? path.count > 1 : path.hasPrefix(folder + "/")
    }

    /// An absolute path without `.`, `..` or empty parts; nil when `..` climbs above `/`.
    static func canonical(_ absolute: String) -> String? {
        var out: [Substring] = []
        for part in absolute.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if out.isEmpty { return nil }
                out.removeLast()
                continue
            }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }

    static func absolute(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return canonical(joined) ?? "/"
    }

    /// The path with every symbolic link followed; nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
