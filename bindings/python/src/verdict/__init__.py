"""Verdict from Python: load a policy set, decide cases, explain them.

    from verdict import Policy
    with Policy.load("policies/quality-complaints") as policy:
        decision = policy.decide({"id": "Q-1", ...})
        decision.outputs["approver"]

A binding over libverdict.so (see include/verdict.h) through ctypes, with decisions through the C
extension verdict._native when pip could build it (native_extension() says): every decision is the Swift
library's own, the same JSON `verdict decide` prints. The library is found through the
VERDICT_LIBRARY environment variable or next to this package.
"""

from __future__ import annotations

from typing import Optional

from . import _library
from .errors import (
    ArgumentError,
    CaseError,
    ClosedPolicyError,
    PolicyError,
    PolicyIdentity,
    RequestError,
    VerdictError,
    VerdictLibraryError,
)
from .policy import Case, Decision, GeneratedCase, Policy

__all__ = [
    "ArgumentError",
    "Case",
    "CaseError",
    "ClosedPolicyError",
    "Decision",
    "GeneratedCase",
    "Policy",
    "PolicyError",
    "PolicyIdentity",
    "RequestError",
    "VerdictError",
    "VerdictLibraryError",
    "engine_version",
    "live_handles",
    "native_absent",
    "native_extension",
]


def engine_version() -> str:
    """The version of the loaded libverdict ("major.minor.patch")."""
    version: bytes = _library.library().verdict_version()
    return version.decode("utf-8")


def live_handles() -> int:
    """How many policy handles are live in the library (for leak checks)."""
    return int(_library.library().verdict_live_handles())


def native_extension() -> Optional[str]:
    """The file of the C extension that makes decisions (verdict._native, built by pip where a C
    compiler and Python's headers are found), or None when they go through ctypes: not built, or
    turned off with VERDICT_PURE_PYTHON=1. Both give the same answers; the extension costs less a call."""
    native = _library.native
    return None if native is None else str(native.__file__)


def native_absent() -> Optional[str]:
    """Why decisions go through ctypes (None when the C extension is in use)."""
    return _library.native_absent
