/// The status codes the C library returns (`verdict_status` in include/verdict.h; the numbers are
/// part of the ABI and never change meaning).
enum ABIStatus: Int32 {
    case ok = 0
    /// The policy folder did not load: the JSON lists its diagnostics.
    case policy = 1
    /// The case was refused (not JSON, not an object, a field missing or malformed, no version in force).
    case caseRefused = 2
    /// The request's options cannot be read (an unknown option, a bad value, an unreadable why-not question).
    case request = 3
    /// The handle was never given, or has been freed.
    case handle = 4
    /// A required pointer is NULL, or a text is not UTF-8.
    case argument = 5
    /// `verdict_decide_into`'s buffer cannot hold the answer and its NUL: the length says what it needs.
    case space = 6

    /// The `error` member of the error JSON.
    var name: String {
        switch self {
        case .ok: return "ok"
        case .policy: return "policy-invalid"
        case .caseRefused: return "case-refused"
        case .request: return "invalid-request"
        case .handle: return "invalid-handle"
        case .argument: return "invalid-argument"
        case .space: return "buffer-too-small"
        }
    }
}
