#!/usr/bin/env python3
"""`verdict codegen typescript` end to end: generates the fixture set's module
(Tests/VerdictTests/Fixtures/codegen-sample) with the built binary, compiles it and a caller with
`tsc --strict` (Debian's node-typescript), and runs the caller with node against `verdict serve` on free
127.0.0.1 ports: the fixture set decides a typed case sent with `?schema_digest=` and its outputs read
typed; a copy with a field added refuses it with 422 and the problem code schema-changed. The servers are
stopped however the script ends. Usage: python3 Tests/Clients/typescript_codegen_test.py [--verdict BIN]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "Tests", "VerdictTests", "Fixtures", "codegen-sample")

MAIN_TS = r'''
import * as s from "./codegenSample";

function check(ok: boolean, what: string): void {
    if (!ok) throw new Error("check failed: " + what);
}

async function decide(base: string, body: string): Promise<Response> {
    return fetch(`${base}/v1/policies/codegen-sample/decide?${s.DECIDE_QUERY}`,
                 {method: "POST", headers: {"content-type": "application/json"}, body});
}

async function main(base: string, changedBase: string): Promise<void> {
    const c: s.Case = {id: "R-1", received_at: "2026-03-02T09:15:00+08:00", amount: "1500.00", kind: s.Kind.LATE, waited: "1h"};
    const body = s.caseJSON(c);
    check(body === '{"id":"R-1","received_at":"2026-03-02T09:15:00+08:00","amount":"1500.00","kind":"late","waited":"1h"}', body);
    const answer = await decide(base, body);
    check(answer.status === 200, `status ${answer.status}`);
    const outputs = s.readOutputs((await answer.json()).outputs);
    check(outputs.approver === s.Role.DIRECTOR && outputs.cap === "5000.00" && outputs.tier === 3, JSON.stringify(outputs));
    check(s.ROLE_LABELS[s.Role.DIRECTOR].zh === "总监", "label");
    console.log("decided: " + JSON.stringify(outputs));
    try {
        s.caseJSON({...c, amount: "10.005"});
        check(false, "an amount with 3 decimals was written");
    } catch (e) {
        check(String(e) === 'Error: amount: an amount as decimal text with at most 2 decimals, not "10.005"', String(e));
    }
    const refused = await decide(changedBase, body);
    const problem = await refused.json();
    check(refused.status === 422 && JSON.stringify(problem).includes('"code":"schema-changed"'), `${refused.status} ${JSON.stringify(problem)}`);
    console.log(`refused: ${refused.status} ${problem.problems[0].message}`);
}

main(process.argv[2], process.argv[3]).catch((e) => { console.error(String(e)); process.exit(1); });
'''

DECLARE_TS = "declare const process: {argv: string[]; exit(code: number): never};\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(verdict, folder, log_path):
    port = free_port()
    log = open(log_path, "w")
    server = subprocess.Popen([verdict, "serve", "--policies", folder, "--host", "127.0.0.1", "--port", str(port),
                               "--watch-interval", "0"], stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"verdict serve exited with status {server.returncode}: see {log_path}")
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2) as r:
                if r.status == 200:
                    return server, base
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("verdict serve was not ready within 120 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--verdict", default=os.path.join(ROOT, ".build", "debug", "verdict"))
    args = parser.parse_args()
    if shutil.which("tsc") is None or shutil.which("node") is None:
        raise SystemExit("tsc and node are needed: apt-get install node-typescript")
    work = tempfile.mkdtemp(prefix="verdict-ts-")
    servers = []
    try:
        subprocess.run([args.verdict, "codegen", "typescript", "--policies", SAMPLE, "--output", work], check=True, stdout=subprocess.DEVNULL)
        changed = os.path.join(work, "changed")
        shutil.copytree(SAMPLE, changed)
        path = os.path.join(changed, "policy.yaml")
        text = open(path, encoding="utf-8").read()
        edited = text.replace("  note: {type: string, optional: true}\n", "  note: {type: string, optional: true}\n  channel: {type: string, optional: true}\n")
        assert edited != text
        open(path, "w", encoding="utf-8").write(edited)
        with open(os.path.join(work, "main.ts"), "w", encoding="utf-8") as f:
            f.write(DECLARE_TS + MAIN_TS)
        subprocess.run(["tsc", "--strict", "--target", "es2022", "--module", "commonjs", "--lib", "es2022,dom",
                        "--outDir", os.path.join(work, "out"), os.path.join(work, "main.ts"), os.path.join(work, "codegenSample.ts")],
                       check=True, cwd=work)
        server, base = start(args.verdict, SAMPLE, os.path.join(work, "serve.log"))
        servers.append(server)
        server, changed_base = start(args.verdict, changed, os.path.join(work, "serve-changed.log"))
        servers.append(server)
        subprocess.run(["node", os.path.join(work, "out", "main.js"), base, changed_base], check=True)
        print("codegen typescript: ok")
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
