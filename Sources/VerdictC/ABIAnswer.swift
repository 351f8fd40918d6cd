#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Verdict

/// What a C library call hands back: a status and, where the caller gave somewhere to put it, a
/// NUL-terminated UTF-8 buffer from `malloc` that the caller frees with `verdict_free`.
struct ABIAnswer {
    var status: ABIStatus
    var bytes: [UInt8]

    static func ok(_ bytes: [UInt8]) -> ABIAnswer { ABIAnswer(status: .ok, bytes: bytes) }

    /// An error answer: `{"error": NAME, "message": ..., and the members `more` writes}`.
    static func error(_ status: ABIStatus, _ message: String, _ more: (inout JSONWriter) -> Void = { _ in }) -> ABIAnswer {
        var w = JSONWriter()
        w.object { w in
            w.field("error", status.name)
            w.field("message", message)
            more(&w)
        }
        return ABIAnswer(status: status, bytes: w.bytes)
    }

    /// Hands the answer over: the buffer to `out` (and its length, without the NUL, to `length`) when
    /// they are not NULL; returns the status's number.
    func deliver(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
        bytes.withUnsafeBytes { ABIAnswer.deliver($0, status: status, out, length) }
    }

    /// `deliver(_:_:)` for bytes the caller holds (an answer the library rendered).
    static func deliver(_ bytes: UnsafeRawBufferPointer, status: ABIStatus, _ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                        _ length: UnsafeMutablePointer<UInt>?) -> Int32 {
        length?.pointee = 0
        if let out {
            out.pointee = nil
            // The buffer is the caller's from here: `verdict_free` releases it with `free`.
            if let buffer = malloc(bytes.count + 1) {
                if let base = bytes.baseAddress, !bytes.isEmpty { buffer.copyMemory(from: base, byteCount: bytes.count) }
                buffer.storeBytes(of: 0, toByteOffset: bytes.count, as: UInt8.self)
                out.pointee = buffer.assumingMemoryBound(to: CChar.self)
                length?.pointee = UInt(bytes.count)
            }
        }
        return status.rawValue
    }

    /// Hands the answer over into the caller's `buffer` of `capacity` bytes: `*length` is the answer's
    /// length without the NUL; when the answer and its NUL fit they are copied and the status returned,
    /// otherwise nothing is written and the status is `.space`.
    func deliver(into buffer: UnsafeMutablePointer<CChar>?, capacity: UInt, _ length: UnsafeMutablePointer<UInt>) -> Int32 {
        bytes.withUnsafeBytes { ABIAnswer.copy($0, status: status, into: buffer, capacity: capacity, length) }
    }

    /// `deliver(into:capacity:_:)` for bytes the caller holds (an answer the library rendered).
    static func copy(_ bytes: UnsafeRawBufferPointer, status: ABIStatus, into buffer: UnsafeMutablePointer<CChar>?,
                     capacity: UInt, _ length: UnsafeMutablePointer<UInt>) -> Int32 {
        length.pointee = UInt(bytes.count)
        guard let buffer, UInt(bytes.count) < capacity else { return ABIStatus.space.rawValue }
        if let base = bytes.baseAddress, !bytes.isEmpty {
            UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: bytes.count)
        }
        buffer[bytes.count] = 0
        return status.rawValue
    }
}
