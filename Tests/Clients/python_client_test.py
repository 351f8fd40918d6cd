#!/usr/bin/env python3
"""The HTTP API as a generated client sees it (issue 34).

Validates docs/openapi.yaml with openapi-spec-validator, generates a Python client from it with
openapi-python-client, and with that client only (no hand-written HTTP) calls the built
`verdict serve` (.build/debug/verdict, or --verdict), started on a free 127.0.0.1 port with an API
token file and an admin token file: lists the sets, decides a case, decides with an explanation and a
why-not question with spaces, reads the case schema, sends a case the policy refuses (422 with its
problems) and one for an unknown set (404), reloads with the admin token, the API token (403) and
none (401), and decides a batch as the document says a generated client does (a JSON array). Every
wait is bounded; the server is stopped however the script ends.

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
            SERVER.terminate()
            try:
                SERVER.wait(timeout=20)
            except subprocess.TimeoutExpired:
                SERVER.kill()
                SERVER.wait(timeout=10)
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
