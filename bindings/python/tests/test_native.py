"""The C extension verdict._native (the decision call without ctypes) against the ctypes path: which
one is in use, the same answers and errors from both, and bad input to the extension itself.

test.sh runs the whole suite twice: with the extension (VERDICT_REQUIRE_NATIVE=1 where a compiler and
Python's headers are found, so a failed build fails the run) and with VERDICT_PURE_PYTHON=1 (ctypes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import shutil
import textwrap
from pathlib import Path
from typing import Any, Iterator

import pytest

import verdict
from verdict import _library

from conftest import QUALITY


def _set(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


needs_native = pytest.mark.skipif(
    verdict.native_extension() is None,
    reason=f"the C extension is not in use: {verdict.native_absent()}",
)


def test_the_path_in_use_is_the_one_asked_for() -> None:
    if _set("VERDICT_PURE_PYTHON"):
        assert verdict.native_extension() is None
        assert "VERDICT_PURE_PYTHON" in str(verdict.native_absent())
    elif _set("VERDICT_REQUIRE_NATIVE"):
        path = verdict.native_extension()
        assert path is not None and os.path.basename(path).startswith("_native")
        assert verdict.native_absent() is None
    else:  # either, but the two answers agree
        assert (verdict.native_extension() is None) == (verdict.native_absent() is not None)


@pytest.fixture
def both() -> Iterator[tuple[verdict.Policy, verdict.Policy]]:
    """The same set loaded twice: one deciding through the extension, one through ctypes."""
    with verdict.Policy.load(QUALITY) as native, verdict.Policy.load(QUALITY) as pure:
        pure._native = None
        yield native, pure


def _outcome(policy: verdict.Policy, case: Any, **options: Any) -> tuple[str, Any]:
    try:
        return "answer", policy.decide(case, **options).json
    except verdict.VerdictError as error:
        return type(error).__name__, (str(error), error.details)


@needs_native
def test_both_paths_give_the_same_answers_and_errors(both: tuple[verdict.Policy, verdict.Policy],
                                                     case: dict[str, Any]) -> None:
    native, pure = both
    data = json.dumps(case).encode()
    calls: list[tuple[Any, dict[str, Any]]] = [
        (case, {}),
        (data, {}),
        (data.decode(), {}),
        (data, {"explain": True, "lang": "zh"}),
        (data, {"explain": "compact", "why_not": "approver=branch_manager", "now": "2026-05-01T09:00:00+08:00"}),
        (dict(case, id="長" * 40_000), {"explain": "full"}),  # past the first buffer
        (dict(case, id="L" * 1_200_000), {}),  # past what a thread keeps
        (b'{"id": "Q-1"}', {}),  # refused: CaseError
        (b"[1, 2]", {}),
        (b"not json", {}),
        (b'{"id": "\xff\xfe"}', {}),  # not UTF-8: ArgumentError
        (data, {"lang": "fr"}),  # RequestError
        (data, {"why_not": "nothing=at_all"}),
    ]
    for value, options in calls:
        first, second = _outcome(native, value, **options), _outcome(pure, value, **options)
        assert first == second, (value if len(str(value)) < 200 else "a long case", options)
    assert native.decide(case, lang="en").text() == pure.decide(case, lang="en").text()
    native.close()
    with pytest.raises(verdict.ClosedPolicyError):
        native.decide(data)


@needs_native
def test_the_fast_path_makes_the_decision_decision_init_makes(policy: verdict.Policy, case: dict[str, Any]) -> None:
    """decide(bytes) without options builds its Decision without the class call: every slot the same."""
    data = json.dumps(case).encode()
    fast = policy.decide(data)
    slow = verdict.Decision(policy, data, policy._answer(data, None), None, ())
    assert {slot: getattr(fast, slot) for slot in verdict.Decision.__slots__} == \
           {slot: getattr(slow, slot) for slot in verdict.Decision.__slots__}
    assert fast.outputs == slow.outputs and fast.text() == slow.text() and repr(fast) == repr(slow)


@needs_native
def test_a_handle_freed_under_the_call_is_refused_by_the_library(case: dict[str, Any]) -> None:
    policy = verdict.Policy.load(QUALITY)
    handle = policy._live_handle()
    policy._finalizer()  # freed in the library, the Python object not told
    status, text = _library.native.decide(handle, json.dumps(case).encode(), None)  # type: ignore[union-attr]
    assert status == 4 and json.loads(text)["error"] == "invalid-handle"
    with pytest.raises(verdict.ClosedPolicyError):
        policy.decide(case)


@needs_native
def test_bad_arguments_raise_python_exceptions(policy: verdict.Policy) -> None:
    decide: Any = _library.native.decide  # type: ignore[union-attr]
    handle = policy._live_handle()
    case = b'{"id": "Q-1"}'
    with pytest.raises(TypeError, match="takes 3 arguments"):
        decide(handle, case)
    with pytest.raises(TypeError, match="takes 3 arguments"):
        decide(handle, case, None, None)
    with pytest.raises(TypeError, match="handle is an int"):
        decide(str(handle), case, None)
    with pytest.raises(TypeError, match="handle is an int"):
        decide(1.0, case, None)
    with pytest.raises(OverflowError):
        decide(-1, case, None)
    with pytest.raises(OverflowError):
        decide(1 << 64, case, None)
    with pytest.raises(TypeError, match="a case is bytes or str"):
        decide(handle, {"id": "Q-1"}, None)
    with pytest.raises(TypeError, match="a case is bytes or str"):
        decide(handle, bytearray(case), None)
    with pytest.raises(TypeError, match="options are bytes"):
        decide(handle, case, "{}")
    with pytest.raises(UnicodeEncodeError):
        decide(handle, '{"id": "\udc80"}', None)  # a lone surrogate has no UTF-8
    with pytest.raises(TypeError):
        decide(handle=handle, case=case, options=None)
    # A handle never given: the library's refusal, as the status and its JSON.
    status, text = decide(1 << 63, case, None)
    assert status == 4 and json.loads(text)["error"] == "invalid-handle"
    # And through Policy: the same clear errors as the ctypes path.
    with pytest.raises(TypeError, match="a case is a dict"):
        policy.decide(12)  # type: ignore[arg-type]
    with pytest.raises(verdict.ArgumentError):
        policy.decide('{"id": "\udc80"}')


@needs_native
def test_the_extension_before_init_and_with_a_bad_address() -> None:
    code = textwrap.dedent("""
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("verdict._native", sys.argv[1])
        native = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(native)
        for call in (lambda: native.decide(1, b"{}", None), lambda: native.init("0x1"), lambda: native.init(0)):
            try:
                call()
            except Exception as error:
                print(type(error).__name__, error)
    """)
    result = subprocess.run([sys.executable, "-c", code, str(verdict.native_extension())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "RuntimeError verdict._native.init() was not called: the library is not loaded",
        "TypeError init() takes the address of verdict_decide_into as an int, not str",
        "ValueError init() needs the address of verdict_decide_into, not 0",
    ]


def test_pure_python_turns_the_extension_off_and_require_native_refuses_it() -> None:
    env = dict(os.environ, VERDICT_PURE_PYTHON="1")
    env.pop("VERDICT_REQUIRE_NATIVE", None)
    probe = "import verdict; print(verdict.native_extension(), verdict.native_absent())"
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None turned off by VERDICT_PURE_PYTHON"
    env["VERDICT_REQUIRE_NATIVE"] = "1"
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImportError: VERDICT_REQUIRE_NATIVE is set but the binding would decide through ctypes: " \
           "turned off by VERDICT_PURE_PYTHON" in result.stderr


def test_a_package_without_the_extension_decides_through_ctypes(tmp_path: Path, case: dict[str, Any]) -> None:
    """What pip installs where no compiler or no Python headers are found: the same answers, by ctypes."""
    package = Path(verdict.__file__).parent
    shutil.copytree(package, tmp_path / "verdict", ignore=shutil.ignore_patterns("_native*.so", "__pycache__"))
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    for name in ("VERDICT_REQUIRE_NATIVE", "VERDICT_PURE_PYTHON"):
        env.pop(name, None)
    probe = textwrap.dedent("""
        import sys, verdict
        print(verdict.native_extension())
        print(verdict.native_absent())
        with verdict.Policy.load(sys.argv[1]) as policy:
            print(policy.decide(sys.argv[2]).json)
    """)
    result = subprocess.run([sys.executable, "-c", probe, str(QUALITY), json.dumps(case)], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "None"
    assert lines[1].startswith("the C extension verdict._native was not built (pip found no C compiler")
    with verdict.Policy.load(QUALITY) as policy:
        assert lines[2] == policy.decide(case).json
    # Where the extension is expected (CI, test.sh with a compiler), its absence fails the import.
    env["VERDICT_REQUIRE_NATIVE"] = "1"
    result = subprocess.run([sys.executable, "-c", "import verdict"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImportError: VERDICT_REQUIRE_NATIVE is set but the binding would decide through ctypes: " \
           "the C extension verdict._native was not built" in result.stderr


STAND_IN = r"""
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
static volatile int released = 0;
void release(void) { released = 1; }
/* verdict_decide_into's signature. Handle 1: waits (up to 5 s) for another thread to call release(),
 * which it can only do while the caller has given up the GIL. Handle 2: always too small. */
int decide_into(uint64_t handle, const char *c, size_t n, const char *o, char *buffer, size_t capacity,
                size_t *out_len) {
    (void)c; (void)n; (void)o;
    if (handle == 2) { *out_len = capacity + 10; return 6; }
    struct timespec pause = {0, 1000000};
    for (int i = 0; i < 5000 && !released; i++) nanosleep(&pause, NULL);
    const char *answer = released ? "\"released\"" : "\"held\"";
    *out_len = strlen(answer);
    if (capacity < *out_len + 1) return 6;
    memcpy(buffer, answer, *out_len + 1);
    return 0;
}
"""


@needs_native
def test_the_gil_is_released_during_the_call_and_a_growing_answer_gives_up(tmp_path: Path) -> None:
    """The extension called with a stand-in for verdict_decide_into (in a process of its own): another
    Python thread runs while the call waits for it, and an answer that never fits ends after three tries."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler built the extension, so one is there"
    (tmp_path / "stand_in.c").write_text(STAND_IN)
    library = tmp_path / "libstandin.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", str(library), str(tmp_path / "stand_in.c")], check=True)
    code = textwrap.dedent("""
        import ctypes, sys, threading, time
        import verdict
        from verdict import _library
        stand_in = ctypes.CDLL(sys.argv[1])
        native = _library.native
        native.init(ctypes.cast(stand_in.decide_into, ctypes.c_void_p).value)
        def other() -> None:
            time.sleep(0.05)
            stand_in.release()  # a ctypes call: needs the GIL
        thread = threading.Thread(target=other)
        thread.start()
        print(native.decide(1, b"{}", None))
        thread.join()
        print(native.decide(2, b"{}", None))
    """)
    result = subprocess.run([sys.executable, "-c", code, str(library)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ['"released"', "(6, '')"]
