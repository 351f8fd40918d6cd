"""Verdict from Python: load a policy set, decide cases, explain them.

    from verdict import Policy
    with Policy.load("policies/quality-complaints") as policy:
        decision = policy.decide({"id": "Q-1", ...})
        decision.outputs["approver"]

A binding over libverdict.so (see include/verdict.h) through ctypes: every decision is the Swift
library's own, the same JSON `verdict decide` prints. The library is found through the
VERDICT_LIBRARY environment variable or next to this package.
"""

from __future__ import annotations

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
]


def engine_version() -> str:
    """The version of the loaded libverdict ("major.minor.patch")."""
    version: bytes = _library.library().verdict_version()
    return version.decode("utf-8")


def live_handles() -> int:
    """How many policy handles are live in the library (for leak checks)."""
    return int(_library.library().verdict_live_handles())
