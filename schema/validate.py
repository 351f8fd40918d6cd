#!/usr/bin/env python3
"""Validates every shipped policy and test file, and every YAML example of the docs, against the
JSON Schemas in schema/; and checks that broken copies (a misspelled section key, a misspelled
nested key, a value of the wrong shape) fail.

Run from anywhere: python3 schema/validate.py   (needs: pip install jsonschema pyyaml)
Prints one line per failure and closes with `N passed, M failed`; exits 1 on any failure.
"""
import json
import pathlib
import re
import sys

import jsonschema
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


class Loader(yaml.SafeLoader):
    """YAML as editors' language server reads it (YAML 1.2 core): dates and times stay strings."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema(name):
    with open(ROOT / "schema" / name, encoding="utf-8") as f:
        s = json.load(f)
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s)


POLICY = schema("verdict-policy.schema.json")
TEST = schema("verdict-test.schema.json")

passed = 0
failures = []


def errors(validator, text):
    data = yaml.load(text, Loader=Loader)
    return sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))


def describe(e):
    return "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]


def expect_valid(what, validator, text):
    global passed
    errs = errors(validator, text)
    if errs:
        failures.append(f"{what}: " + "; ".join(describe(e) for e in errs[:3]))
    else:
        passed += 1


def expect_invalid(what, validator, text, path_part):
    global passed
    errs = errors(validator, text)
    if any(path_part in describe(e) for e in errs):
        passed += 1
    else:
        failures.append(f"{what}: the broken copy was accepted (expected an error mentioning {path_part!r}; got {[describe(e) for e in errs]})")


# 1. Every shipped policy and test file: the first line names the right schema, and the file is valid.
files = sorted(p for p in (ROOT / "policies").rglob("*") if p.suffix in (".yaml", ".yml"))
if len(files) < 20:
    failures.append(f"only {len(files)} shipped policy and test files found under policies/")
for path in files:
    rel = path.relative_to(ROOT)
    text = path.read_text(encoding="utf-8")
    is_test = path.name.endswith((".test.yaml", ".test.yml"))
    m = MODELINE.match(text.split("\n", 1)[0])
    want = "verdict-test.schema.json" if is_test else "verdict-policy.schema.json"
    if not m:
        failures.append(f"{rel}: the first line is not `# yaml-language-server: $schema=…`")
        continue
    target = (path.parent / m.group(1)).resolve()
    if target != (ROOT / "schema" / want).resolve():
        failures.append(f"{rel}: the schema line points at {m.group(1)}, not at schema/{want}")
        continue
    expect_valid(str(rel), TEST if is_test else POLICY, text)

# 2. Broken copies of shipped files must fail, each at the key or value broken.
def broken(rel, old, new, validator, path_part):
    text = (ROOT / rel).read_text(encoding="utf-8")
    if old not in text:
        failures.append(f"{rel}: the broken-copy edit `{old}` is not in the file")
        return
    expect_invalid(f"{rel} with `{old}` -> `{new}`", validator, text.replace(old, new, 1), path_part)


broken("policies/quality-complaints/a5-approval.yaml", "\ndecisions:", "\ndecisons:", POLICY, "decisons")
broken("policies/quality-complaints/schema.yaml", "\nfields:", "\nfeilds:", POLICY, "feilds")
broken("policies/quality-complaints/a5-approval.yaml", "        when: cost <= 300", "        wehn: cost <= 300", POLICY, "wehn")
broken("policies/quality-complaints/a5-approval.yaml", "    hit: unique", "    hit: uniqe", POLICY, "hit")
broken("policies/customer-complaints/b2-clocks.yaml", "    target: {working_hours: 3, calendar: cn-office}",
       "    target: {working_hours: 3}", POLICY, "target")
broken("policies/calendars/cn-office.yaml", "    years: [2025, 2026]", "    yeers: [2025, 2026]", POLICY, "yeers")
broken("policies/after-sales-template/parameters.yaml", "    value: 2h", "    value: ~", POLICY, "value")
broken("policies/quality-complaints/quality-complaints.test.yaml", "\ntests:", "\ntest:", TEST, "test")
broken("policies/customer-complaints/customer-complaints.test.yaml", "    expect_clocks: {onsite: at_risk}",
       "    expect_clocks: {onsite: at-risk}", TEST, "onsite")

# 3. The YAML examples of the docs (see the end of docs/language.md): sets, bases, fragments and
# tests must be valid too; excerpts and examples of errors are not complete files.
pages = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
examples = 0
for page in pages:
    text = page.read_text(encoding="utf-8")
    for m in re.finditer(r"<!-- example: ([^\n]*?) -->\n```ya?ml\n(.*?)```", text, re.S):
        kind = m.group(1).split()[0]
        if kind in ("excerpt", "error"):
            continue
        line = text[: m.start()].count("\n") + 2
        examples += 1
        expect_valid(f"{page.relative_to(ROOT)}:{line} ({kind})", TEST if kind == "test" else POLICY, m.group(2))
if examples < 25:
    failures.append(f"only {examples} YAML examples found in the docs")

for f in failures:
    print("FAIL " + f)
print(f"schema: {len(files)} shipped files, {examples} docs examples, broken copies rejected")
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
