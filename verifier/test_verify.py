#!/usr/bin/env python3
"""The independent verifier against proofs Verdict made (issue 35): run by .ci/run after `swift test`.

Builds a decision log with the built binary (.build/debug/verdict, or $VERDICT), signs a checkpoint,
writes a proof of one record (--seq), of a case's records, and a completeness proof (a case with two
records, and one with none), and checks that verifier/verify.py proves each, and refuses each altered
copy: one byte of a record, a record removed from a completeness proof, a record added, the
signature's byte, a neighbour's key, and the right proof checked with another key. Verdict's own
`verify-proof` must agree on every file.
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERDICT = os.environ.get("VERDICT", os.path.join(ROOT, ".build", "debug", "verdict"))
VERIFY = os.path.join(ROOT, "verifier", "verify.py")
POLICY = os.path.join(ROOT, "policies", "quality-complaints")


def run(*args, check=True):
    r = subprocess.run(args, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{r.stdout}{r.stderr}")
    return r


def main():
    failures = []
    with tempfile.TemporaryDirectory() as d:
        log = "sqlite:" + os.path.join(d, "decisions.db")
        henan = os.path.join(POLICY, "examples", "henan-tier3.json")
        for case, now in [(henan, "2026-03-05T09:00:00+08:00"), (os.path.join(POLICY, "examples", "pig-hair.json"), "2026-03-05T09:00:00+08:00"),
                          (henan, "2026-03-06T09:00:00+08:00")]:
            run(VERDICT, "decide", "--policies", POLICY, "--case", case, "--log", log, "--now", now)
        key = os.path.join(d, "operator.key")
        other = os.path.join(d, "other.key")
        run(VERDICT, "audit", "keygen", "--out", key)
        run(VERDICT, "audit", "keygen", "--out", other)
        run(VERDICT, "audit", "checkpoint", "--log", log, "--key", key)
        proofs = {}
        for name, args in [("seq", ["--seq", "1"]), ("case", ["Q-2026-0042"]), ("complete", ["Q-2026-0042", "--complete"]),
                           ("absent", ["NO-SUCH-CASE", "--complete"])]:
            path = os.path.join(d, name + ".json")
            run(VERDICT, "audit", "proof", *args, "--log", log, "--out", path)
            proofs[name] = json.load(open(path, encoding="utf-8"))

        def check(label, proof, expect_ok, key_file=key + ".pub"):
            path = os.path.join(d, "check.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(proof, f, ensure_ascii=False)
            py = run(sys.executable, VERIFY, path, "--key", key_file, check=False)
            sw = run(VERDICT, "audit", "verify-proof", path, "--key", key_file, check=False)
            for who, r in [("verify.py", py), ("verdict audit verify-proof", sw)]:
                ok = r.returncode == 0
                if ok != expect_ok:
                    failures.append(f"{label}: {who} {'proved' if ok else 'refused'} it (exit {r.returncode}): {(r.stdout + r.stderr).strip()}")
            print(f"{'proven ' if expect_ok else 'refused'}  {label}: {(py.stdout + py.stderr).strip()}")

        for name, p in proofs.items():
            check(f"{name} proof as Verdict wrote it", p, True)
        check("a record proof checked with another key", proofs["seq"], False, other + ".pub")

        p = copy.deepcopy(proofs["seq"])
        r = p["records"][0]["record"]
        i = r.index('"tier":') + len('"tier":')
        p["records"][0]["record"] = r[:i] + ("2" if r[i] != "2" else "1") + r[i + 1:]
        check("one byte of the record changed", p, False)

        p = copy.deepcopy(proofs["case"])
        t = p["checkpoint"]["time"]
        p["checkpoint"]["time"] = t[:-2] + ("9" if t[-2] != "9" else "8") + t[-1]
        check("one byte of the checkpoint's time changed", p, False)

        p = copy.deepcopy(proofs["complete"])
        p["records"] = p["records"][:1]
        check("a record removed from the completeness proof", p, False)
        p = copy.deepcopy(proofs["complete"])
        p["records"] = p["records"][1:]
        check("the first record removed from the completeness proof", p, False)
        p = copy.deepcopy(proofs["complete"])
        p["records"].insert(1, proofs["seq"]["records"][0])
        check("another case's record added to the completeness proof", p, False)
        p = copy.deepcopy(proofs["complete"])
        sig = bytearray(__import__("base64").b64decode(p["checkpoint"]["signature"]))
        sig[0] ^= 1
        p["checkpoint"]["signature"] = __import__("base64").b64encode(bytes(sig)).decode()
        check("one bit of the completeness proof's signature flipped", p, False)
        p = copy.deepcopy(proofs["complete"])
        n = p["index"]["before"] or p["index"]["after"]
        n["key"] = ("0" if n["key"][0] != "0" else "1") + n["key"][1:]
        check("a neighbour's key changed in the completeness proof", p, False)
        p = copy.deepcopy(proofs["absent"])
        p["case"] = "Q-2026-0042"
        check("a case that has records claimed to have none", p, False)
        # A negative place in the index (review: Python's -1 made every sibling a left one, so the last
        # entry's real path "proved" an absent case before it) and places that are not integers.
        for label, position in [("a negative index position", -1), ("an index position that is true", True),
                                ("an index position that is text", "0")]:
            p = copy.deepcopy(proofs["absent"])
            p["index"]["position"] = position
            check(label, p, False)
        p = copy.deepcopy(proofs["complete"])
        p["index"]["position"] = -1
        check("a completeness proof at a negative index position", p, False)
    if failures:
        print("\n".join(["FAILED:"] + failures), file=sys.stderr)
        return 1
    print("the independent verifier agrees with Verdict on every proof and every altered copy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
