#!/usr/bin/env python3
"""Times `verdict check` on generated large and hostile policies (docs/performance.md, issue 15).

usage: Benchmarks/check-sizes.py [VERDICT_BINARY]   (default .build/release/verdict)
Each policy is a folder of three files under a temporary directory; each check is killed after 120 s
and limited to 3 GB of address space, so a policy that explodes cannot take the machine down.
"""
import os, resource, subprocess, sys, tempfile, time

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/verdict"
manifest = 'policy:\n  name: sizes\n  version: "1"\n  effective: 2026-01-01\n  title: {en: S, zh: S}\n'
schema = "fields:\n  id: string\n  n: integer\n  b: bool\n"

def table(hit, rules, complete=False):
    out = f"decisions:\n  d:\n    hit: {hit}\n" + ("    complete: true\n" if complete else "") + "    outputs:\n      o: {type: integer}\n    rules:\n"
    for i, (when, value) in enumerate(rules):
        out += f"      - id: r{i}\n        when: {when}\n        then: {{o: {value}}}\n"
    return out

def points(n):
    return [(f"n == {i}", i) for i in range(n)]

laughs = "".join(f"{c}: &{c} [" + ",".join([f"*{p}"] * 9 if p else ['"lol"'] * 9) + "]\n" for p, c in zip([None] + list("abcdefgh"), "abcdefghi"))
cases = {
    "1,000 first rules": {"d.yaml": table("first", points(1000))},
    "4,000 first rules": {"d.yaml": table("first", points(4000))},
    "4,000 first rules, complete": {"d.yaml": table("first", points(4000) + [("n >= 4000 or n < 0", -1)], complete=True)},
    "1,000 unique rules": {"d.yaml": table("unique", points(1000))},
    "20,000-term or": {"d.yaml": table("first", [('"' + " or ".join(f"n == {i}" for i in range(20000)) + '"', 1)])},
    "in a list of 20,000": {"d.yaml": table("first", [('"n in [' + ", ".join(str(i) for i in range(20000)) + ']"', 1)])},
    "100,000-member enum": {"schema.yaml": schema + "  e:\n    values: [" + ", ".join(f"m{i}" for i in range(100000)) + "]\n",
                            "d.yaml": table("first", [("e == m5", 1)])},
    "when: 100,000 conditions": {"d.yaml": table("first", [("[" + ", ".join(["b"] * 100000) + "]", 1)])},
    "billion laughs": {"d.yaml": laughs},
}

def limit():
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

with tempfile.TemporaryDirectory() as root:
    for name, files in cases.items():
        folder = os.path.join(root, name.replace(" ", "_").replace(",", "").replace(":", ""))
        os.makedirs(folder)
        for path, text in {"policy.yaml": manifest, "schema.yaml": schema, **files}.items():
            with open(os.path.join(folder, path), "w") as f:
                f.write(text)
        start = time.monotonic()
        try:
            r = subprocess.run([binary, "check", folder], capture_output=True, text=True, timeout=120, preexec_fn=limit)
            first = next((l for l in (r.stdout + r.stderr).splitlines() if "error" in l or "note:" in l or ": ok" in l), "")
            outcome = f"exit {r.returncode}  {first[:100]}"
        except subprocess.TimeoutExpired:
            outcome = "killed after 120 s"
        print(f"{name:32} {time.monotonic() - start:8.3f} s  {outcome}")
