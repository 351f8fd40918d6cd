#!/usr/bin/env python3
"""The HTTP API as a generated client sees it (issue 34).

Validates docs/openapi.yaml with openapi-spec-validator, generates a Python client from it with
openapi-python-client, and with that client only (no hand-written HTTP) calls the built
`verdict serve` (.build/debug/verdict, or --verdict), started on a free 127.0.0.1 port with an API
token file and an admin token file: lists the sets, decides a case, decides with an explanation and a
why-not question with spaces, reads the case schema, sends a case the policy refuses (422 with its
problems) and one for an unknown set (404), reloads with the admin token, the API token (403) and
none (401), and decides a batch as the document says a generated client does (a JSON array).

Then it drives a governed change (issue 32) as a company's ticketing system would, again with the
generated client only: a second `verdict serve` with a users file (made by `verdict users add`), a
decision log and a proposals folder, over a temporary copy of quality-complaints (with calendars beside
it). An editor proposes the tier-1 band change (100..300] → (100..500], its test moved along; the
editor's approval is 403; an approver approves; the set serves the candidate digest and the proposal
is listed as activated. A second change is rejected (a comment required), a third brought up to date
and withdrawn by its author. `verdict audit changes` lists every step and `verdict audit verify`
passes on the log. Every wait is bounded; each server is stopped however the script ends.

    python3 Tests/Clients/python_client_test.py [--verdict PATH] [--keep DIR]

Needs openapi-python-client and openapi-spec-validator from PyPI (and their httpx and attrs).
"""
import argparse
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENT = os.path.join(ROOT, "docs", "openapi.yaml")
QC = os.path.join(ROOT, "policies", "quality-complaints")
CALENDARS = os.path.join(ROOT, "policies", "calendars")
CC = os.path.join(ROOT, "policies", "customer-complaints")
API_TOKEN = "client-test-api-token-0123456789"
ADMIN_TOKEN = "client-test-admin-token-0123456789"
# The media types generators do not handle: the batch's JSON Lines form (its JSON array form is generated).
EXPECTED_WARNINGS = {"Unsupported content type application/x-ndjson", "Unsupported content type application/jsonl"}


class Check:
    def __init__(self):
        self.failures = []

    def __call__(self, condition, message):
        print(("ok   " if condition else "FAIL ") + message, flush=True)
        if not condition:
            self.failures.append(message)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def validate_document(check):
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename
    spec, _ = read_from_filename(DOCUMENT)
    try:
        validate(spec)
        check(True, "openapi-spec-validator accepts docs/openapi.yaml")
    except Exception as e:  # the validator's own error, shown as it is
        check(False, f"openapi-spec-validator refuses docs/openapi.yaml: {e}")
    return spec


def generate(folder, check, spec):
    """Generates the client into folder/verdict_client (`--meta none`: the package alone)."""
    out = os.path.join(folder, "verdict_client")
    started = time.monotonic()
    r = subprocess.run(["openapi-python-client", "generate", "--path", DOCUMENT, "--output-path", out,
                        "--meta", "none", "--overwrite"], capture_output=True, text=True, timeout=180)
    print(r.stdout + r.stderr, flush=True)
    check(r.returncode == 0, f"openapi-python-client generates a client ({time.monotonic() - started:.1f} s)")
    warnings = {line.strip() for line in (r.stdout + r.stderr).splitlines() if line.startswith("Unsupported")}
    check(warnings <= EXPECTED_WARNINGS, f"no warning but the JSON Lines media types: {sorted(warnings - EXPECTED_WARNINGS)}")
    check("Endpoint will not be generated" not in r.stdout + r.stderr, "every operation is generated")
    parsing = [line for line in (r.stdout + r.stderr).splitlines() if line.startswith("WARNING")]
    check(all("decide-batch" in line for line in parsing), f"the only operation warned about is decide-batch: {parsing}")
    sys.path.insert(0, folder)
    operations = [op["operationId"] for item in spec["paths"].values() for m, op in item.items() if m != "parameters"]
    modules = {}
    for op in operations:
        snake = "".join("_" + c.lower() if c.isupper() else c for c in op)
        try:
            modules[op] = importlib.import_module(f"verdict_client.api.default.{snake}")
        except ImportError as e:
            check(False, f"operation {op} has no module: {e}")
    check(len(modules) == len(operations), f"the client has all {len(operations)} operations")
    return modules


def start_server(verdict, folder):
    tokens = os.path.join(folder, "tokens")
    admin = os.path.join(folder, "admin-tokens")
    with open(tokens, "w") as f:
        f.write(API_TOKEN + "\n")
    with open(admin, "w") as f:
        f.write(ADMIN_TOKEN + "\n")
    os.chmod(tokens, 0o600)
    os.chmod(admin, 0o600)
    port = free_port()
    log = open(os.path.join(folder, "serve.log"), "w")
    server = subprocess.Popen([verdict, "serve", "--policies", QC, "--policies", CC, "--host", "127.0.0.1",
                               "--port", str(port), "--token-file", tokens, "--admin-token-file", admin,
                               "--watch-interval", "0"], stdout=log, stderr=subprocess.STDOUT)
    return server, f"http://127.0.0.1:{port}"


def wait_ready(api, client, server, seconds=120):
    """Waits for GET /readyz, through the generated client."""
    import httpx
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"verdict serve exited with status {server.returncode} before it was ready")
        try:
            if api["ready"].sync_detailed(client=client).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"verdict serve was not ready within {seconds} s")


def run(api, base, check):
    from verdict_client import AuthenticatedClient, Client
    from verdict_client.models import (Case, CaseProblemDetails, CaseSchema, Decision, BatchError, PolicyList,
                                       Problem, ReloadResults)
    from verdict_client.models.decide_explain import DecideExplain
    from verdict_client.models.decide_lang import DecideLang

    user = AuthenticatedClient(base_url=base, token=API_TOKEN, raise_on_unexpected_status=True, timeout=30)
    admin = AuthenticatedClient(base_url=base, token=ADMIN_TOKEN, raise_on_unexpected_status=True, timeout=30)
    nobody = Client(base_url=base, raise_on_unexpected_status=True, timeout=30)
    wait_ready(api, nobody, SERVER)
    with open(os.path.join(QC, "examples", "henan-tier3.json")) as f:
        henan = json.load(f)

    # The sets.
    listed = api["listPolicies"].sync(client=user)
    check(isinstance(listed, PolicyList) and [p.name for p in listed.policies] == ["quality-complaints", "customer-complaints"],
          "listPolicies gives both sets")
    qc = listed.policies[0]
    check(qc.loaded and qc.digest.startswith("sha256:") and qc.last_reload.outcome.value == "activated",
          f"quality-complaints is loaded ({qc.version}, {qc.digest[:19]}…), its last reload activated")
    one = api["getPolicy"].sync("quality-complaints", client=user)
    check(one is not None and one.digest == qc.digest, "getPolicy gives the same set")

    # A decision.
    r = api["decide"].sync_detailed("quality-complaints", client=user, body=Case.from_dict(henan))
    d = r.parsed
    check(r.status_code == 200 and isinstance(d, Decision), f"decide answers 200 with a Decision ({r.status_code})")
    check(d.outputs.to_dict().get("approver") == "head_office", f"approver is head_office: {d.outputs.to_dict()}")
    check(d.policy.digest == r.headers.get("Verdict-Policy-Digest"), "the body and the header name the same digest")

    # With an explanation and a why-not question with spaces (httpx writes them as `+`).
    d = api["decide"].sync("quality-complaints", client=user, body=Case.from_dict(henan), explain=DecideExplain.TRUE,
                           lang=DecideLang.EN, why_not=["approver = branch_manager", "signers contains finance_supervisor"])
    check(isinstance(d, Decision) and d.explanation is not None and "head_office" in (d.explanation_text or ""),
          "decide with explain=true and lang=en gives the explanation and its text")
    answers = d.why_not if isinstance(d, Decision) else []
    check([a.question for a in answers] == ["approver=branch_manager", "signers contains finance_supervisor"]
          and [a.outcome.value for a in answers] == ["changes", "changes"],
          f"the why-not questions with spaces are answered: {[(a.question, a.outcome.value) for a in answers]}")
    check("[cost]" in (d.why_not_text or ""), "and their text names the cost")

    # The case schema: a free-form JSON Schema document.
    schema = api["getCaseSchema"].sync("quality-complaints", client=user)
    s = schema.to_dict() if isinstance(schema, CaseSchema) else {}
    check(s.get("$schema") == "https://json-schema.org/draft/2020-12/schema" and "region" in s.get("properties", {})
          and "cost" in s.get("required", []), f"getCaseSchema gives the JSON Schema with its fields ({len(s.get('properties', {}))})")

    # A case the policy refuses: 422 with every problem.
    r = api["decide"].sync_detailed("quality-complaints", client=user, body=Case.from_dict({"id": "Q-1", "problem": "fyl"}))
    p = r.parsed
    check(r.status_code == 422 and isinstance(p, CaseProblemDetails) and p.type_ == "urn:verdict:problem:invalid-case",
          f"a refused case is 422 invalid-case ({r.status_code}, {type(p).__name__})")
    problems = p.problems if isinstance(p, CaseProblemDetails) else []
    check(any(q.field == "problem" and q.code == "invalid-value" for q in problems) and any(q.code == "missing-field" for q in problems),
          f"its problems name the misspelt value and the missing fields ({len(problems)})")

    # An unknown set: 404.
    r = api["decide"].sync_detailed("nope", client=user, body=Case.from_dict(henan))
    check(r.status_code == 404 and isinstance(r.parsed, Problem) and r.parsed.type_ == "urn:verdict:problem:unknown-policy",
          f"an unknown set is 404 unknown-policy ({r.status_code})")
    # A bad question: 400, naming the parameter.
    r = api["decide"].sync_detailed("quality-complaints", client=user, body=Case.from_dict(henan), why_not=["aprover = branch_manager"])
    check(r.status_code == 400 and isinstance(r.parsed, Problem) and r.parsed.parameter == "why_not"
          and "did you mean `approver`" in (r.parsed.detail or ""), f"a misspelt output is 400 invalid-parameter ({r.status_code})")

    # Reload: the admin token reloads; the API token may not (403); no token is 401.
    r = api["reload"].sync_detailed(client=admin)
    check(r.status_code == 200 and isinstance(r.parsed, ReloadResults)
          and sorted(x.outcome.value for x in r.parsed.results) == ["unchanged", "unchanged"], f"reload with the admin token: 200 ({r.status_code})")
    r = api["reload"].sync_detailed(client=admin, policy=["quality-complaints"])
    check(r.status_code == 200 and [x.name for x in r.parsed.results] == ["quality-complaints"], "reload of one set by name")
    r = api["reload"].sync_detailed(client=user)
    check(r.status_code == 403 and isinstance(r.parsed, Problem) and r.parsed.type_ == "urn:verdict:problem:insufficient-scope",
          f"reload with the API token: 403 insufficient-scope ({r.status_code})")
    r = api["reload"].sync_detailed(client=nobody)
    check(r.status_code == 401 and isinstance(r.parsed, Problem), f"reload without a token: 401 ({r.status_code})")
    r = api["listPolicies"].sync_detailed(client=nobody)
    check(r.status_code == 401, f"the API without a token: 401 ({r.status_code})")

    # The batch, as the document says a generated client calls it: a JSON array.
    cases = [Case.from_dict(henan), Case.from_dict({"id": "Q-2"}), Case.from_dict(dict(henan, id="Q-3", region="Shaanxi"))]
    r = api["decideBatch"].sync_detailed("quality-complaints", client=user, body=cases)
    lines = r.parsed if isinstance(r.parsed, list) else []
    check(r.status_code == 200 and [type(x).__name__ for x in lines] == ["Decision", "BatchError", "Decision"],
          f"decideBatch answers each case in order: {[type(x).__name__ for x in lines]}")
    if len(lines) == 3:
        check(lines[0].outputs.to_dict().get("approver") == "head_office" and lines[2].case == "Q-3"
              and lines[1].line == 2 and any(q.code == "missing-field" for q in lines[1].error.problems),
              "the batch's decisions and its error (line 2, missing fields)")
    r = api["decideBatch"].sync_detailed("quality-complaints", client=user, body=[])
    check(r.status_code == 400 and isinstance(r.parsed, Problem) and r.parsed.type_ == "urn:verdict:problem:empty-batch",
          f"an empty batch is 400 empty-batch ({r.status_code})")
    health = api["health"].sync(client=nobody)
    check(health is not None and health.status.value == "alive", "health")
    r = api["metrics"].sync_detailed(client=nobody)
    check(r.status_code == 200 and b"verdict_decisions" in r.content, "metrics")


def stop(server):
    """Stops a server started here: SIGTERM, then SIGKILL if it has not exited within 20 s."""
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


def add_user(verdict, users, name, role):
    """`verdict users add`: the token it prints once on standard output."""
    r = subprocess.run([verdict, "users", "add", name, "--role", role, "--file", users], capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or not r.stdout.strip():
        raise SystemExit(f"verdict users add {name} failed ({r.returncode}): {r.stderr}")
    return r.stdout.strip()


def band_change(policies):
    """The tier-1 band (100..300] → (100..500] of quality-complaints, with the test that names 300.01 moved to 500.01."""
    from verdict_client.models import SubmittedFile
    qc = os.path.join(policies, "quality-complaints")
    with open(os.path.join(qc, "a2-handling.yaml")) as f:
        rules = f.read()
    with open(os.path.join(qc, "quality-complaints.test.yaml")) as f:
        tests = f.read()
    new_rules = rules.replace("cost in (100..300]", "cost in (100..500]").replace("cost > 300", "cost > 500")
    old_test = 'above 300 yuan a tier-1 case has no settlement authority of its own\n    case: {cost: "300.01"}'
    new_tests = tests.replace(old_test, 'above 500 yuan a tier-1 case has no settlement authority of its own\n    case: {cost: "500.01"}')
    if new_rules == rules or new_tests == tests:
        raise SystemExit("the band change no longer applies to policies/quality-complaints: update band_change()")
    return [SubmittedFile(path="a2-handling.yaml", text=new_rules), SubmittedFile(path="quality-complaints.test.yaml", text=new_tests)]


def review(api, verdict, folder, check):
    """A governed change driven through the generated client, as a ticketing system would."""
    from verdict_client import AuthenticatedClient, Client
    from verdict_client.models import (ChangeProblem, Problem, Proposal, ProposalList, ProposalRequest, ProposalUpdate, ReviewRequest,
                                       SubmittedFile)
    from verdict_client.models.list_proposals_state import ListProposalsState

    shutil.rmtree(os.path.join(folder, "review"), ignore_errors=True)
    policies = os.path.join(folder, "review", "policies")
    shutil.copytree(QC, os.path.join(policies, "quality-complaints"))
    shutil.copytree(CALENDARS, os.path.join(policies, "calendars"))
    users = os.path.join(folder, "review", "users.yaml")
    editor_token = add_user(verdict, users, "li.wei", "editor")
    approver_token = add_user(verdict, users, "wang.fang", "approver")
    viewer_token = add_user(verdict, users, "chen.jie", "viewer")
    log = "sqlite:" + os.path.join(folder, "review", "decisions.db")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(os.path.join(folder, "review", "serve.log"), "w") as out:
        server = subprocess.Popen([verdict, "serve", "--policies", os.path.join(policies, "quality-complaints"), "--host", "127.0.0.1",
                                   "--port", str(port), "--users-file", users, "--log", log,
                                   "--proposals", os.path.join(folder, "review", "proposals"), "--watch-interval", "0"],
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        editor = AuthenticatedClient(base_url=base, token=editor_token, timeout=60)
        approver = AuthenticatedClient(base_url=base, token=approver_token, timeout=60)
        viewer = AuthenticatedClient(base_url=base, token=viewer_token, timeout=60)
        stranger = AuthenticatedClient(base_url=base, token="not-a-user-token-0123456789", timeout=30)
        wait_ready(api, Client(base_url=base, timeout=30), server)
        before = api["getPolicy"].sync("quality-complaints", client=viewer).digest

        r = api["listProposals"].sync_detailed(client=stranger)
        check(r.status_code == 401 and isinstance(r.parsed, Problem), f"listProposals with a token of no user: 401 ({r.status_code})")

        # The editor proposes; nothing serves from it yet.
        request = ProposalRequest(set_="quality-complaints", reason="raise the branch manager's band to 500 yuan (ticket QC-1042)",
                                  files=band_change(policies))
        r = api["createProposal"].sync_detailed(client=editor, body=request)
        p = r.parsed
        check(r.status_code == 201 and isinstance(p, Proposal) and p.state.value == "open" and p.author == "li.wei"
              and p.base_digest == before, f"the editor proposes: 201, open, by li.wei, against the serving digest ({r.status_code})")
        if not isinstance(p, Proposal):
            print(r.content.decode(errors="replace")[:600])
            return
        check(r.headers.get("Location") == f"/v1/proposals/{p.id}", f"Location names it: {r.headers.get('Location')}")
        check(p.check.tests_passed > 0 and p.check.tests_failed == 0, f"its check: {p.check.tests_passed} tests pass, none fails")
        check(any("+        when: tier == 1 and cost in (100..500]" in (f.diff or "") for f in p.files), "its diff shows the new band")
        check(api["getPolicy"].sync("quality-complaints", client=viewer).digest == before, "nothing serves from a proposal")

        # The editor cannot approve it; a viewer sees it in the open list.
        r = api["approveProposal"].sync_detailed(p.id, client=editor, body=ReviewRequest(comment="looks right to me", revision=p.revision))
        check(r.status_code == 403 and isinstance(r.parsed, ChangeProblem) and r.parsed.type_ == "urn:verdict:problem:insufficient-role",
              f"the editor's approval: 403 insufficient-role ({r.status_code})")
        listed = api["listProposals"].sync(client=viewer, state=ListProposalsState.OPEN)
        check(isinstance(listed, ProposalList) and [x.id for x in listed.proposals] == [p.id], "listProposals(state=open) gives it")

        # An approver approves: it is activated and serves.
        r = api["approveProposal"].sync_detailed(p.id, client=approver, body=ReviewRequest(comment="impact checked, contract updated", revision=p.revision))
        done = r.parsed
        check(r.status_code == 200 and isinstance(done, Proposal) and done.state.value == "activated"
              and [x.by for x in done.reviews] == ["wang.fang"], f"the approver approves: 200, activated, reviewed by wang.fang ({r.status_code})")
        serving = api["getPolicy"].sync("quality-complaints", client=viewer).digest
        check(isinstance(done, Proposal) and serving == done.candidate_digest and serving != before,
              f"getPolicy serves the candidate digest ({serving[:19]}…)")
        listed = api["listProposals"].sync(client=viewer, set_="quality-complaints")
        check(isinstance(listed, ProposalList) and [(x.id, x.state.value) for x in listed.proposals] == [(p.id, "activated")],
              "listProposals shows it activated")
        r = api["approveProposal"].sync_detailed(p.id, client=approver)
        check(r.status_code == 409 and isinstance(r.parsed, ChangeProblem) and r.parsed.type_ == "urn:verdict:problem:not-open",
              f"approving it again: 409 not-open ({r.status_code})")
        one = api["getProposal"].sync(p.id, client=viewer)
        check(isinstance(one, Proposal) and one.state.value == "activated" and one.outcome == [f"serving {serving}"],
              "getProposal shows what its activation did")

        # A change the reviewer turns down: a rejection needs a comment.
        with open(os.path.join(policies, "quality-complaints", "a1-tier.yaml")) as f:
            tier = f.read()
        comment = ProposalRequest(set_="quality-complaints", reason="note the review (ticket QC-1043)",
                                  files=[SubmittedFile(path="a1-tier.yaml", text=tier + "\n# reviewed 2026\n")])
        second = api["createProposal"].sync(client=editor, body=comment)
        r = api["rejectProposal"].sync_detailed(second.id, client=approver, body=ReviewRequest())
        check(r.status_code == 422 and isinstance(r.parsed, ChangeProblem) and r.parsed.type_ == "urn:verdict:problem:missing-comment",
              f"a rejection without a comment: 422 missing-comment ({r.status_code})")
        r = api["rejectProposal"].sync_detailed(second.id, client=approver, body=ReviewRequest(comment="not in this release"))
        check(r.status_code == 200 and r.parsed.state.value == "rejected" and r.parsed.reviews[0].comment == "not in this release",
              f"rejectProposal: 200, rejected with its comment ({r.status_code})")

        # One its author brings up to date, then takes back; the approver may not take it back.
        third = api["createProposal"].sync(client=editor, body=comment)
        r = api["updateProposal"].sync_detailed(third.id, client=editor, body=ProposalUpdate())
        check(r.status_code == 200 and r.parsed.state.value == "open" and r.parsed.base_digest == serving,
              f"updateProposal: 200, still open, against the serving digest ({r.status_code})")
        r = api["withdrawProposal"].sync_detailed(third.id, client=approver)
        check(r.status_code == 403 and r.parsed.type_ == "urn:verdict:problem:not-author", f"withdrawn by another: 403 not-author ({r.status_code})")
        r = api["withdrawProposal"].sync_detailed(third.id, client=editor)
        check(r.status_code == 200 and r.parsed.state.value == "withdrawn", f"withdrawProposal by its author: 200, withdrawn ({r.status_code})")
        check(api["getPolicy"].sync("quality-complaints", client=viewer).digest == serving, "neither changed what serves")
    finally:
        stop(server)

    # The audit trail, from the log the service wrote.
    r = subprocess.run([verdict, "audit", "changes", "--log", log, "--json"], capture_output=True, text=True, timeout=120)
    steps = json.loads(r.stdout).get("steps", []) if r.returncode == 0 else []
    seen = [(x.get("step"), x.get("by")) for x in steps]
    check(r.returncode == 0 and seen == [("proposed", "li.wei"), ("approved", "wang.fang"), ("activated", "service"),
                                         ("proposed", "li.wei"), ("rejected", "wang.fang"),
                                         ("proposed", "li.wei"), ("proposed", "li.wei"), ("withdrawn", "li.wei")],
          f"verdict audit changes lists every step, by whom: {seen or r.stderr}")
    r = subprocess.run([verdict, "audit", "verify", "--log", log], capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"verdict audit verify passes ({r.returncode}) {r.stdout.strip().splitlines()[:1]}{r.stderr.strip()[:300]}")


SERVER = None


def main():
    global SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--verdict", default=os.path.join(ROOT, ".build", "debug", "verdict"))
    parser.add_argument("--keep", help="generate the client into this folder and keep it")
    args = parser.parse_args()
    check = Check()
    started = time.monotonic()
    folder = args.keep or tempfile.mkdtemp(prefix="verdict-client-")
    os.makedirs(folder, exist_ok=True)
    try:
        spec = validate_document(check)
        api = generate(folder, check, spec)
        if check.failures:
            raise SystemExit("the client could not be generated: " + "; ".join(check.failures))
        SERVER, base = start_server(args.verdict, folder)
        try:
            run(api, base, check)
        finally:
            stop(SERVER)
        review(api, args.verdict, folder, check)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"{len(check.failures)} failure(s) in {time.monotonic() - started:.1f} s", flush=True)
    if check.failures:
        for f in check.failures:
            print("FAIL " + f)
        sys.exit(1)


if __name__ == "__main__":
    main()
