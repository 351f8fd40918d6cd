/// The draft page's additions to the console's style sheet and script (served after them in the same
/// files): the numbered listing a diagnostic links to, the diff, the language switch as a button; and
/// the enhancements — a diagnostic's link also selects its line in the text area, and the draft is kept
/// in the tab's session storage so that the back button does not lose it. The page works without them.
public enum DraftAssets {
    /// Appended to `/static/console.css`.
    public static let css = """
    .vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    button.linkish { background: none; color: var(--accent); text-decoration: underline; padding: 0; border: 0; }
    label.inline { display: inline; font-weight: 400; margin-left: 0.3rem; }
    fieldset.field { border: 0.0625rem solid var(--line); padding: 0.5rem 1rem; margin: 0.5rem 0; }
    details.listing { margin: 0.25rem 0 0.75rem; }
    details.listing summary { cursor: pointer; color: var(--accent); }
    ol.lines { margin: 0.25rem 0; padding: 0.25rem 0 0.25rem 4.5em; font-family: ui-monospace, "DejaVu Sans Mono", monospace;
               white-space: pre-wrap; overflow-wrap: anywhere; border: 0.0625rem solid var(--line); background: #fafafa; font-size: 0.92em; }
    ol.lines li::marker { color: var(--muted); }
    ol.lines li:target, ol.lines li.marked { background: var(--bad); outline: 0.15rem solid #b00020; }
    table.diff { min-width: 100%; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
    table.diff td.num { color: var(--muted); text-align: right; width: 4em; }
    table.diff td.code { white-space: pre-wrap; overflow-wrap: anywhere; }
    table.diff tr.removed td { background: var(--bad); }
    table.diff tr.added td { background: var(--ok); }
    table.diff del, table.diff ins { text-decoration: none; }
    table.diff tr.gap td { color: var(--muted); text-align: center; }
    ul.changes code { white-space: pre-wrap; }
    """

    /// Appended to `/static/console.js`.
    public static let js = """
    document.addEventListener("DOMContentLoaded", function () {
      var form = document.getElementById("draft-form");
      if (!form) { return; }
      // A diagnostic's link: mark its line in the listing and select it in the text area.
      document.querySelectorAll("a[data-textarea][data-line]").forEach(function (a) {
        a.addEventListener("click", function (event) {
          var area = document.getElementById(a.getAttribute("data-textarea"));
          if (!area) { return; }
          event.preventDefault();
          var line = parseInt(a.getAttribute("data-line"), 10);
          var lines = area.value.split("\\n");
          var start = 0;
          for (var i = 0; i < line - 1 && i < lines.length; i++) { start += lines[i].length + 1; }
          var end = start + (lines[line - 1] || "").length;
          document.querySelectorAll("ol.lines li.marked").forEach(function (li) { li.classList.remove("marked"); });
          var target = document.getElementById(a.getAttribute("href").slice(1));
          if (target) {
            target.classList.add("marked");
            var details = target.closest("details");
            if (details) { details.open = true; }
          }
          history.replaceState(null, "", a.getAttribute("href"));
          area.focus();
          area.setSelectionRange(start, end);
          var height = area.scrollHeight / Math.max(1, lines.length);
          area.scrollTop = Math.max(0, (line - 1) * height - area.clientHeight / 3);
          area.scrollIntoView({block: "center"});
        });
      });
      // The draft in this tab's session storage, so that going back to the form does not lose it.
      var key = "verdict-draft:" + form.getAttribute("data-draft-key");
      function fields() {
        return Array.prototype.filter.call(form.elements, function (e) {
          return e.name && e.name !== "csrf" && (e.tagName === "TEXTAREA" || (e.tagName === "INPUT" && (e.type === "text" || e.type === "radio")));
        });
      }
      function snapshot() {
        var out = {};
        fields().forEach(function (e) { out[e.name + (e.type === "radio" ? "=" + e.value : "")] = e.type === "radio" ? e.checked : e.value; });
        return out;
      }
      function save() { try { sessionStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { } }
      var saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (form.hasAttribute("data-fresh") && saved) {
        var changed = false;
        fields().forEach(function (e) {
          var k = e.name + (e.type === "radio" ? "=" + e.value : "");
          if (!(k in saved)) { return; }
          if (e.type === "radio") { if (e.checked !== saved[k]) { e.checked = saved[k]; changed = true; } }
          else if (e.value !== saved[k]) { e.value = saved[k]; changed = true; }
        });
        var note = document.getElementById("draft-restored");
        if (changed && note) {
          note.hidden = false;
          document.getElementById("draft-discard").addEventListener("click", function () {
            try { sessionStorage.removeItem(key); } catch (e) { }
            location.reload();
          });
        }
      } else {
        save();
      }
      form.addEventListener("input", save);
      form.addEventListener("change", save);
    });
    """
}
