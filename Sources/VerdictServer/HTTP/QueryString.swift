import Hummingbird
import VerdictConsole

/// A request's query string read as browsers and HTTP libraries write it
/// (`application/x-www-form-urlencoded`, as Python's `urlencode`, httpx, requests, Java's
/// `URLEncoder` and HTML forms do): `+` and `%20` are a space, `%2B` is a plus, other percent
/// escapes are UTF-8. The one reading of a query in the service: the API's routes
/// (``DecisionRoutes/Options``, reload's `policy`) and the console's pages take their parameters
/// from here; the decoding is ``FormData``'s, which reads the console's form bodies the same way.
enum QueryString {
    /// The query's pairs, in order; a key without `=` has an empty value.
    static func pairs(_ request: Request) -> [(String, String)] {
        pairs(request.uri.query ?? "")
    }

    /// The pairs of a query string as it appears after `?` (still encoded).
    static func pairs(_ query: String) -> [(String, String)] {
        FormData.parse(query)
    }
}
