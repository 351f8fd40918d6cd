/// The console's style sheet and script, served as files so the Content-Security-Policy needs no
/// `unsafe-inline`. No fonts, no CDN: the system's fonts and nothing fetched from elsewhere.
public enum ConsoleAssets {
    /// `/static/console.css`: relative units throughout, so the pages reflow at 200% zoom; then the
    /// auditor's page and the print stylesheet (``print``).
    public static let css = screen + "\n" + print

    static let screen = """
    :root { color-scheme: light; --accent: #0b5cad; --ok: #e3f4e1; --bad: #fbe4e4; --muted: #5a5a5a; --line: #c8c8c8; }
    * { box-sizing: border-box; }
    body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; line-height: 1.5;
           margin: 0; color: #1a1a1a; background: #fff; font-size: 1rem; }
    header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; padding: 0.5rem 1rem;
             border-bottom: 0.15rem solid var(--accent); background: #f3f6fa; }
    header .brand { font-weight: 700; margin: 0; }
    nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0; }
    nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 0.2em; }
    .lang { margin-left: auto; }
    header .signed-in { margin: 0 0 0 auto; }
    header .signed-in + .lang { margin-left: 0; }
    main { padding: 1rem; max-width: 90rem; overflow-wrap: break-word; }
    p code, dd code, li code, h2, h4 { overflow-wrap: anywhere; }
    a { color: var(--accent); }
    a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, main:focus-visible {
        outline: 0.2rem solid #e08a00; outline-offset: 0.1rem; }
    .skip { position: absolute; left: -100vw; }
    .skip:focus { left: 1rem; top: 0.5rem; background: #fff; padding: 0.25rem 0.5rem; z-index: 1; }
    /* Wide tables: the box scrolls both ways and is never taller than most of the viewport, so its
       horizontal scrollbar is on screen whenever the table is; the header row and the first column
       (the rule's id) stay in view while it scrolls. */
    .scroll { overflow: auto; max-width: 100%; max-height: 80vh; overscroll-behavior-x: contain; }
    .scroll thead th { position: sticky; top: 0; z-index: 2; box-shadow: 0 0.0625rem 0 var(--line); }
    .scroll tbody td:first-child, .scroll thead th:first-child { position: sticky; left: 0; z-index: 1;
        background: #fff; box-shadow: inset -0.0625rem 0 0 var(--line); }
    .scroll thead th:first-child { z-index: 3; background: #f0f0f0; }
    .scroll tr.decides td:first-child { background: var(--ok); }
    .scroll caption { position: sticky; left: 0; }
    ul.plain { list-style: none; margin: 0; padding: 0; }
    ul.diff code { white-space: pre-wrap; }
    code.digest { overflow-wrap: anywhere; }
    nav.contents ul { display: block; }
    nav.contents ul ul { margin-top: 0.1rem; padding-left: 1.5rem; }
    table { border-collapse: collapse; margin: 0.5rem 0 1rem; min-width: 50%; }
    th, td { border: 0.0625rem solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
    th { background: #f0f0f0; }
    caption { text-align: left; font-weight: 700; padding: 0.25rem 0; }
    code, pre, .cond { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f7f7f7; padding: 0.5rem; border: 0.0625rem solid var(--line); }
    .quote { color: #333; }
    .quote::before { content: "「"; } .quote::after { content: "」"; }
    .muted, .loc { color: var(--muted); }
    tr.decides td { background: var(--ok); font-weight: 600; }
    tr.decides td:first-child::before { content: "✓ "; }
    tr.failed td:first-child::before { content: "✗ "; }
    .applied { background: var(--ok); padding: 0.1rem 0.3rem; }
    .problem { background: var(--bad); padding: 0.5rem; border-left: 0.3rem solid #b00020; }
    .warning { background: #fff4d6; padding: 0.5rem; border-left: 0.3rem solid #a15c00; }
    p.warning { margin: 0.25rem 0 0; }
    .good { background: var(--ok); padding: 0.5rem; border-left: 0.3rem solid #1b7a1b; }
    form.case { display: grid; gap: 0.75rem; max-width: 50rem; }
    .field label { display: block; font-weight: 600; }
    .field .hint { display: block; color: var(--muted); font-size: 0.9em; }
    input, select, textarea, button { font: inherit; max-width: 100%; }
    input[type="text"], input[type="password"], select { width: 30em; max-width: 100%; }
    textarea { width: 100%; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
    button { padding: 0.4rem 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 0.25rem; cursor: pointer; }
    .tag { display: inline-block; border: 0.0625rem solid var(--line); border-radius: 0.25rem; padding: 0 0.3rem; font-size: 0.85em; }
    .source { border: 0.0625rem solid var(--line); margin: 0.5rem 0; }
    .source ol { margin: 0; padding: 0.25rem 0 0.25rem 4em; font-family: ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; }
    .source li.at { background: var(--bad); }
    .caret { color: #b00020; font-weight: 700; }
    dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 1rem; }
    dl.facts dt { font-weight: 600; }
    dl.facts dd { margin: 0; overflow-wrap: anywhere; }
    section.set, section.decision { margin-bottom: 2rem; }
    figure.chart { margin: 0.5rem 0; max-width: 48rem; }
    svg.bars text { font-size: 14px; fill: var(--fg, #1a1a1a); font-family: inherit; }
    svg.bars .bar { fill: var(--accent); }
    svg.bars .bar-count { font-weight: 600; }
    """

    /// `/static/console.js`: the one thing a page cannot do without script, reading files chosen on
    /// disk into the draft form. Every page works without it.
    public static let js = """
    "use strict";
    document.addEventListener("DOMContentLoaded", function () {
      var picker = document.querySelector("input[data-draft-files]");
      if (!picker) { return; }
      var list = document.getElementById("draft-files");
      picker.addEventListener("change", function () {
        Array.prototype.forEach.call(picker.files, function (file) {
          var reader = new FileReader();
          reader.onload = function () {
            var name = file.name;
            var area = null;
            list.querySelectorAll("textarea[data-file]").forEach(function (t) {
              if (t.getAttribute("data-file") === name || t.getAttribute("data-file").split("/").pop() === name) { area = t; }
            });
            if (!area) {
              var box = document.createElement("div");
              box.className = "field";
              var label = document.createElement("label");
              var id = "file-new-" + list.children.length;
              label.setAttribute("for", id);
              label.textContent = name;
              area = document.createElement("textarea");
              area.id = id;
              area.name = "file." + name;
              area.rows = 12;
              area.setAttribute("data-file", name);
              box.appendChild(label);
              box.appendChild(area);
              list.appendChild(box);
            }
            area.value = String(reader.result);
          };
          reader.readAsText(file);
        });
      });
    });
    """

    /// The auditor's page (``AuditorPage``) and printing: every console page prints without its
    /// frame, on A4, with rows, facts and proof hashes kept whole across pages and link URLs not
    /// written out. Inline in the file `verdict audit show --format html` writes, so nothing here
    /// may fetch anything (no `url(`, no `@import`).
    static let print = """
    ol.path { margin: 0.25rem 0 0.5rem; padding-left: 2.5em; }
    ol.path code, dd code, pre.signed { overflow-wrap: anywhere; word-break: break-all; }
    pre.input { max-height: none; }
    article.auditor { margin-bottom: 3rem; }
    article.auditor > h1 { font-size: 1.6rem; margin-top: 0; }
    section.proof { margin-top: 2rem; }
    @media print {
      @page { size: A4; margin: 14mm 12mm 16mm; }
      :root { font-size: 9.5pt; }
      body { background: #fff; color: #000; line-height: 1.35; }
      header, nav, .skip, .lang, form, button, .screen-only { display: none !important; }
      main { max-width: none; padding: 0; }
      a { color: inherit; text-decoration: none; }
      .scroll { overflow: visible; max-height: none; }
      .scroll thead th, .scroll tbody td:first-child, .scroll caption { position: static; box-shadow: none; }
      table { width: 100%; min-width: 0; margin: 0.25rem 0 0.75rem; }
      thead { display: table-header-group; }
      td, th { overflow-wrap: break-word; }
      td code, td .cond { overflow-wrap: anywhere; }
      tr, li, dt, dd, pre.signed, .override, section.clock, .good, .problem, .warning, ol.path { break-inside: avoid; }
      h1, h2, h3, h4, caption, summary, dt { break-after: avoid; }
      .good, .problem, .warning, .applied, th, tr.decides td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      details > summary { list-style: none; font-weight: 600; }
      article.auditor { margin: 0; }
      article.auditor + article.auditor { break-before: page; }
    }
    """
}
