#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Each thread's buffer for rendering an answer before `verdict_decide_into` copies it into the
/// caller's buffer, so a decision allocates no output array of its own (the array grows once per
/// thread, as the library's own benchmark loop reuses one). A buffer that grew past ``keptCapacity``
/// (a long explanation) is dropped after use, so what a thread keeps is bounded. Released when its
/// thread ends.
enum RenderBuffer {
    /// The most a thread keeps between calls.
    static let keptCapacity = 256 << 10
    /// What a new buffer reserves: more than most answers, explanations included.
    static let initialCapacity = 16 << 10

    private final class Box {
        var bytes: [UInt8] = []
        init() { bytes.reserveCapacity(RenderBuffer.initialCapacity) }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { box in
            #if canImport(Darwin)
            Unmanaged<AnyObject>.fromOpaque(box).release()
            #else
            if let box { Unmanaged<AnyObject>.fromOpaque(box).release() }
            #endif
        }
        precondition(status == 0, "pthread_key_create failed (\(status))")
        return key
    }()

    /// Runs `body` with this thread's buffer, emptied (its capacity kept). Not reentrant: `body` must
    /// not call it again (the C functions that use it call no other that does).
    static func with<R>(_ body: (inout [UInt8]) -> R) -> R {
        let box: Box
        if let stored = pthread_getspecific(key) {
            box = Unmanaged<Box>.fromOpaque(stored).takeUnretainedValue()
        } else {
            box = Box()
            pthread_setspecific(key, Unmanaged.passRetained(box).toOpaque())
        }
        box.bytes.removeAll(keepingCapacity: true)
        let result = body(&box.bytes)
        if box.bytes.capacity > keptCapacity { box.bytes = [] ; box.bytes.reserveCapacity(initialCapacity) }
        return result
    }
}
