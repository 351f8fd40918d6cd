#!/usr/bin/env python3
"""Browser test of the web console (issue 12), in headless Chromium driven by Selenium.

Builds nothing: it starts the already-built `verdict serve` (.build/debug/verdict, or --verdict) on a
free 127.0.0.1 port with the shipped policies and a throwaway decision log, then opens every page:
it fills the try-a-case form for the Henan tier-3 case and checks that `approver` is head office and
that the Henan override is shown as applied with its quote; switches to Chinese and checks a Chinese
label; searches the audit trail and opens the record; submits a draft with a misspelled field and
checks that the diagnostic names the right line; signs a checkpoint and prints the auditor's page of
the recorded decision. A screenshot of each page is saved under a folder it prints. Every wait is
bounded; the server is stopped however the script ends.

    python3 Tests/Browser/console_test.py [--verdict PATH] [--screenshots DIR]

Needs Debian's chromium and chromium-driver, and selenium from PyPI.
"""
import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WAIT = 30  # seconds: the bound on every wait for a page or an element
SETS = ["quality-complaints", "customer-complaints", "service-standards", "after-sales-template", "examples/quality-complaints-amended"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base, server, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"verdict serve exited with status {server.returncode} before it was ready")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"verdict serve was not ready within {seconds} s")


def start_server(command, work):
    """Starts `verdict serve` (`command`) in its own process group, its output in WORK/server.log; returns
    the process and a `stop()` that ends it (SIGTERM, then SIGKILL) and closes the log, also called when
    this script is interrupted."""
    server_log = open(os.path.join(work, "server.log"), "w")
    server = subprocess.Popen(command, stdout=server_log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)

    def stop(*_):
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        server_log.close()

    def on_signal(signum, _frame):
        stop()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return server, stop


class Check:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        print(("ok   " if condition else "FAIL ") + message, flush=True)
        if not condition:
            self.failures.append(message)


def screenshot(driver, folder, name):
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 2400)")
    driver.set_window_size(1100, max(700, height))
    path = os.path.join(folder, name + ".png")
    driver.save_screenshot(path)
    driver.set_window_size(1100, 900)
    print(f"     screenshot {path}", flush=True)


def reflows(driver, check, page):
    """200% zoom is a viewport half as wide: the page must reflow (wide tables scroll in their own box)."""
    driver.set_window_size(550, 900)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check(overflow <= 1, f"200% zoom, {page}: no horizontal scrolling of the page (overflow {overflow}px)")
    driver.set_window_size(1100, 900)


def wide_tables(driver, wait, base, check, shots):
    """Issue 37, item 6: a wide table's box is never taller than the viewport, so its horizontal
    scrollbar is on screen with it, and its header row and first column stay in view while it scrolls;
    at 1280x900 and at 200% zoom (a viewport half as large). Also the policies page of the set with
    versions: the contents list at the top, the changes between versions, outputs by label."""
    driver.get(base + "/?lang=en")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.contents")))
    links = driver.find_elements(By.CSS_SELECTOR, "nav.contents a[href^='#']")
    missing = [a.get_attribute("href") for a in links
               if not driver.find_elements(By.ID, a.get_attribute("href").split("#", 1)[1])]
    check(len(links) > 20 and not missing, f"policies: {len(links)} contents links, each to a section of the page ({missing[:3]})")
    top = driver.execute_script("return document.querySelector('nav.contents').getBoundingClientRect().top")
    check(top < 900, f"policies: the contents list is at the top ({top:.0f}px)")
    diff = driver.find_elements(By.ID, "changes-quality-complaints-amended-2_0_0")
    check(bool(diff) and "band-up-to-300` removed" in diff[0].text, "policies: what changes from 1.0.0 to 2.0.0")
    driver.execute_script("document.getElementById('versions-quality-complaints-amended').scrollIntoView({block: 'start'})")
    path = os.path.join(shots, "1c-policies-versions.png")
    driver.save_screenshot(path)
    print(f"     screenshot {path}", flush=True)
    driver.get(base + "/?lang=zh")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.contents")))
    body = driver.find_element(By.TAG_NAME, "body").text
    driver.execute_script("document.getElementById('quality-complaints-1_0_0-approval').scrollIntoView({block: 'start'})")
    path = os.path.join(shots, "1d-policies-approval-zh.png")
    driver.save_screenshot(path)
    print(f"     screenshot {path}", flush=True)
    check("将财务主管替换为事业部财务部负责人" in body and "审批人: 分公司经理" in body, "policies, Chinese: outputs and changes by label")
    driver.get(base + "/?lang=en")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "nav.contents")))
    for width, height, name in ((1280, 900, "1280x900"), (640, 450, "200% zoom")):
        driver.set_window_size(width, height)
        inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        # The widest table of the page: the approval rules.
        box = driver.find_element(By.CSS_SELECTOR, "section.decision[id$='-approval'] .scroll")
        driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", box)
        if name == "200% zoom":  # before the script scrolls it (headless Chromium may not repaint the sticky row after)
            path = os.path.join(shots, "1b-policies-wide-table-200.png")
            driver.save_screenshot(path)
            print(f"     screenshot {path}", flush=True)
        r = driver.execute_script("""
            const box = arguments[0], rect = box.getBoundingClientRect();
            const first = box.querySelector('tbody tr td'), head = box.querySelector('thead th');
            const before = [first.getBoundingClientRect().left, head.getBoundingClientRect().top];
            box.scrollLeft = box.scrollWidth; box.scrollTop = box.scrollHeight;
            // Scrolled down, the header row sits at the top of the box (above it, the caption scrolled away).
            const after = [first.getBoundingClientRect().left, head.getBoundingClientRect().top - box.getBoundingClientRect().top];
            const result = {height: rect.height, wide: box.scrollWidth > box.clientWidth, tall: box.scrollHeight > box.clientHeight,
                            bottom: rect.bottom, scrolled: box.scrollLeft, before: before, after: after};
            box.scrollLeft = 0; box.scrollTop = 0;
            return result;""", box)
        check(r["bottom"] <= inner[1] + 1, f"{name}: the rules table's box ends inside the viewport, its scrollbar with it "
              f"(box {r['height']:.0f}px, viewport {inner[1]}px)")
        check(not r["wide"] or (r["scrolled"] > 0 and abs(r["after"][0] - r["before"][0]) < 1),
              f"{name}: the first column stays in view while the table scrolls sideways (scrolled {r['scrolled']}px)")
        # Every table of the page: a box no taller than the viewport, and in each that scrolls sideways
        # the first column stays put.
        every = driver.execute_script("""
            const boxes = [...document.querySelectorAll('.scroll')], label = b => b.getAttribute('aria-label');
            const wide = boxes.filter(b => b.scrollWidth > b.clientWidth + 1), moved = [];
            for (const b of wide) {
                const first = b.querySelector('tbody tr td');
                if (!first) continue;
                const at = () => first.getBoundingClientRect().left - b.getBoundingClientRect().left;
                const l0 = at(); b.scrollLeft = b.scrollWidth; const l1 = at(); b.scrollLeft = 0;
                if (Math.abs(l1 - l0) > 1) moved.push(label(b));
            }
            const tall = boxes.filter(b => b.getBoundingClientRect().height > window.innerHeight + 1).map(label);
            return {boxes: boxes.length, wide: wide.length, moved: moved, tall: tall};""")
        check(not every["tall"] and not every["moved"],
              f"{name}: all {every['boxes']} tables fit the viewport's height; in the {every['wide']} that scroll sideways the first column "
              f"stays in view (taller: {every['tall'][:3]}, moved: {every['moved'][:3]})")
        check(not r["tall"] or abs(r["after"][1]) < 2, f"{name}: the header row stays at the top of the box while the table scrolls down "
              f"({r['after'][1]:.0f}px from its top)")
    driver.set_window_size(1100, 900)


def accessibility(driver, wait, base, check, case):
    """Issue 37: axe-core (axe-selenium-python, from PyPI) finds no serious or critical violation on
    any page of the console, in English and in Chinese, empty and with an answer."""
    from urllib.parse import urlencode
    from axe_selenium_python import Axe
    def form(policy, values, **extra):
        q = {"policy": policy, "decide": "1", **extra}
        q.update({"f." + k: ("true" if v is True else "false" if v is False else str(v)) for k, v in values.items()})
        return "/try?" + urlencode(q)
    decided = form("quality-complaints", case, whynot="approver=branch_manager")
    later = form("quality-complaints-amended", dict(case, cost="400.00", received_at="2027-01-02T09:00", resolved_at="2027-01-04T17:00", last_contact_at="2027-01-03T10:00"))
    pages = [
        ("policies", "/?lang=en"),
        ("policies, Chinese", "/?lang=zh"),
        ("try a case", "/try?policy=quality-complaints&lang=en"),
        ("try a case, decided", decided + "&lang=en"),
        ("try a case, decided, Chinese", decided + "&lang=zh"),
        ("try a case, 2027 under 2.0.0", later + "&lang=en"),
        ("audit search", "/audit?lang=en"),
        ("audit search, Chinese", "/audit?case=" + case["id"] + "&lang=zh"),
        ("audit record", "/audit/1?lang=en"),
        ("check a draft", "/draft?policy=quality-complaints&lang=en"),
        ("no such record", "/audit/999999?lang=en"),
    ]
    for name, path in pages:
        driver.get(base + path)
        wait.until(EC.presence_of_element_located((By.TAG_NAME, "main")))
        if path == later + "&lang=en":
            row = driver.find_element(By.CSS_SELECTOR, "tr.decides[data-rule='band-up-to-500']").text
            check("cost <= 500" in row and "Illustrative amendment" in row,
                  f"try a case: a 2027 case decided by 2.0.0 shows its rule's condition and source ({row[:80]!r})")
        axe = Axe(driver)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        detail = "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})" for v in bad)
        check(not bad, f"accessibility, {name}: no serious or critical axe violation ({len(results['violations'])} in all)"
              + (": " + detail if bad else ""))


def drafts_with_versions(driver, wait, base, check, shots):
    """Issue 37, items 2 and 3: a draft names the version it edits and warns about a later one (the
    example set with versions); the 300 -> 500 first-band draft of quality-complaints, made as a new
    version dated 2027-01-01, checks clean with its tests and can be downloaded; a diagnostic's link
    lands on its line; the draft survives the language switch and the back button."""
    def fresh_draft(policy):
        """The draft page of `policy` with the set's files as served: a draft this tab kept from an
        earlier step is restored with a notice, and discarded here."""
        driver.get(base + "/draft?policy=" + policy + "&lang=en")
        area = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file]")))
        notice = driver.find_elements(By.ID, "draft-restored")
        if notice and notice[0].is_displayed():
            driver.find_element(By.ID, "draft-discard").click()
            wait.until(EC.staleness_of(area))
            wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file]")))

    # The example set: a draft of 1.0.0 says 2.0.0 takes over from 2027-01-01 and what it changes.
    fresh_draft("quality-complaints-amended")
    version = driver.find_element(By.ID, "version").text
    check("This draft edits version 1.0.0 of quality-complaints-amended" in version and "until 2026-12-31" in version,
          "draft with versions: names the version it edits and its dates")
    later = driver.find_element(By.ID, "later-2.0.0").text
    check("A later version exists: 2.0.0" in later and ("scheduled from 2027-01-01" in later or "in force since 2027-01-01" in later),
          "draft with versions: warns about the later version 2.0.0")
    check("band-up-to-500" in later and "cost <= 500" in later, "draft with versions: says what 2.0.0 already changes (rule band-up-to-500)")
    screenshot(driver, shots, "4b-draft-later-version")

    # A misspelt field: the diagnostic's link selects its line in the text area and marks it in the listing.
    fresh_draft("quality-complaints")
    area = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")))
    driver.execute_script("arguments[0].value = arguments[0].value.replace('when: cost <= 300', 'when: cots <= 300');"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", area)
    driver.find_element(By.ID, "check").click()
    link = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "li.diagnostic a.at")))
    target = link.get_attribute("href").split("#")[1]
    driver.execute_script("window.scrollTo(0, 0)")
    link.click()
    area = driver.find_element(By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")
    selected = driver.execute_script("var a = arguments[0]; return a.value.substring(a.selectionStart, a.selectionEnd)", area)
    line_start = driver.execute_script("var a = arguments[0]; return a.value.substring(0, a.selectionStart).split('\\n').length", area)
    check(driver.switch_to.active_element == area and "cots <= 300" in selected and line_start == 21,
          f"draft: the diagnostic's link lands on line 21 of the text area ({selected.strip()!r}, line {line_start})")
    marked = driver.find_element(By.ID, target)
    check("marked" in marked.get_attribute("class") and "cots" in marked.text and driver.current_url.endswith("#" + target),
          f"draft: and marks line 21 in the numbered listing (#{target})")
    screenshot(driver, shots, "4c-draft-diagnostic-link")

    # The 300 -> 500 first band as a new version 2.0.0 of quality-complaints, from 2027-01-01, its test updated.
    fresh_draft("quality-complaints")
    area = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")))
    driver.execute_script("arguments[0].value = arguments[0].value.replace('when: cost <= 300', 'when: cost <= 500')"
                          ".replace('when: cost in (300..1000]', 'when: cost in (500..1000]');"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", area)
    tests = driver.find_element(By.CSS_SELECTOR, "textarea[data-file='quality-complaints.test.yaml']")
    driver.execute_script("arguments[0].value = arguments[0].value.replace("
                          "'expect: {success: false, settlement_authority: absent, approver: division_manager}',"
                          "'expect: {success: false, settlement_authority: absent, approver: branch_manager}');"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", tests)
    driver.find_element(By.ID, "as-new").click()
    driver.find_element(By.ID, "new-version").send_keys("2.0.0")
    driver.find_element(By.ID, "new-effective").send_keys("2027-01-01")
    # The language switch posts the draft: the Chinese page still holds the edit.
    driver.find_element(By.CSS_SELECTOR, "button.lang").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "html[lang='zh-Hans']")))
    kept = driver.find_element(By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']").get_attribute("value")
    check("when: cost <= 500" in kept and driver.find_element(By.ID, "new-effective").get_attribute("value") == "2027-01-01",
          "draft: switching to Chinese keeps the draft (the edit and the new version's date)")
    driver.find_element(By.ID, "check").click()
    wait.until(EC.presence_of_element_located((By.ID, "report")))
    body = driver.find_element(By.ID, "report").text
    check("草稿加载无错误" in body, "draft, Chinese: the new version 2.0.0 from 2027-01-01 loads")
    check("2027-01-01" in driver.find_element(By.ID, "new-version-note").text, "draft, Chinese: it is named a new version from 2027-01-01")
    passed = driver.find_element(By.ID, "tests").text
    check(" 0 失败" in passed or "0 失败" in passed, f"draft, Chinese: its tests pass ({passed!r})")
    screenshot(driver, shots, "4d-draft-new-version-zh")
    driver.find_element(By.CSS_SELECTOR, "button.lang").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "html[lang='en']")))
    wait.until(EC.presence_of_element_located((By.ID, "report")))
    report = driver.find_element(By.ID, "report").text
    check("The draft loads without errors." in report and "The draft is a new version 2.0.0, effective from 2027-01-01" in report,
          "draft: the new version 2.0.0 from 2027-01-01 checks clean (after switching back to English, checked again)")
    passed = driver.find_element(By.ID, "tests").text
    check(passed.startswith("28 passed, 0 failed — the tests of version 2.0.0"), f"draft: with its tests ({passed!r})")
    diff = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "table.diff"))
    check("when: cost <= 300" in diff and "when: cost <= 500" in diff and "effective: 2027-01-01" in diff,
          "draft: the diff shows the band and the new version's date")
    check("putting these files in the served folder" in driver.find_element(By.ID, "next").text, "draft: the next step says how it goes live")
    screenshot(driver, shots, "4e-draft-new-version")
    # The download button posts the same form and answers one archive of the files to hand on.
    downloads = tempfile.mkdtemp(prefix="verdict-draft-download-")
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    driver.find_element(By.ID, "download").click()
    deadline = time.time() + WAIT
    while time.time() < deadline and not [n for n in os.listdir(downloads) if n.endswith(".tar")]:
        time.sleep(0.2)
    archives = [n for n in os.listdir(downloads) if n.endswith(".tar")]
    names = []
    if archives:
        import tarfile
        with tarfile.open(os.path.join(downloads, archives[0])) as t:
            names = t.getnames()
            about = t.extractfile("quality-complaints/DRAFT.txt").read().decode()
    check(bool(archives) and archives[0].startswith("quality-complaints-draft-")
          and "quality-complaints/versions/2.0.0/a5-approval.yaml" in names and "quality-complaints/SHA256SUMS" in names,
          f"draft: the files to hand on download as one archive ({archives[0] if archives else 'none'}, {len(names)} entries)")
    digest = driver.find_element(By.CSS_SELECTOR, "#report p.good code").text
    check(bool(archives) and f"Policy digest of the draft: {digest}" in about, "draft: the archive names the draft's digest")
    shutil.rmtree(downloads, ignore_errors=True)
    # Back to the form: pages are never cached, so it is fetched afresh, and the tab's session storage
    # brings the draft back (with a notice and a way to discard it).
    driver.get(base + "/draft?policy=quality-complaints&lang=en")
    value = lambda d: d.find_element(By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']").get_attribute("value")
    wait.until(lambda d: "when: cost <= 500" in value(d))
    check(driver.find_element(By.ID, "draft-restored").is_displayed(), "draft: coming back to the form restores the draft, and says so")
    area = driver.find_element(By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")
    driver.execute_script("arguments[0].value = arguments[0].value.replace('when: cost <= 500', 'when: cost <= 600');"
                          "arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", area)
    driver.find_element(By.CSS_SELECTOR, "nav a[href='/']").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.set")))
    driver.back()
    wait.until(lambda d: "when: cost <= 600" in value(d))
    check(True, "draft: the back button returns to the form with the last edit (cost <= 600)")
    area = driver.find_element(By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")
    driver.find_element(By.ID, "draft-discard").click()
    wait.until(EC.staleness_of(area))
    wait.until(lambda d: "when: cost <= 300" in value(d))
    with open(os.path.join(ROOT, "policies", "quality-complaints", "a5-approval.yaml"), encoding="utf-8") as f:
        check("cost <= 500" not in f.read(), "draft: nothing was written to the policy files")
    check(not os.path.exists(os.path.join(ROOT, "policies", "quality-complaints", "versions")), "draft: no version folder was made")


def printed_audit_record(driver, wait, base, check, shots, verdict, log, work, record_url):
    """Issue 28, item 5: the auditor's page of one recorded decision, printed. Before a checkpoint it
    says plainly that none covers the record; once one is signed (`verdict audit checkpoint`, beside
    the running server), the page shows the record's leaf hash, its audit path and the signed
    checkpoint. Under print media (Chromium's emulation, as Ctrl+P lays it out) the console's frame,
    the download link and every button are gone, and the page fits the width of A4; printed to PDF it
    is A4. `verdict audit show --format html` writes the same page as one file that fetches nothing."""
    driver.get(record_url)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.proof")))
    none = driver.find_elements(By.CSS_SELECTOR, "section.proof p[data-proof='none']")
    check(bool(none) and "No checkpoint covers this record yet" in none[0].text, "auditor's page: no checkpoint yet, said plainly")
    # Four more decisions of another set, so that the record's audit path has hashes; then a checkpoint.
    example = os.path.join(ROOT, "policies", "customer-complaints", "examples", "quality-before-spring-festival.json")
    with open(example, encoding="utf-8") as f:
        other = json.load(f)
    for n in range(4):
        req = urllib.request.Request(base + "/v1/policies/customer-complaints/decide", data=json.dumps(dict(other, id=f"C-2026-090{n}")).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=WAIT) as r:
            check(r.status == 200, f"auditor's page: decided C-2026-090{n} (recorded)")
    key = os.path.join(work, "operator.key")
    for command in (["audit", "keygen", "--out", key], ["audit", "checkpoint", "--log", log, "--key", key]):
        done = subprocess.run([verdict] + command, capture_output=True, text=True, timeout=WAIT)
        check(done.returncode == 0, f"verdict {' '.join(command[:2])}: {(done.stdout.strip() or done.stderr.strip()).splitlines()[-1:]}")
    done = subprocess.run([verdict, "audit", "proof", "Q-2026-0042", "--log", log], capture_output=True, text=True, timeout=WAIT)
    signed = json.loads(done.stdout) if done.returncode == 0 else {"checkpoint": {}, "records": [{"path": []}]}
    driver.get(record_url)
    proof = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.proof[data-covered='true']")))
    text = proof.text
    size, root = signed["checkpoint"].get("size"), signed["checkpoint"].get("root", "?")
    check("Leaf hash" in text and f"{size} records" in text and root in text, f"auditor's page: the leaf hash, the tree size ({size}) and root")
    path = [e.text for e in proof.find_elements(By.CSS_SELECTOR, "ol.path li")]
    check(len(path) >= 2 and path == signed["records"][0]["path"], f"auditor's page: the audit path, the {len(path)} hashes `audit proof` gives")
    check("The audit path leads from the leaf hash to the checkpoint's root hash" in text, "auditor's page: the path holds")
    check("The checkpoint it is under (signed tree head)" in text and "Signature (Ed25519, base64)" in text and "Key id" in text,
          "auditor's page: the checkpoint with its time, key id and signature")
    check(len(proof.find_elements(By.CSS_SELECTOR, "a[href^='/audit/proof']")) == 1, "auditor's page: the proof's download link")

    # Printed: the console's media emulation, at the width A4 leaves between the page's margins.
    a4 = 703  # CSS pixels: 210 mm less 2 x 12 mm
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        driver.set_window_size(a4, 1100)
        hidden = driver.execute_script("""return ['header', 'nav', 'a.lang', 'a.skip', 'section.proof a[download]', 'button']
            .flatMap(s => Array.from(document.querySelectorAll(s)))
            .filter(e => e.getClientRects().length > 0).map(e => e.outerHTML.slice(0, 60))""")
        check(hidden == [], f"printed: no navigation, language switch, link to download or button ({hidden[:2]})")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        check(overflow <= 1, f"printed: the page fits the width of A4 (overflow {overflow}px)")
        rows = driver.execute_script("return Array.from(document.querySelectorAll('tbody tr')).every(r => getComputedStyle(r).breakInside === 'avoid')")
        check(rows, "printed: no table row is split across pages")
        path = os.path.join(shots, "3c-audit-record-printed.png")
        driver.save_screenshot(path)
        print(f"     screenshot {path}", flush=True)
        driver.execute_script("document.querySelector('section.proof').scrollIntoView({block: 'start'})")
        path = os.path.join(shots, "3d-audit-record-printed-proof.png")
        driver.save_screenshot(path)
        print(f"     screenshot {path}", flush=True)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
        driver.set_window_size(1100, 900)
    pdf = base64.b64decode(driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"])
    pages = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    check(bool(pages) and all(abs(float(w) - 595.3) < 1.5 and abs(float(h) - 841.9) < 1.5 for w, h in pages),
          f"printed to PDF: {len(pages)} A4 pages ({pages[:1]})")

    # The same page as one file: nothing fetched, nothing run, the same proof.
    done = subprocess.run([verdict, "audit", "show", "Q-2026-0042", "--log", log, "--format", "html"], capture_output=True, timeout=WAIT)
    check(done.returncode == 0, "verdict audit show --format html")
    page = os.path.join(work, "q-2026-0042.html")
    with open(page, "wb") as f:
        f.write(done.stdout)
    driver.get("file://" + page)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.proof[data-covered='true']")))
    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check(fetched == [] and not driver.find_elements(By.CSS_SELECTOR, "script, link, img, a[href]"),
          f"the file: no script, link or image, nothing fetched ({fetched[:2]})")
    same = driver.find_element(By.CSS_SELECTOR, "section.proof").text
    check(same in text and len(same) > 200, "the file: the same inclusion proof and checkpoint as the console's page")
    decides = driver.find_elements(By.CSS_SELECTOR, "tr.decides[data-rule='band-above-1000']")
    check(len(decides) == 1, "the file: the explanation, the deciding rule highlighted")


def impact_chart(driver, wait, base, check, shots, verdict):
    """Issue 28, item 4: a draft's impact on recorded decisions, grouped by cause, with a bar chart.

    300 generated quality-complaints cases are recorded through the API; the draft moves the first
    band's edge from 300 to 400 yuan. The impact names the rule transition and how each output
    changes (the report due "2 days earlier"), each case links to the audit search, and the chart is
    an SVG of bars (no script) that stays readable at 200% zoom."""
    cases = subprocess.run([verdict, "generate", "--policies", os.path.join(ROOT, "policies", "quality-complaints"), "--count", "300", "--seed", "3"],
                           capture_output=True, timeout=WAIT, check=True).stdout
    req = urllib.request.Request(base + "/v1/policies/quality-complaints/decide-batch", data=cases,
                                 headers={"Content-Type": "application/x-ndjson"})
    with urllib.request.urlopen(req, timeout=WAIT) as r:
        r.read()
        check(r.status == 200, "impact: 300 generated cases recorded through the API")
    driver.get(base + "/draft?policy=quality-complaints&lang=en")
    area = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")))
    driver.execute_script("arguments[0].value = arguments[0].value.replace('when: cost <= 300', 'when: cost <= 400')"
                          ".replace('when: cost in (300..1000]', 'when: cost in (400..1000]')", area)
    driver.find_element(By.ID, "check").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.impact svg.bars")))
    text = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "section.impact"))
    check("band-300-to-1000 → band-up-to-300" in text, "impact: grouped by rule transition (band-300-to-1000 → band-up-to-300)")
    check("2 days earlier" in text, "impact: the report due grouped by its shift (2 days earlier)")
    check("− branch_manager" in text or "− Branch manager" in text.replace("branch manager", "Branch manager"), "impact: the signers by the member removed")
    bars = driver.find_elements(By.CSS_SELECTOR, "section.impact svg.bars rect.bar")
    check(len(bars) >= 4, f"impact: one bar a group ({len(bars)} bars)")
    check(not driver.find_elements(By.CSS_SELECTOR, "section.impact script"), "impact: the chart needs no script")
    links = driver.find_elements(By.CSS_SELECTOR, "section.impact a[href^='/audit?case=']")
    check(len(links) > 0, "impact: example cases link to their audit records")
    driver.find_element(By.CSS_SELECTOR, "section.impact").location_once_scrolled_into_view
    screenshot(driver, shots, "4f-draft-impact-chart")
    # 200% zoom: a viewport half as large; the chart scales with the page and its labels stay legible.
    driver.set_window_size(640, 450)
    sizes = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.bars text')).map(t => t.getBoundingClientRect().height)")
    width = driver.execute_script("const s = document.querySelector('svg.bars').getBoundingClientRect(); return s.right")
    inner = driver.execute_script("return document.documentElement.clientWidth")
    check(min(sizes) >= 10, f"impact at 200% zoom: chart text at least 10 CSS px high (smallest {min(sizes):.1f})")
    check(width <= inner + 1, f"impact at 200% zoom: the chart fits the viewport ({width:.0f} <= {inner})")
    driver.find_element(By.CSS_SELECTOR, "section.impact svg.bars").location_once_scrolled_into_view
    path = os.path.join(shots, "4g-draft-impact-chart-200.png")
    driver.save_screenshot(path)
    print(f"     screenshot {path}", flush=True)
    driver.set_window_size(1100, 900)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verdict", default=os.path.join(ROOT, ".build", "debug", "verdict"))
    ap.add_argument("--screenshots", default=None, help="folder for the screenshots (default: a new temporary folder)")
    args = ap.parse_args()
    if not os.access(args.verdict, os.X_OK):
        raise SystemExit(f"{args.verdict} is not an executable: build first (swift build)")

    shots = args.screenshots or tempfile.mkdtemp(prefix="verdict-console-screenshots-")
    os.makedirs(shots, exist_ok=True)
    print(f"screenshots: {shots}", flush=True)
    work = tempfile.mkdtemp(prefix="verdict-console-test-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [args.verdict, "serve", "--port", str(port), "--log", "sqlite:" + os.path.join(work, "log.db"), "--watch-interval", "0"]
    for s in SETS:
        command += ["--policies", os.path.join(ROOT, "policies", s)]
    server, stop = start_server(command, work)
    driver = None
    check = Check()
    try:
        wait_ready(base, server)
        case_path = os.path.join(ROOT, "policies", "quality-complaints", "examples", "henan-tier3.json")
        with open(case_path, encoding="utf-8") as f:
            case = json.load(f)
        # One recorded decision for the audit pages, through the API.
        req = urllib.request.Request(base + "/v1/policies/quality-complaints/decide", data=json.dumps(case).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=WAIT) as r:
            check(r.status == 200, "the API decided the Henan case (recorded in the log)")

        options = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US", "--window-size=1100,900"]:
            options.add_argument(a)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        wait = WebDriverWait(driver, WAIT)

        # 1. Policies.
        driver.get(base + "/?lang=en")
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "section.set")))
        body = driver.find_element(By.TAG_NAME, "body").text
        check("Report signing and approval" in body, "policies page: the approval decision's label")
        check("band-above-1000" in body and "cost > 1000" in body, "policies page: a rule with its condition")
        check("a5-approval.yaml:" in body, "policies page: file:line of rules")
        screenshot(driver, shots, "1-policies")
        # Keyboard: the first Tab reaches the skip link, which moves to the content.
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        active = driver.switch_to.active_element
        check(active.get_attribute("class") == "skip", "keyboard: the first Tab reaches the skip link")
        reflows(driver, check, "policies")

        # 2. Try a case: the form generated from the fields, filled for the Henan tier-3 case.
        driver.get(base + "/try?policy=quality-complaints")
        wait.until(EC.presence_of_element_located((By.ID, "case-form")))
        for name, value in case.items():
            element = driver.find_element(By.ID, "f-" + name)
            text = "true" if value is True else "false" if value is False else str(value)
            if element.tag_name == "select":
                Select(element).select_by_value(text)
            else:
                element.clear()
                element.send_keys(text)
        label = driver.find_element(By.CSS_SELECTOR, "label[for='f-cost']")
        check(label.text != "", "try a case: the cost field has a real label")
        driver.find_element(By.ID, "whynot-q").send_keys("approver=branch_manager")
        driver.find_element(By.ID, "decide").click()
        wait.until(EC.presence_of_element_located((By.ID, "result")))
        whynot = driver.find_element(By.ID, "whynot").text
        check("branch_manager" in whynot and "[cost]" in whynot, "try a case: the why-not box answers with the cost to change")
        approver = driver.find_element(By.CSS_SELECTOR, "tr[data-output='approver'] td.value").text
        check(approver.startswith("head_office"), f"try a case: approver is head office ({approver!r})")
        henan = driver.find_element(By.CSS_SELECTOR, "[data-override='henan-finance']")
        check(henan.get_attribute("data-applied") == "true" and "applied" in henan.text.lower(), "try a case: the Henan override is shown as applied")
        check("河南区域除郑州分公司外财务主管一栏由事业部财务部负责人签字" in henan.text, "try a case: the Henan override's quote")
        decides = driver.find_elements(By.CSS_SELECTOR, "tr.decides[data-rule='band-above-1000']")
        check(len(decides) == 1, "try a case: the deciding rule is highlighted")
        screenshot(driver, shots, "2-try-a-case")
        reflows(driver, check, "try a case")

        # Switch to Chinese (the link keeps the case): the outputs are labelled from the policy.
        driver.find_element(By.CSS_SELECTOR, "a.lang").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "html[lang='zh-Hans']")))
        row = driver.find_element(By.CSS_SELECTOR, "tr[data-output='approver']").text
        check("审批人" in row, f"Chinese: the approver output's label 审批人 ({row!r})")
        check("政策" in driver.find_element(By.TAG_NAME, "nav").text, "Chinese: the navigation")
        screenshot(driver, shots, "2b-try-a-case-zh")
        # Place names as a Chinese officer types them: 河南 / 洛阳 is Henan (a known value by its Chinese
        # name), so the business unit's finance head signs and nothing is warned about; Hubei is a
        # region the rules do not know, which the page says before the decision.
        def try_region(region, branch):
            for field, value in (("f-region", region), ("f-branch", branch)):
                element = driver.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)
            driver.find_element(By.ID, "decide").click()
            wait.until(EC.presence_of_element_located((By.ID, "result")))
            return driver.find_element(By.CSS_SELECTOR, "tr[data-output='signers'] td.value").text
        check(driver.find_element(By.ID, "f-region").get_attribute("list") == "f-region-known",
              "known values: the region field offers its known values")
        signers = try_region("河南", "洛阳")
        check("bu_finance_head" in signers, f"known values: 河南 / 洛阳 signs with bu_finance_head ({signers!r})")
        check(not driver.find_elements(By.ID, "f-region-warning"), "known values: no warning for 河南")
        # 洛阳 is a branch the rules do not name: noted as not Zhengzhou (the Zhengzhou exception does
        # not apply), which is why the finance head signs.
        branch = driver.find_elements(By.ID, "f-branch-warning")
        check(bool(branch) and "郑州" in branch[0].text, "known values: 洛阳 is noted as not one of the known branches (郑州)")
        screenshot(driver, shots, "2c-try-a-case-zh-henan")
        signers = try_region("Hubei", "武汉")
        warning = driver.find_elements(By.CSS_SELECTOR, "#not-known[role='alert']")
        check(bool(warning) and "「Hubei」不是规则已知的区域取值" in warning[0].text, "known values: Hubei is warned about at the top")
        check("Hubei" in driver.find_element(By.ID, "f-region-warning").text, "known values: and next to the field")
        check("finance_supervisor" in signers, f"known values: Hubei is still decided, with the general signers ({signers!r})")
        screenshot(driver, shots, "2d-try-a-case-zh-unknown-region")
        driver.find_element(By.CSS_SELECTOR, "a.lang").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "html[lang='en']")))

        # 3. Audit: search by case id, open the record.
        driver.get(base + "/audit")
        wait.until(EC.presence_of_element_located((By.ID, "q-case")))
        driver.find_element(By.ID, "q-case").send_keys(case["id"])
        driver.find_element(By.CSS_SELECTOR, "form.case button[type='submit']").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "a[href^='/audit/']")))
        screenshot(driver, shots, "3-audit-search")
        driver.find_element(By.CSS_SELECTOR, "td a[href^='/audit/']").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.good")))
        body = driver.find_element(By.TAG_NAME, "body").text
        check("reproduced the recorded outputs exactly" in body, "audit record: re-deciding reproduced it")
        check("the whole log verifies" in body, "audit record: verification status")
        check(bool(driver.find_elements(By.CSS_SELECTOR, "section.proof")), "audit record: the inclusion proof section")
        screenshot(driver, shots, "3b-audit-record")
        reflows(driver, check, "audit record")
        record_url = driver.current_url

        # 4. Check a draft with a misspelled field.
        driver.get(base + "/draft?policy=quality-complaints")
        area = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "textarea[data-file='a5-approval.yaml']")))
        original = area.get_attribute("value")
        lines = original.split("\n")
        line = next(i + 1 for i, l in enumerate(lines) if "when: cost <= 300" in l)
        column = lines[line - 1].index("cost") + 1
        driver.execute_script("arguments[0].value = arguments[0].value.replace('when: cost <= 300', 'when: cots <= 300')", area)
        driver.find_element(By.ID, "check").click()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "li.diagnostic")))
        diagnostic = driver.find_element(By.CSS_SELECTOR, "li.diagnostic").text
        check(f"a5-approval.yaml:{line}:{column}" in diagnostic and "cots" in diagnostic,
              f"draft: the diagnostic names a5-approval.yaml:{line}:{column} ({diagnostic.splitlines()[0]!r})")
        marked = driver.find_element(By.CSS_SELECTOR, ".source li.at").text
        check("cots" in marked and "^" in marked, "draft: the line at fault is shown with a caret")
        screenshot(driver, shots, "4-check-a-draft")
        reflows(driver, check, "draft")
        with open(os.path.join(ROOT, "policies", "quality-complaints", "a5-approval.yaml"), encoding="utf-8") as f:
            check("cots" not in f.read(), "draft: nothing was written to the policy files")

        drafts_with_versions(driver, wait, base, check, shots)
        wide_tables(driver, wait, base, check, shots)
        accessibility(driver, wait, base, check, case)
        impact_chart(driver, wait, base, check, shots, args.verdict)
        # Last: it records decisions of another set and signs a checkpoint, which no check before expects.
        printed_audit_record(driver, wait, base, check, shots, args.verdict, "sqlite:" + os.path.join(work, "log.db"), work, record_url)
    except Exception as e:  # a wait that timed out, an element missing: a failure, with what the page showed
        check(False, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")
        if driver is not None:
            print("     page: " + driver.current_url + "\n" + driver.find_element(By.TAG_NAME, "body").text[:2000], flush=True)
            screenshot(driver, shots, "failure")
    finally:
        if driver is not None:
            driver.quit()
        stop()
    if check.failures:
        print(f"{len(check.failures)} check(s) failed; server log: {os.path.join(work, 'server.log')}", flush=True)
        sys.exit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("all browser checks passed", flush=True)


if __name__ == "__main__":
    main()
