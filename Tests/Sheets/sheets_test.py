#!/usr/bin/env python3
"""Decision tables through real spreadsheet programs (issue 33).

Exports tables with the built `verdict`, edits a band edge with openpyxl (PyPI), and separately
round-trips the workbook through LibreOffice (Debian's libreoffice-calc, headless: xlsx -> xlsx, and
xlsx -> one CSV per sheet), imports each, and checks that exactly the edited rule's bytes changed and
nothing else. A set whose YAML tests pin the edge refuses the same edit, names the cells and the test,
and writes nothing. Without LibreOffice its checks print SKIPPED with the reason; they never pass
silently. Run after `swift build`: python3 Tests/Sheets/sheets_test.py
"""
import difflib
import glob
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VERDICT = os.path.join(ROOT, ".build", "debug", "verdict")
REFUNDS = os.path.join(ROOT, "Tests", "Sheets", "refunds")
passed = failed = skipped = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok: {name}")
    else:
        failed += 1
        print(f"FAILED: {name}\n{detail}")


def run(*args):
    return subprocess.run([VERDICT, *args], capture_output=True, text=True)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def snapshot(folder):
    return {os.path.relpath(p, folder): read(p) for p in glob.glob(os.path.join(folder, "**", "*"), recursive=True) if os.path.isfile(p)}


def changed_lines(before, after):
    """The lines removed and added between two texts."""
    diff = list(difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), lineterm="", n=0))
    return [l for l in diff if l[:1] in "+-" and not l.startswith(("+++", "---"))]


def edit_edge(path, out, sheet, edits):
    """Sets the `when.1` cell of each rule id in `edits` with openpyxl; returns the cells' names."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "id")
    col = next(c for c in range(1, ws.max_column + 1) if ws.cell(header, c).value == "when.1")
    names = []
    for r in range(header + 1, ws.max_row + 1):
        rid = ws.cell(r, 1).value
        if rid in edits:
            ws.cell(r, col).value = edits[rid]
            names.append(ws.cell(r, col).coordinate)
    wb.save(out)
    return names


def soffice():
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def main():
    global skipped
    if not os.access(VERDICT, os.X_OK):
        print(f"no built verdict at {VERDICT}: run swift build first")
        return 2
    tmp = tempfile.mkdtemp(prefix="verdict-sheets-")
    try:
        edge = {"small": "amount <= 800", "large": "amount > 800"}
        expected = ["-        when: amount <= 500", "-        when: amount > 500",
                    "+        when: amount <= 800", "+        when: amount > 800"]

        # 1. openpyxl edits one band edge (both rules that share it): exactly those two lines change.
        s1 = os.path.join(tmp, "s1", "refunds")
        shutil.copytree(REFUNDS, s1)
        before = snapshot(s1)
        xlsx = os.path.join(tmp, "refunds.xlsx")
        r = run("table", "export", "--policies", s1, "--out", xlsx)
        check("export xlsx", r.returncode == 0, r.stdout + r.stderr)
        wb = openpyxl.load_workbook(xlsx)
        check("openpyxl reads every sheet", wb.sheetnames == ["refund", "verdict"], str(wb.sheetnames))
        ws = wb["refund"]
        days = [c for row in ws.iter_rows() for c in row if c.value == 7]
        check("an integer output is a number cell", len(days) == 1 and days[0].data_type == "n", str(days))
        edited = os.path.join(tmp, "edited.xlsx")
        cells = edit_edge(xlsx, edited, "refund", edge)
        r = run("table", "import", edited, "--into", s1)
        check("import of the openpyxl edit", r.returncode == 0 and "refund!" + cells[0] in r.stdout, r.stdout + r.stderr)
        after = snapshot(s1)
        others = [p for p in before if p != "refunds.yaml" and before[p] != after.get(p)]
        lines = changed_lines(before["refunds.yaml"], after["refunds.yaml"])
        check("exactly the band edge changed", sorted(lines) == sorted(expected) and not others, "\n".join(lines) + str(others))
        # verdict diff names the rules whose conditions moved (exit 1: some cases decide differently).
        r = run("diff", REFUNDS, s1)
        check("verdict diff names the changed rules", r.returncode == 1 and "small" in r.stdout and "large" in r.stdout, r.stdout + r.stderr)
        print(r.stdout.strip())

        # 2. The same edit to a set whose YAML tests pin the edge is refused at its cells; nothing is written.
        q = os.path.join(tmp, "q", "policies")
        shutil.copytree(os.path.join(ROOT, "policies"), q)
        qc = os.path.join(q, "quality-complaints")
        qbefore = snapshot(qc)
        qx = os.path.join(tmp, "qc.xlsx")
        run("table", "export", "--policies", qc, "--out", qx)
        qcells = edit_edge(qx, os.path.join(tmp, "qc-edited.xlsx"), "approval",
                           {"band-up-to-300": "cost <= 350", "band-300-to-1000": "cost in (350..1000]"})
        r = run("table", "import", os.path.join(tmp, "qc-edited.xlsx"), "--into", qc)
        check("a pinned edge is refused, at its cells, naming the test", r.returncode == 1
              and f"approval!{qcells[0]}" in r.stderr and "fails with the change" in r.stderr and snapshot(qc) == qbefore,
              r.stdout + r.stderr)

        # 3. LibreOffice: xlsx -> xlsx unedited (no change), the openpyxl edit through it, and CSV per sheet.
        office = soffice()
        if not office:
            skipped += 3
            print("SKIPPED: LibreOffice round trips: no soffice on PATH (install Debian's libreoffice-calc-nogui)")
        else:
            env = dict(os.environ, HOME=tmp)
            profile = "-env:UserInstallation=file://" + os.path.join(tmp, "lo-profile")

            def convert(src, target, outdir):
                os.makedirs(outdir, exist_ok=True)
                p = subprocess.run([office, profile, "--headless", "--convert-to", target, "--outdir", outdir, src],
                                   capture_output=True, text=True, env=env, timeout=180)
                return p

            s3 = os.path.join(tmp, "s3", "refunds")
            shutil.copytree(REFUNDS, s3)
            fresh = os.path.join(tmp, "fresh.xlsx")
            run("table", "export", "--policies", s3, "--out", fresh)
            p = convert(fresh, "xlsx", os.path.join(tmp, "lo-plain"))
            lo_plain = os.path.join(tmp, "lo-plain", "fresh.xlsx")
            r = run("table", "import", lo_plain, "--into", s3)
            check("LibreOffice xlsx round trip imports with no change", r.returncode == 0 and "no change" in r.stdout
                  and snapshot(s3) == before, p.stdout + p.stderr + r.stdout + r.stderr)

            edit_edge(fresh, os.path.join(tmp, "lo-in.xlsx"), "refund", edge)
            convert(os.path.join(tmp, "lo-in.xlsx"), "xlsx", os.path.join(tmp, "lo-edited"))
            r = run("table", "import", os.path.join(tmp, "lo-edited", "lo-in.xlsx"), "--into", s3)
            lines = changed_lines(before["refunds.yaml"], read(os.path.join(s3, "refunds.yaml")))
            check("the edit saved by LibreOffice imports, exactly the band edge", r.returncode == 0
                  and sorted(lines) == sorted(expected), r.stdout + r.stderr + "\n".join(lines))

            # Every sheet to CSV (UTF-8, comma, quoted text), one file per sheet, then imported as a folder.
            s4 = os.path.join(tmp, "s4", "refunds")
            shutil.copytree(REFUNDS, s4)
            csvout = os.path.join(tmp, "lo-csv")
            p = convert(os.path.join(tmp, "lo-in.xlsx"), "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", csvout)
            folder = os.path.join(tmp, "csv-import")
            os.makedirs(folder)
            for f in glob.glob(os.path.join(csvout, "lo-in-*.csv")):
                shutil.copy(f, os.path.join(folder, os.path.basename(f)[len("lo-in-"):]))
            r = run("table", "import", folder, "--into", s4)
            lines = changed_lines(before["refunds.yaml"], read(os.path.join(s4, "refunds.yaml")))
            check("LibreOffice's CSV of every sheet imports, exactly the band edge", r.returncode == 0
                  and sorted(lines) == sorted(expected), p.stdout + p.stderr + str(os.listdir(csvout)) + r.stdout + r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
