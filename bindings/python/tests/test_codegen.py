"""`verdict codegen python`: the generated module passes mypy --strict, its Case decides through the
binding with its schema digest, its Outputs read the decision typed, and a set whose fields changed
since refuses it (schema-changed)."""

from __future__ import annotations

import datetime
import decimal
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import verdict

from conftest import ROOT

SAMPLE = ROOT / "Tests" / "VerdictTests" / "Fixtures" / "codegen-sample"
CHINA = datetime.timezone(datetime.timedelta(hours=8))


def verdict_binary() -> Path:
    """The built command line (VERDICT_BIN, or .build/debug/verdict, built when missing)."""
    given = os.environ.get("VERDICT_BIN")
    binary = Path(given) if given else ROOT / ".build" / "debug" / "verdict"
    if not binary.exists():
        subprocess.run(["swift", "build", "--product", "verdict"], cwd=ROOT, check=True)
    return binary


def generate(policies: Path, out: Path) -> Path:
    result = subprocess.run([str(verdict_binary()), "codegen", "python", "--policies", str(policies), "--output", str(out)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"wrote {out}/codegen_sample.py (codegen-sample 1.0.0, schema sha256:")
    return out / "codegen_sample.py"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("codegen_sample", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["codegen_sample"] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def sample(tmp_path: Path) -> ModuleType:
    return load(generate(SAMPLE, tmp_path))


def test_the_generated_module_passes_mypy_strict(tmp_path: Path) -> None:
    path = generate(SAMPLE, tmp_path)
    # A caller's code against the module: mypy checks the types are what a user would write.
    (tmp_path / "caller.py").write_text(
        "import datetime, decimal\n"
        "import codegen_sample as s\n"
        "case = s.Case(id='R-1', received_at=datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.timezone.utc),\n"
        "              amount=decimal.Decimal('1500.00'), kind=s.Kind.LATE)\n"
        "outputs = s.Outputs.from_outputs({'approver': 'director'})\n"
        "approver: s.Role | None = outputs.approver\n"
        "cap: decimal.Decimal | None = outputs.cap\n"
        "label: str = s.ROLE_LABELS[s.Role.DIRECTOR]['zh']\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path), str(tmp_path / "caller.py")],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    # And a wrong use is caught: money as a float.
    (tmp_path / "caller.py").write_text(
        "import datetime\nimport codegen_sample as s\n"
        "s.Case(id='R-1', received_at=datetime.datetime.now(datetime.timezone.utc), amount=1500.0, kind=s.Kind.LATE)\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(tmp_path / "caller.py")],
                            capture_output=True, text=True, cwd=tmp_path, check=False)
    assert result.returncode == 1 and 'Argument "amount" to "Case" has incompatible type "float"' in result.stdout, result.stdout


def test_a_generated_case_decides_and_its_outputs_read_typed(sample: Any) -> None:
    case = sample.Case(id="R-1", received_at=datetime.datetime(2026, 3, 2, 9, 15, tzinfo=CHINA),
                       amount=decimal.Decimal("1500"), kind=sample.Kind.LATE,
                       purchased_on=datetime.date(2025, 6, 1), waited=datetime.timedelta(hours=1))
    assert case.to_case() == {"id": "R-1", "received_at": "2026-03-02T09:15:00+08:00", "amount": "1500.00",
                              "kind": "late", "purchased_on": "2025-06-01", "waited": "3600s"}
    with verdict.Policy.load(SAMPLE) as policy:
        decision = policy.decide(case)
    outputs = sample.Outputs.from_outputs(decision.outputs)
    assert outputs.approver is sample.Role.DIRECTOR
    assert outputs.signers == [sample.Role.CLERK, sample.Role.MANAGER, sample.Role.DIRECTOR]
    assert outputs.cap == decimal.Decimal("5000.00")
    assert outputs.due == datetime.datetime(2026, 3, 5, 9, 15, tzinfo=CHINA)
    assert outputs.tier == 3 and outputs.escalate is True
    assert sample.ROLE_LABELS[sample.Role.DIRECTOR] == {"en": "director", "zh": "总监"}
    assert sample.SCHEMA_DIGEST == sample.Case.SCHEMA_DIGEST and sample.SCHEMA_DIGEST.startswith("sha256:")


def test_bad_values_are_refused_before_deciding(sample: Any) -> None:
    def case(**changes: Any) -> Any:
        values: dict[str, Any] = {"id": "R-1", "received_at": datetime.datetime(2026, 3, 2, 9, 15, tzinfo=CHINA),
                                  "amount": decimal.Decimal("10"), "kind": sample.Kind.LATE}
        values.update(changes)
        return sample.Case(**values)
    with pytest.raises(ValueError, match=r"received_at: a datetime with a time zone \(tzinfo\) is required, not the naive 2026-03-02T09:15:00"):
        case(received_at=datetime.datetime(2026, 3, 2, 9, 15)).to_case()
    with pytest.raises(TypeError, match=r"amount: money as a decimal.Decimal \(exact\), not float 10.5"):
        case(amount=10.5).to_case()
    with pytest.raises(ValueError, match=r"amount: 10.005 has more than 2 decimals, the most CNY has"):
        case(amount=decimal.Decimal("10.005")).to_case()
    with pytest.raises(TypeError, match=r"kind: a Kind, not str 'late'"):
        case(kind="late").to_case()


def test_a_set_whose_fields_changed_refuses_the_generated_case(sample: Any, tmp_path: Path) -> None:
    changed = tmp_path / "changed"
    shutil.copytree(SAMPLE, changed)
    policy_file = changed / "policy.yaml"
    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(text.replace("  note: {type: string, optional: true}",
                                        "  note: {type: string, optional: true}\n  channel: {type: string, optional: true}"),
                           encoding="utf-8")
    case = sample.Case(id="R-9", received_at=datetime.datetime(2026, 3, 2, 9, 15, tzinfo=CHINA),
                       amount=decimal.Decimal("80"), kind=sample.Kind.DAMAGED)
    with verdict.Policy.load(changed) as policy:
        with pytest.raises(verdict.CaseError) as refused:
            policy.decide(case)
        problem = refused.value.problems[0]
        assert problem["code"] == "schema-changed"
        assert problem["message"].startswith(f"the case's types were generated from schema {sample.SCHEMA_DIGEST}, but codegen-sample 1.0.0 has schema sha256:")
        assert problem["help"] == "run `verdict codegen` for codegen-sample again and rebuild with the new types"
        # The same case as a plain dict carries no digest, and is decided.
        assert policy.decide(case.to_case()).outputs["approver"] == "clerk"
