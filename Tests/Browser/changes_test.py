#!/usr/bin/env python3
"""Browser test of governed policy changes in the web console (issue 32), in headless Chromium.

Builds nothing: it copies policies/quality-complaints (with the shared calendars) into a temporary
folder, makes two users with `verdict users add` (li.wei, an editor; wang.fang, an approver), records
two decisions through the API, and starts the already-built `verdict serve` (.build/debug/verdict, or
--verdict) with --users-file, --log sqlite:… and --proposals on a free 127.0.0.1 port. Then, in the
browser: the editor signs in, raises the first approval band from 300 to 500 yuan on the draft page,
checks it and sees its impact on the recorded 450-yuan case, and proposes it with a reason; the
proposal's page shows no Approve button to its author, and a forged approval from the editor's page is
refused by role; the approver signs in, sees the diff and the check, and approves; the proposal is
activated, the API serves the candidate digest and the file on disk holds the new band. After the
server stops, `verdict audit changes` lists the steps with who did them and `verdict audit verify`
passes. Screenshots (proposal-*.png) are saved under the folder it prints. Every wait is bounded; the
server is stopped however the script ends.

    python3 Tests/Browser/changes_test.py [--verdict PATH] [--screenshots DIR]

Needs Debian's chromium and chromium-driver, and selenium from PyPI.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from console_test import ROOT, WAIT, Check, free_port, screenshot, start_server, wait_ready  # noqa: E402

EDITOR, APPROVER = "li.wei", "wang.fang"


def run(verdict, *args):
    """Runs the verdict binary; its exit status, standard output and standard error."""
    p = subprocess.run([verdict, *args], capture_output=True, text=True, timeout=120, cwd=ROOT)
    return p.returncode, p.stdout, p.stderr


def api(base, path, token, body=None):
    """A JSON request to the API with a bearer token: its status and parsed body."""
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(), headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def sign_in(driver, wait, base, token, next_path):
    """Signs in with a user's token on the console's sign-in page, starting from no cookies."""
    driver.delete_all_cookies()
    driver.get(base + "/login?lang=en&next=" + urllib.request.quote(next_path, safe=""))
    wait.until(EC.presence_of_element_located((By.ID, "token"))).send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
    wait.until(lambda d: "/login" not in d.current_url)


def set_file(driver, path, old, new):
    """Replaces `old` by `new` in the draft's text area of `path` (the text the editor would type)."""
    area = driver.find_element(By.CSS_SELECTOR, f"textarea[data-file='{path}']")
    text = area.get_attribute("value")
    if old not in text:
        raise SystemExit(f"{path} holds no `{old}`: the shipped policy changed, update this test")
    driver.execute_script("arguments[0].value = arguments[1]", area, text.replace(old, new))


def accessible(driver, check, name):
    """axe-core (axe-selenium-python) finds no serious or critical violation on the page open now."""
    from axe_selenium_python import Axe
    axe = Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    detail = "; ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})" for v in bad)
    check(not bad, f"accessibility, {name}: no serious or critical axe violation ({len(results['violations'])} in all)"
          + (": " + detail if bad else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--verdict", default=os.path.join(ROOT, ".build", "debug", "verdict"))
    ap.add_argument("--screenshots", default=None, help="folder for the screenshots (default: a new temporary folder)")
    args = ap.parse_args()
    verdict = args.verdict
    if not os.access(verdict, os.X_OK):
        raise SystemExit(f"{verdict} is not an executable: build first (swift build)")

    shots = args.screenshots or tempfile.mkdtemp(prefix="verdict-changes-screenshots-")
    os.makedirs(shots, exist_ok=True)
    print(f"screenshots: {shots}", flush=True)
    work = tempfile.mkdtemp(prefix="verdict-changes-test-")
    folder = os.path.join(work, "policies", "quality-complaints")
    shutil.copytree(os.path.join(ROOT, "policies", "quality-complaints"), folder, ignore=shutil.ignore_patterns("versions"))
    shutil.copytree(os.path.join(ROOT, "policies", "calendars"), os.path.join(work, "policies", "calendars"))
    users = os.path.join(work, "users.yaml")
    log = "sqlite:" + os.path.join(work, "log.db")
    check = Check()

    tokens = {}
    for name, role in [(EDITOR, "editor"), (APPROVER, "approver")]:
        status, out, err = run(verdict, "users", "add", name, "--role", role, "--file", users)
        check(status == 0 and len(out.strip()) >= 32, f"verdict users add {name} --role {role}: {err.strip()}")
        tokens[name] = out.strip()
    with open(users, encoding="utf-8") as f:
        check(tokens[EDITOR] not in f.read(), "the users file keeps no token, only its hash")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [verdict, "serve", "--port", str(port), "--policies", folder, "--log", log, "--users-file", users,
               "--proposals", os.path.join(work, "proposals"), "--watch-interval", "0"]
    server, stop = start_server(command, work)
    driver = None
    try:
        wait_ready(base, server)
        status, listing = api(base, "/v1/policies", tokens[APPROVER])
        before = next(p["digest"] for p in listing["policies"] if p["name"] == "quality-complaints")
        # Two recorded decisions: a 450-yuan case (the raised band changes its approver) and a 120-yuan one.
        with open(os.path.join(folder, "examples", "pig-hair.json"), encoding="utf-8") as f:
            case = json.load(f)
        for cid, cost in [("Q-2026-0450", "450.00"), ("Q-2026-0120", "120.00")]:
            status, _ = api(base, "/v1/policies/quality-complaints/decide", tokens[EDITOR], dict(case, id=cid, cost=cost))
            check(status == 200, f"the API decided {cid} ({cost} yuan), recorded in the log")

        options = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=en-US", "--window-size=1100,900"]:
            options.add_argument(a)
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        driver.set_page_load_timeout(WAIT)
        driver.set_script_timeout(WAIT)
        wait = WebDriverWait(driver, WAIT)

        # 1. The editor changes the band on the draft page and sees its impact.
        sign_in(driver, wait, base, tokens[EDITOR], "/draft?policy=quality-complaints")
        wait.until(EC.presence_of_element_located((By.ID, "draft-form")))
        check("Signed in as li.wei" in driver.find_element(By.TAG_NAME, "header").text, "the header says the editor is signed in")
        set_file(driver, "a5-approval.yaml", "when: cost <= 300", "when: cost <= 500")
        set_file(driver, "a5-approval.yaml", "when: cost in (300..1000]", "when: cost in (500..1000]")
        set_file(driver, "quality-complaints.test.yaml",
                 "expect: {success: false, settlement_authority: absent, approver: division_manager}",
                 "expect: {success: false, settlement_authority: absent, approver: branch_manager}")
        driver.find_element(By.ID, "check").click()
        wait.until(EC.presence_of_element_located((By.ID, "report")))
        report = driver.find_element(By.ID, "report").text
        check("The draft loads without errors." in report, "draft: the raised band loads")
        check("0 failed" in driver.find_element(By.ID, "tests").text, "draft: its tests pass")
        check("Q-2026-0450" in report, "draft: the impact names the recorded 450-yuan case")
        check("Q-2026-0120" not in report, "draft: the 120-yuan case does not change")
        check(driver.find_element(By.ID, "propose-form").is_displayed(), "draft: it can be proposed (Propose this change)")
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "tests"))
        screenshot(driver, shots, "proposal-1-draft-impact")

        # 2. Proposed with a reason: the proposal's page, no Approve button for its author.
        driver.find_element(By.ID, "propose-reason").send_keys("Raise the first approval band to 500 yuan (board minute 2026-14)")
        driver.find_element(By.ID, "propose-button").click()
        wait.until(lambda d: "/proposals/P" in d.current_url)
        pid = driver.current_url.rsplit("/", 1)[1]
        page = driver.find_element(By.ID, "main").text
        check(f"Proposal {pid}" in page and "open, waiting for review" in page, f"proposed: {pid} is open")
        check("li.wei" in driver.find_element(By.ID, "facts").text, "the proposal names its author")
        check("board minute 2026-14" in driver.find_element(By.ID, "reason").text, "the proposal shows its reason")
        digests = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#digests code")]
        check(len(digests) == 2 and digests[0] == before, f"base → candidate: {digests[0][:19]}… → {digests[-1][:19]}…")
        candidate = digests[-1]
        check("Recorded decisions it would decide differently: 1" in driver.find_element(By.ID, "check").text,
              "the check: 1 recorded decision would change")
        check("a5-approval.yaml: 2 lines removed, 2 added" in driver.find_element(By.ID, "files").text, "the diff of a5-approval.yaml")
        check(not driver.find_elements(By.ID, "approve"), "the author is shown no Approve button")
        screenshot(driver, shots, "proposal-2-open")
        accessible(driver, check, "a proposal as its author sees it")

        # 3. The editor cannot approve it: an approval form made in the page (as a copied page or a script
        #    would send it, with the page's own form token) is refused by role.
        driver.execute_script("""
            const f = document.createElement("form");
            f.method = "post";
            f.action = arguments[0];
            for (const [k, v] of [["csrf", document.querySelector("input[name=csrf]").value], ["comment", "my own"]]) {
                const i = document.createElement("input");
                i.type = "hidden"; i.name = k; i.value = v;
                f.appendChild(i);
            }
            document.body.appendChild(f);
            f.submit();""", f"/proposals/{pid}/approve")
        wait.until(lambda d: d.current_url.endswith("/approve"))
        refusal = driver.find_element(By.ID, "main").text
        check("This page needs the approver role; you are signed in as editor." in refusal, "the editor's approval is refused by role")
        screenshot(driver, shots, "proposal-2b-editor-refused")
        status, p = api(base, f"/v1/proposals/{pid}", tokens[EDITOR])
        check(p.get("state") == "open", "the proposal is still open")

        # 4. The approver reviews and approves: activated, served.
        sign_in(driver, wait, base, tokens[APPROVER], f"/proposals/{pid}")
        wait.until(EC.presence_of_element_located((By.ID, "approve")))
        check("Signed in as wang.fang" in driver.find_element(By.TAG_NAME, "header").text, "the header says the approver is signed in")
        driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "review"))
        screenshot(driver, shots, "proposal-3-review")
        accessible(driver, check, "a proposal with the review forms")
        driver.find_element(By.ID, "approve-comment").send_keys("Checked against the minute; one recorded case changes, as intended.")
        driver.find_element(By.ID, "approve").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "state"), "activated"))
        check("Approved by wang.fang" in driver.find_element(By.ID, "reviews").text, "the review names the approver")
        check("serving " + candidate in driver.find_element(By.ID, "outcome").text, "the outcome: serving the candidate")
        screenshot(driver, shots, "proposal-4-activated")
        status, listing = api(base, "/v1/policies", tokens[APPROVER])
        now = next(p["digest"] for p in listing["policies"] if p["name"] == "quality-complaints")
        check(now == candidate, f"GET /v1/policies serves the candidate {now[:19]}…")
        with open(os.path.join(folder, "a5-approval.yaml"), encoding="utf-8") as f:
            check("when: cost <= 500" in f.read(), "the set's file on disk holds the new band")

        # 5. The list, and the proposal in Chinese.
        driver.get(base + "/proposals?set=quality-complaints")
        wait.until(EC.presence_of_element_located((By.ID, "proposals")))
        check(pid in driver.find_element(By.ID, "proposals").text, "the list shows the proposal")
        screenshot(driver, shots, "proposal-5-list")
        accessible(driver, check, "the proposals list")
        driver.get(base + f"/proposals/{pid}?lang=zh")
        wait.until(EC.presence_of_element_located((By.ID, "state")))
        check("已启用" in driver.find_element(By.ID, "state").text, "in Chinese: 已启用")
        screenshot(driver, shots, "proposal-6-zh")
        accessible(driver, check, "a proposal, Chinese")
        driver.get(base + "/proposals?lang=en")

        # 6. Signing out ends the session on the server: the same cookie, put back, opens nothing.
        session = next(c for c in driver.get_cookies() if c["name"].startswith("verdict_session_"))
        driver.find_element(By.CSS_SELECTOR, "form[action='/logout'] button[type='submit']").click()
        wait.until(lambda d: "/login" in d.current_url)
        check(not any(c["name"].startswith("verdict_session_") for c in driver.get_cookies()), "signing out clears the session cookie")
        driver.add_cookie({"name": session["name"], "value": session["value"], "path": "/"})
        driver.get(base + "/proposals")
        wait.until(EC.presence_of_element_located((By.ID, "token")))
        check("Signed in" not in driver.find_element(By.TAG_NAME, "body").text, "the old session cookie, put back, opens nothing")
    finally:
        if driver is not None:
            driver.quit()
        stop()

    # 7. The log: every step with who did it, and the whole log verifies.
    status, out, err = run(verdict, "audit", "changes", "--log", log, "--set", "quality-complaints")
    print("\n".join("     " + line for line in out.strip().splitlines()), flush=True)
    check(status == 0 and all(s in out for s in ["proposed", "approved", "activated", EDITOR, APPROVER]),
          "verdict audit changes: proposed by li.wei, approved by wang.fang, activated")
    status, out, err = run(verdict, "audit", "verify", "--log", log)
    check(status == 0, f"verdict audit verify: {(out or err).strip().splitlines()[0] if (out or err).strip() else status}")

    if check.failures:
        print(f"{len(check.failures)} browser check(s) failed; the server's log is {os.path.join(work, 'server.log')}", flush=True)
        raise SystemExit(1)
    shutil.rmtree(work, ignore_errors=True)
    print("all browser checks passed", flush=True)


if __name__ == "__main__":
    main()
