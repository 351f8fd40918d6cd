"""Bad input becomes a clear Python exception, never a crash: a broken set, a refused case, bad options,
a closed policy, text that is not UTF-8, a missing library or one of another ABI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import verdict
from conftest import QUALITY, ROOT


def test_a_broken_set_reports_every_error_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").write_text(
        'policy:\n  name: broken\n  version: "1"\n  effective: 2026-01-01\nfields:\n  cost: {type: mony}\n')
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.Policy.load(tmp_path)
    error = raised.value
    assert error.kind == "policy-invalid"
    (diagnostic,) = [d for d in error.diagnostics if d["severity"] == "error"]
    assert diagnostic["file"].endswith("policy.yaml")
    assert (diagnostic["line"], diagnostic["column"]) == (6, 16)
    assert "mony" in error.text and "policy.yaml:6:16" in str(error)
    assert verdict.live_handles() == 0


def test_a_missing_folder() -> None:
    with pytest.raises(verdict.PolicyError) as raised:
        verdict.Policy.load("/nonexistent/verdict-policy")
    assert "/nonexistent/verdict-policy" in str(raised.value)


def test_a_path_that_is_not_utf8() -> None:
    with pytest.raises(verdict.ArgumentError) as raised:
        verdict.Policy.load(os.fsdecode(b"/tmp/\xff"))
    assert raised.value.kind == "invalid-argument"


def test_a_nul_in_a_path_or_version_is_refused_not_cut(policy: verdict.Policy) -> None:
    # A C string ends at its first NUL: the folder or version before it must not be read instead.
    with pytest.raises(verdict.ArgumentError):
        verdict.Policy.load(str(QUALITY) + "\0/elsewhere")
    with pytest.raises(verdict.ArgumentError):
        policy.schema("1.0.0\0x")


def test_a_refused_case_names_each_problem(policy: verdict.Policy, case: dict[str, Any]) -> None:
    with pytest.raises(verdict.CaseError) as raised:
        policy.decide(dict(case, cost=-1, region=5))
    error = raised.value
    assert error.kind == "case-refused" and error.case_id == "Q-2026-0042"
    assert {(p["field"], p["code"]) for p in error.problems} == {("region", "wrong-type"), ("cost", "constraint-violated")}
    assert error.policy is not None and error.policy.version == "1.0.0"
    assert "cost: -1.00 is below its `min` 0.00 [constraint-violated]" in str(error)


def test_a_case_that_is_not_an_object(policy: verdict.Policy) -> None:
    with pytest.raises(verdict.CaseError, match="must be a JSON object, found an array"):
        policy.decide("[1, 2]")
    with pytest.raises(verdict.CaseError):
        policy.decide(b"{not json")
    with pytest.raises(TypeError, match="not list"):
        policy.decide([1, 2])  # type: ignore[arg-type]


def test_a_case_that_is_not_utf8(policy: verdict.Policy, case: dict[str, Any]) -> None:
    with pytest.raises(verdict.CaseError) as raised:
        policy.decide(b'{"id": "\xff\xfe"}')
    assert raised.value.problems
    with pytest.raises(verdict.ArgumentError, match="not valid UTF-8"):
        policy.decide('{"id": "\udcff"}')
    with pytest.raises(verdict.ArgumentError, match="not valid UTF-8"):
        policy.decide(dict(case, id="\udcff"))


def test_a_case_value_json_cannot_write(policy: verdict.Policy, case: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="type object"):
        policy.decide(dict(case, cost=object()))
    with pytest.raises(verdict.ArgumentError, match="cannot be written as JSON"):
        policy.decide(dict(case, cost=float("nan")))


def test_options_that_cannot_be_read(policy: verdict.Policy, case: dict[str, Any]) -> None:
    with pytest.raises(verdict.RequestError) as raised:
        policy.decide(case, explain=7)  # type: ignore[arg-type]
    assert raised.value.option == "explain"
    with pytest.raises(verdict.RequestError) as raised:
        policy.decide(case, lang="fr")
    assert raised.value.option == "lang"
    with pytest.raises(verdict.RequestError) as raised:
        policy.decide(case, why_not=["no_such_output=1"])
    assert raised.value.option == "why_not"
    with pytest.raises(verdict.RequestError, match="time zone"):
        policy.decide(case, now=__import__("datetime").datetime(2026, 3, 2, 12, 0))
    with pytest.raises(verdict.RequestError, match="no time zone offset"):
        policy.decide(case, now="2026-03-02T12:00:00")
    with pytest.raises(verdict.RequestError) as raised:
        policy.schema("9.9.9")


def test_a_closed_policy(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    policy.close()
    for call in (lambda: policy.decide(case), lambda: policy.info, lambda: policy.schema()):
        with pytest.raises(verdict.ClosedPolicyError, match="is closed"):
            call()
    assert issubclass(verdict.ClosedPolicyError, RuntimeError)


def test_a_handle_freed_under_a_call_is_refused_not_read(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    handle = policy._handle
    policy._finalizer()  # frees the handle in the library as another thread's close() would
    with pytest.raises(verdict.ClosedPolicyError):
        policy.decide(case)
    assert handle != 0 and verdict.live_handles() == 0


def _import_in_a_new_process(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop("VERDICT_LIBRARY", None)
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=60)


PROBE = textwrap.dedent("""
    import verdict
    try:
        verdict.Policy.load("policies/quality-complaints")
    except verdict.VerdictLibraryError as error:
        assert isinstance(error, ImportError)
        print(error)
""")


def test_a_library_that_is_not_there() -> None:
    result = _import_in_a_new_process({"VERDICT_LIBRARY": "/nonexistent/libverdict.so"}, PROBE)
    assert result.returncode == 0, result.stderr
    assert "VERDICT_LIBRARY is /nonexistent/libverdict.so, which is not a file" in result.stdout


def test_without_a_library_it_says_where_it_looked(tmp_path: Path) -> None:
    # A copy of the package without libverdict.so beside it, and no VERDICT_LIBRARY.
    package = Path(verdict.__file__).parent
    shutil.copytree(package, tmp_path / "verdict", ignore=shutil.ignore_patterns("libverdict.so", "__pycache__"))
    result = _import_in_a_new_process({"PYTHONPATH": str(tmp_path)}, PROBE)
    assert result.returncode == 0, result.stderr
    assert f"looked in: {tmp_path / 'verdict' / 'libverdict.so'}" in result.stdout


def _shared_library(tmp_path: Path, source: str) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler builds the stand-in libraries of these tests (test.sh installs gcc)"
    (tmp_path / "fake.c").write_text(source)
    library = tmp_path / "libfake.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(tmp_path / "fake.c")], check=True)
    return library


def test_a_library_of_another_abi_version(tmp_path: Path) -> None:
    library = _shared_library(tmp_path, "unsigned verdict_abi_version(void) { return 2; }\n")
    result = _import_in_a_new_process({"VERDICT_LIBRARY": str(library)}, PROBE)
    assert result.returncode == 0, result.stderr
    assert f"{library} has ABI version 2, this binding needs 1" in result.stdout


def test_a_library_that_is_not_verdict(tmp_path: Path) -> None:
    library = _shared_library(tmp_path, "int something_else(void) { return 1; }\n")
    result = _import_in_a_new_process({"VERDICT_LIBRARY": str(library)}, PROBE)
    assert f"{library} is not libverdict" in result.stdout, result.stderr
    not_a_library = tmp_path / "libverdict.so"
    not_a_library.write_text("not ELF")
    result = _import_in_a_new_process({"VERDICT_LIBRARY": str(not_a_library)}, PROBE)
    assert f"libverdict could not be loaded from {not_a_library}" in result.stdout, result.stderr
