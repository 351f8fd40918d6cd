import Verdict

/// The frame every console page shares: head (served CSS and script, no inline code), a skip link,
/// the navigation, the language switch and the main content.
public enum ConsolePage {
    /// The console's pages, for the navigation.
    public enum Tab: Sendable {
        /// The policies page, at `/`.
        case policies
        /// Try a case, at `/try`.
        case tryCase
        /// The audit trail, at `/audit`.
        case audit
        /// Check a draft, at `/draft`.
        case draft
        /// Governed changes, at `/proposals` (only when the server keeps proposals).
        case proposals
        /// Sign in, errors: no tab is current.
        case none
    }

    /// A whole document. With `languageForm`, the language switch is a button that submits that form
    /// of the page (a POST keeps what was typed in it, such as a draft) with the other `lang`, named `label`.
    public static func render(title: String, tab: Tab, context: ConsoleContext, languageForm: (form: String, label: String)? = nil,
                              _ body: (inout HTML) -> Void) -> String {
        let w = context.words
        var h = HTML()
        h.doctype()
        h.element("html", [.init("lang", context.language == .zh ? "zh-Hans" : "en")]) { h in
            h.element("head") { h in
                h.void("meta", [.init("charset", "utf-8")])
                h.void("meta", [.init("name", "viewport"), .init("content", "width=device-width, initial-scale=1")])
                h.element("title", text: title + " — " + w.console)
                h.void("link", [.init("rel", "stylesheet"), .init("href", "/static/console.css")])
                h.element("script", [.init("src", "/static/console.js"), .init("defer", "")])
            }
            h.element("body") { h in
                h.element("a", [.init("class", "skip"), .init("href", "#main")], text: w.skip)
                h.element("header") { h in
                    h.element("p", [.init("class", "brand")], text: w.console)
                    h.element("nav", [.init("aria-label", w.console)]) { h in
                        h.element("ul") { h in
                            var tabs: [(Tab, String, String)] = [(.policies, "/", w.policies), (.tryCase, "/try", w.tryCase)]
                            if context.hasAuditLog { tabs.append((.audit, "/audit", w.audit)) }
                            tabs.append((.draft, "/draft", w.draft))
                            if context.hasProposals { tabs.append((.proposals, "/proposals", context.changeWords.proposals)) }
                            for (t, href, name) in tabs {
                                h.element("li") { h in
                                    h.element("a", [.init("href", href), .init("aria-current", t == tab ? "page" : nil)], text: name)
                                }
                            }
                        }
                    }
                    if let who = context.signedIn {
                        h.element("p", [.init("class", "signed-in")], text: w.signedIn(who.name, role: who.role))
                        if context.canSignOut {
                            h.element("form", [.init("method", "post"), .init("action", "/logout"), .init("class", "sign-out")]) { h in
                                h.void("input", [.init("type", "hidden"), .init("name", "csrf"), .init("value", context.csrfToken)])
                                h.element("button", [.init("type", "submit"), .init("class", "linkish")], text: w.signOut)
                            }
                        }
                    }
                    let other: Language = context.language == .zh ? .en : .zh
                    if let (form, label) = languageForm {
                        h.element("button", [.init("type", "submit"), .init("class", "lang linkish"), .init("lang", other == .zh ? "zh-Hans" : "en"),
                                             .init("form", form), .init("formaction", ConsoleLink.to(context.path, [("lang", other.rawValue)])),
                                             .init("title", label)], text: w.otherLanguage)
                    } else {
                        h.element("a", [.init("class", "lang"), .init("lang", other == .zh ? "zh-Hans" : "en"), .init("hreflang", other.rawValue),
                                        .init("href", ConsoleLink.to(context.path, context.query + [("lang", other.rawValue)]))],
                                  text: w.otherLanguage)
                    }
                }
                h.element("main", [.init("id", "main"), .init("tabindex", "-1")]) { h in
                    h.element("h1", text: title)
                    body(&h)
                }
            }
        }
        return h.text
    }

    /// A hidden field carrying the form token of `context`.
    public static func csrfField(_ context: ConsoleContext, into h: inout HTML) {
        h.void("input", [.init("type", "hidden"), .init("name", "csrf"), .init("value", context.csrfToken)])
    }

    /// A page with one message (not found, forbidden, refused).
    public static func message(title: String, _ message: String, context: ConsoleContext) -> String {
        render(title: title, tab: .none, context: context) { h in
            h.element("p", [.init("class", "problem"), .init("role", "alert")], text: message)
        }
    }

    /// The sign-in page: a token field posted with the form token.
    /// The sign-in page; `failed` after a wrong token, `retryAfter` (seconds) once this address has given
    /// too many wrong tokens and must wait.
    public static func signIn(next: String, failed: Bool, retryAfter: Int? = nil, context: ConsoleContext) -> String {
        let w = context.words
        return render(title: w.signIn, tab: .none, context: context) { h in
            h.element("p", text: w.signInHelp)
            if let retryAfter {
                h.element("p", [.init("class", "problem"), .init("role", "alert")], text: w.tooManySignIns(retryAfter))
            } else if failed {
                h.element("p", [.init("class", "problem"), .init("role", "alert")], text: w.wrongToken)
            }
            h.element("form", [.init("method", "post"), .init("action", "/login")]) { h in
                csrfField(context, into: &h)
                h.void("input", [.init("type", "hidden"), .init("name", "next"), .init("value", next)])
                h.element("label", [.init("for", "token")], text: w.token)
                h.void("input", [.init("type", "password"), .init("id", "token"), .init("name", "token"), .init("required", ""),
                                 .init("autocomplete", "current-password")])
                h.element("button", [.init("type", "submit")], text: w.signIn)
            }
        }
    }
}
