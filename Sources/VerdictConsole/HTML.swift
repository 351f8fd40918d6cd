/// A small HTML writer that escapes by construction: element and attribute names are string
/// literals (`StaticString`), and every text and attribute value passes through ``escape(_:)``.
/// Nothing a case, a label or a quote holds can open a tag, close an attribute or start a script.
///
/// ```swift
/// var h = HTML()
/// h.element("p", [.init("class", "note")]) { h in h.text("cost <= 300 & <script>") }
/// // <p class="note">cost &lt;= 300 &amp; &lt;script&gt;</p>
/// ```
public struct HTML: Sendable {
    /// One attribute: a literal name and a value (nil leaves the attribute out, "" writes it bare).
    public struct Attribute: Sendable {
        /// The attribute's name, a literal.
        public let name: StaticString
        /// Its value, escaped when written; nil omits the attribute.
        public let value: String?
        /// An attribute with a value, or none when `value` is nil.
        public init(_ name: StaticString, _ value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// The HTML written so far.
    public private(set) var text = ""

    /// An empty document part.
    public init() {}

    /// Text, escaped.
    public mutating func text(_ s: String) { text += Self.escape(s) }

    /// An element with attributes and content.
    public mutating func element(_ name: StaticString, _ attributes: [Attribute] = [], _ body: (inout HTML) -> Void = { _ in }) {
        open(name, attributes)
        body(&self)
        text += "</\(name)>"
    }

    /// An element holding only text.
    public mutating func element(_ name: StaticString, _ attributes: [Attribute] = [], text content: String) {
        element(name, attributes) { $0.text(content) }
    }

    /// A void element (`input`, `meta`, `link`, `br`): no content, no end tag.
    public mutating func void(_ name: StaticString, _ attributes: [Attribute] = []) {
        open(name, attributes)
    }

    /// Appends another part, already escaped by its own construction.
    public mutating func append(_ other: HTML) { text += other.text }

    /// A `<style>` element holding one of the program's own style sheets (``ConsoleAssets``, never
    /// text from a policy or a case), written as it is: a style element's content is raw text, where
    /// character references are not read. A sheet that could end the element is refused.
    package mutating func style(_ css: String) {
        precondition(!css.lowercased().contains("</style"), "a style sheet must not end its element")
        text += "<style>" + css + "</style>"
    }

    /// `<!doctype html>`.
    public mutating func doctype() { text += "<!doctype html>" }

    private mutating func open(_ name: StaticString, _ attributes: [Attribute]) {
        text += "<\(name)"
        for a in attributes {
            guard let value = a.value else { continue }
            text += " \(a.name)"
            if !value.isEmpty { text += "=\"" + Self.escape(value) + "\"" }
        }
        text += ">"
    }

    /// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
