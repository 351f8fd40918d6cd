import Foundation

/// Cuts JSON Lines into lines as its bytes arrive, in pieces of any size, under a cap on a line's
/// length: the one line splitter of every batch (`verdict decide --batch`, `measure`, `diff --cases`,
/// the service's `decide-batch`, through ``DecisionBatch`` or directly).
///
/// A line ends at `\n` (a `\r` before it is dropped); the last line needs no newline. Blank lines
/// (spaces and tabs only) are skipped but counted in the line numbers, so a number always names the
/// line as an editor shows it. A line longer than `maxLineBytes` is never held: its bytes are dropped
/// as they arrive and only its length is kept, so memory stays bounded whatever the input.
///
/// ```swift
/// var splitter = JSONLinesSplitter(maxLineBytes: 1 << 20)
/// splitter.feed(chunk) { piece in … }     // as often as bytes arrive
/// splitter.finish { piece in … }          // the last line, when it has no newline
/// ```
public struct JSONLinesSplitter: Sendable {
    /// What the splitter hands out.
    public enum Piece {
        /// A line that is not blank: its number (from 1) and its bytes, without the newline.
        case line(number: Int, bytes: [UInt8])
        /// A line longer than the cap: its number and its length (at least; its bytes were not kept).
        case tooLong(number: Int, length: Int)

        /// The line's number.
        public var number: Int {
            switch self {
            case .line(let n, _), .tooLong(let n, _): return n
            }
        }
    }

    /// The longest line kept, in bytes.
    public let maxLineBytes: Int
    /// Lines ended so far, blank ones included: the number of the last line handed out or skipped.
    public private(set) var lineNumber = 0
    /// Lines handed out (``Piece/line(number:bytes:)`` and ``Piece/tooLong(number:length:)``).
    public private(set) var count = 0
    private var line: [UInt8] = []
    /// The length so far of a line past the cap, whose bytes are being dropped.
    private var skipped: Int?

    /// A splitter for lines of at most `maxLineBytes` bytes (at least 1).
    ///
    /// - Parameter maxLineBytes: The longest line kept, in bytes (at least 1); a longer line's bytes are dropped and it is handed out as too long.
    public init(maxLineBytes: Int) {
        self.maxLineBytes = max(1, maxLineBytes)
        line.reserveCapacity(4096)
    }

    /// Reads the next bytes, handing each line they end to `body`.
    public mutating func feed<E: Error>(_ bytes: UnsafeRawBufferPointer, _ body: (Piece) throws(E) -> Void) throws(E) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        let n = bytes.count
        while start < n {
            // memchr, not a generic byte loop: the search for the newline was a twentieth of a batch's
            // instructions per case.
            guard let found = memchr(base + start, 0x0A, n - start) else {
                take(UnsafeRawBufferPointer(rebasing: bytes[start..<n]))
                return
            }
            let nl = UnsafeRawPointer(found) - base
            take(UnsafeRawBufferPointer(rebasing: bytes[start..<nl]))
            try end(body)
            start = nl + 1
        }
    }

    /// Ends the input: hands out its last line when it has no newline.
    public mutating func finish<E: Error>(_ body: (Piece) throws(E) -> Void) throws(E) {
        if skipped != nil || !line.isEmpty { try end(body) }
    }

    private mutating func take(_ segment: UnsafeRawBufferPointer) {
        if let length = skipped {
            skipped = length + segment.count
        } else if line.count + segment.count > maxLineBytes {
            skipped = line.count + segment.count
            line = []
            line.reserveCapacity(4096)
        } else {
            line.append(contentsOf: segment)
        }
    }

    private mutating func end<E: Error>(_ body: (Piece) throws(E) -> Void) throws(E) {
        lineNumber += 1
        if let length = skipped {
            skipped = nil
            count += 1
            try body(.tooLong(number: lineNumber, length: length))
            return
        }
        if line.last == 0x0D { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            line.removeAll(keepingCapacity: true)
            return
        }
        count += 1
        try body(.line(number: lineNumber, bytes: line))
        line.removeAll(keepingCapacity: true)
    }
}

extension CaseError {
    /// The error for a case longer than a reader's cap (`--max-line-bytes`): it was not read.
    /// `atLeast`: the length is only known to pass the cap (a `--case` file read up to it).
    public static func tooLarge(_ length: Int, limit: Int, atLeast: Bool = false) -> CaseError {
        CaseError(caseID: nil, problems: [.init(field: nil, code: .caseTooLarge,
                                                message: "the case is \(atLeast ? "over \(limit)" : String(length)) bytes long, over the limit of \(limit) bytes; it was not read",
                                                help: "raise the limit with --max-line-bytes if the case is real")])
    }
}
