/// A run of constant JSON bytes in a ``ConstantJSON``'s storage: a pointer and a length, so reading
/// one retains nothing.
struct JSONPiece: @unchecked Sendable {  // points into storage its ConstantJSON owns and never changes
    let start: UnsafePointer<UInt8>
    let count: Int

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: count) }
}

/// A list of ``JSONPiece``s in a ``ConstantJSON``'s storage, indexed like the policy's outputs,
/// clocks or members.
struct JSONPieces: @unchecked Sendable {  // points into storage its ConstantJSON owns and never changes
    let buffer: UnsafeBufferPointer<JSONPiece>

    subscript(i: Int) -> JSONPiece { buffer[i] }
    var count: Int { buffer.count }
}

/// The constant parts of a decision's JSON, serialised once with the policy into one allocation: the
/// policy object, each output's and clock's quoted key with its colon, each member's quoted name.
///
/// Writing a decision appends them by pointer (``JSONWriter/value(serialised:)-(JSONPiece)``). An
/// array of arrays would hand out each inner array with a retain and a release — atomic operations on
/// reference counts that every thread deciding by the policy shares, so two cores writing decisions
/// would bounce those counts' cache lines between them (docs/performance.md). The storage is
/// immutable once made and freed with the policy that owns it; a ``Decision`` keeps its policy alive
/// (``Decision/owner``) for as long as it can write.
final class ConstantJSON: @unchecked Sendable {  // immutable after init; freed once, in deinit
    let identity: JSONPiece
    let outputKeys: JSONPieces
    let clockKeys: JSONPieces
    let members: JSONPieces
    private let storage: UnsafeMutablePointer<UInt8>
    private let pieces: UnsafeMutablePointer<JSONPiece>

    init(identity: [UInt8], outputKeys: [[UInt8]], clockKeys: [[UInt8]], members: [[UInt8]]) {
        let all = [identity] + outputKeys + clockKeys + members
        storage = .allocate(capacity: max(all.reduce(0) { $0 + $1.count }, 1))
        pieces = .allocate(capacity: all.count)
        var at = 0
        for (i, bytes) in all.enumerated() {
            (storage + at).initialize(from: bytes, count: bytes.count)
            (pieces + i).initialize(to: JSONPiece(start: UnsafePointer(storage + at), count: bytes.count))
            at += bytes.count
        }
        let p = UnsafePointer(pieces)
        self.identity = p[0]
        self.outputKeys = JSONPieces(buffer: UnsafeBufferPointer(start: p + 1, count: outputKeys.count))
        self.clockKeys = JSONPieces(buffer: UnsafeBufferPointer(start: p + 1 + outputKeys.count, count: clockKeys.count))
        self.members = JSONPieces(buffer: UnsafeBufferPointer(start: p + 1 + outputKeys.count + clockKeys.count, count: members.count))
    }

    deinit {
        storage.deallocate()
        pieces.deallocate()
    }
}
