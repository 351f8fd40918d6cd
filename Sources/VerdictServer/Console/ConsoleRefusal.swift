import Hummingbird

/// A console page answering a refused request (403 for a form token that does not match, or a form
/// sent from another site); the service middleware sends its page as it is.
struct ConsoleRefusal: Error {
    let response: Response
}
