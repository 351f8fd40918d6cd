#!/usr/bin/env python3
"""Checks a Verdict decision-log proof without Verdict, from docs/auditing.md ("Checking a proof
without Verdict") alone: the checkpoint's Ed25519 signature over its exact signed bytes, each
record's (or event's) RFC 9162 inclusion path, and, for a completeness proof, the case's entry in the case index
with the neighbours that bracket it.

    python3 verifier/verify.py PROOF.json --key operator.key.pub

Needs the `cryptography` package (PyPI). Exit 0: proven; 1: not proven (says why); 2: unreadable.
"""
import argparse
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class NotProven(Exception):
    pass


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def leaf_hash(record):  # a decision record's leaf: 0x00 ‖ its bytes
    return sha256(b"\x00", record)


def event_leaf_hash(event):  # an event's leaf (a policy version event or a change event): 0x02 ‖ its bytes
    return sha256(b"\x02", event)


def node_hash(left, right):  # an interior node: 0x01 ‖ left ‖ right
    return sha256(b"\x01", left, right)


def index_leaf_hash(key, records_hash):  # a case index entry: 0x03 ‖ key ‖ records_hash
    return sha256(b"\x03", key, records_hash)


def records_hash(records):  # (seq, leaf) pairs in ascending seq: seq as 8 bytes big-endian, then the leaf
    return sha256(*[seq.to_bytes(8, "big") + leaf for seq, leaf in records])


def root_from_path(leaf, index, size, path):
    """RFC 9162 2.1.3.2: the root the audit path leads to from leaf `index` of a tree of `size` leaves."""
    # Plain integers only (JSON true is an int to Python), and a leaf inside the tree: a negative
    # index would make every sibling a left one and let a path prove a leaf at a place it is not.
    if type(index) is not int or type(size) is not int or not 0 <= index < size:
        raise NotProven(f"leaf {index!r} is outside a tree of {size!r} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise NotProven("the audit path is longer than the tree is deep")
        if fn & 1 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise NotProven("the audit path is shorter than the tree is deep")
    return r


def unhex(s, what):
    try:
        b = bytes.fromhex(s)
    except (TypeError, ValueError):
        raise NotProven(f"{what} is not hex")
    if len(b) != 32:
        raise NotProven(f"{what} is not 32 bytes")
    return b


def public_key(path):
    line = open(path, encoding="utf-8").read().strip()
    prefix = "verdict-ed25519-public-key "
    if not line.startswith(prefix):
        raise ValueError(f"{path} is not a Verdict public key (one line `{prefix}BASE64`)")
    raw = base64.b64decode(line[len(prefix):], validate=True)
    if len(raw) != 32:
        raise ValueError(f"{path}: an Ed25519 public key is 32 bytes")
    return raw


def signed_message(c):
    """The checkpoint's signed bytes: UTF-8 lines, each ending in LF."""
    if "index_root" in c:
        lines = ["verdict decision log checkpoint v2", c["log"], str(c["size"]), c["root"], c["index_root"], c["time"]]
    else:
        lines = ["verdict decision log checkpoint v1", c["log"], str(c["size"]), c["root"], c["time"]]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def check_checkpoint(c, key):
    if base64.b64decode(c["key"]) != key:
        raise NotProven("the checkpoint was not signed by the key given")
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(base64.b64decode(c["signature"]), signed_message(c))
    except InvalidSignature:
        raise NotProven("the checkpoint's signature does not verify: it was altered")
    if not isinstance(c["size"], int) or c["size"] < 0:
        raise NotProven("the checkpoint's size is not a whole number")


def check_records(proof):
    """Each leaf's path to the checkpoint's root; returns [(seq, leaf, case id)], the case id None for
    an event (an entry with `event` instead of `record`: its bytes are hashed under 0x02)."""
    c = proof["checkpoint"]
    root = unhex(c["root"], "the checkpoint's root")
    out, seen = [], set()
    for i, e in enumerate(proof["records"]):
        if ("record" in e) == ("event" in e):
            raise NotProven(f"records[{i}] must hold a `record` or an `event`, not both or neither")
        is_event = "event" in e
        what = "event" if is_event else "record"
        seq, body = e["seq"], e[what].encode("utf-8")
        if seq in seen:
            raise NotProven(f"leaf {seq} is given twice")
        seen.add(seq)
        leaf = event_leaf_hash(body) if is_event else leaf_hash(body)
        path = [unhex(p, f"records[{i}].path") for p in e["path"]]
        if root_from_path(leaf, seq, c["size"], path) != root:
            raise NotProven(f"{what} {seq}: its audit path does not lead to the checkpoint's root")
        fields = json.loads(body)
        if fields.get("seq") != seq:
            raise NotProven(f"{what} {seq} says it is leaf {fields.get('seq')}")
        if is_event and not isinstance(fields.get("event"), str):
            raise NotProven(f"event {seq} does not say what event it is")
        out.append((seq, leaf, None if is_event else fields["case"]))
    return out


def check_completeness(proof, records):
    c = proof["checkpoint"]
    if "index_root" not in c:
        raise NotProven("the checkpoint signs no case index (version 1)")
    index_root = unhex(c["index_root"], "the checkpoint's index_root")
    case = proof["case"]
    key = hashlib.sha256(case.encode("utf-8")).digest()
    for seq, _, rc in records:
        if rc is None:
            raise NotProven(f"leaf {seq} is an event: a completeness proof holds a case's decision records only")
        if rc != case:
            raise NotProven(f"record {seq} is of case {rc!r}, not {case!r}")
    seqs = [seq for seq, _, _ in records]
    if seqs != sorted(seqs):
        raise NotProven("the records are not in ascending sequence order")
    idx = proof["index"]
    size, position = idx["size"], idx["position"]
    if type(size) is not int or type(position) is not int or not 0 <= position <= size:
        raise NotProven(f"the index position {position!r} is not a place in an index of {size!r} entries")
    found = bool(records)
    if found:
        leaf = index_leaf_hash(key, records_hash([(seq, leaf) for seq, leaf, _ in records]))
        path = [unhex(p, "index.path") for p in idx["path"]]
        if root_from_path(leaf, position, size, path) != index_root:
            raise NotProven(f"the case index does not list exactly the {len(records)} record(s) given for {case!r}: one was left out, added or altered")
    elif idx["path"] or position > size:
        raise NotProven("a case with no record has no index entry")
    expected = {"before": position - 1 if position > 0 else None,
                "after": (position + 1 if found else position) if (position + 1 if found else position) < size else None}
    for name in ("before", "after"):
        n, at = idx[name], expected[name]
        if at is None:
            if n is not None:
                raise NotProven(f"the index has no entry {name} position {position}")
            continue
        if n is None:
            raise NotProven(f"the index entry {name} the case's (position {at}) is missing")
        if n["position"] != at:
            raise NotProven(f"the entry {name} the case's is not next to it")
        nkey = unhex(n["key"], f"index.{name}.key")
        if (nkey >= key) if name == "before" else (nkey <= key):
            raise NotProven(f"the entry at position {at} does not sort {name} the case's key")
        leaf = index_leaf_hash(nkey, unhex(n["records_hash"], f"index.{name}.records_hash"))
        path = [unhex(p, f"index.{name}.path") for p in n["path"]]
        if root_from_path(leaf, at, size, path) != index_root:
            raise NotProven(f"the entry at position {at} is not in the signed case index")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("proof")
    ap.add_argument("--key", required=True, help="the operator's public key file")
    a = ap.parse_args()
    try:
        key = public_key(a.key)
        proof = json.load(open(a.proof, encoding="utf-8"))
        kind = proof.get("format")
        if kind not in ("verdict-inclusion-proof-v1", "verdict-completeness-proof-v1"):
            raise ValueError(f"{a.proof}: not a Verdict proof (format {kind!r})")
    except (OSError, ValueError) as e:
        print(f"cannot read: {e}", file=sys.stderr)
        return 2
    try:
        check_checkpoint(proof["checkpoint"], key)
        records = check_records(proof)
        if kind == "verdict-completeness-proof-v1":
            check_completeness(proof, records)
            print(f"completeness proven: case {proof['case']!r} has exactly {len(records)} records "
                  f"(sequence numbers {[s for s, _, _ in records]}) under the checkpoint of {proof['checkpoint']['size']} leaves")
        else:
            if not records:
                raise NotProven("the proof holds no record")
            recs = [s for s, _, case in records if case is not None]
            events = [s for s, _, case in records if case is None]
            what = " and ".join(([f"records {recs}"] if recs else []) + ([f"events {events}"] if events else []))
            print(f"inclusion proven: {what} are in the tree of "
                  f"{proof['checkpoint']['size']} leaves the operator's key signed")
    except NotProven as e:
        print(f"NOT PROVEN: {e}", file=sys.stderr)
        return 1
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        print(f"NOT PROVEN: the proof is malformed ({type(e).__name__}: {e})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
