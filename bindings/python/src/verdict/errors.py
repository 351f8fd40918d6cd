"""The errors of the binding: each library error status becomes an exception carrying its JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class PolicyIdentity:
    """Which policy version decided (or refused) a case."""

    name: str
    version: str
    effective: str
    digest: str

    @classmethod
    def from_json(cls, value: Any) -> Optional["PolicyIdentity"]:
        if not isinstance(value, dict):
            return None
        return cls(
            name=str(value.get("name", "")),
            version=str(value.get("version", "")),
            effective=str(value.get("effective", "")),
            digest=str(value.get("digest", "")),
        )


class VerdictError(Exception):
    """Any error the library reports. ``details`` is its JSON ({"error": name, "message", ...})."""

    def __init__(self, message: str, details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, Any] = details if details is not None else {}

    @property
    def kind(self) -> str:
        """The error's name in the library's JSON, e.g. "case-refused"."""
        return str(self.details.get("error", ""))


class VerdictLibraryError(VerdictError, ImportError):
    """libverdict.so is missing, cannot be loaded, or has another ABI version. Says where it looked."""


class PolicyError(VerdictError):
    """The policy set did not load: ``diagnostics`` (dicts with file, line, column, code, message, help)
    and ``text`` (the diagnostics as `verdict check` prints them, with the source lines)."""

    def __init__(self, message: str, details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        diagnostics = self.details.get("diagnostics")
        self.diagnostics: list[dict[str, Any]] = diagnostics if isinstance(diagnostics, list) else []
        self.text: str = str(self.details.get("text", message))

    def __str__(self) -> str:
        return self.text if self.text else self.message


class CaseError(VerdictError, ValueError):
    """The case was refused: ``problems`` (dicts with field, code, message, help), ``policy`` (the
    version that refused it, if one was picked) and ``case_id``."""

    def __init__(self, message: str, details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        problems = self.details.get("problems")
        self.problems: list[dict[str, Any]] = problems if isinstance(problems, list) else []
        self.policy: Optional[PolicyIdentity] = PolicyIdentity.from_json(self.details.get("policy"))
        case_id = self.details.get("case")
        self.case_id: Optional[str] = case_id if isinstance(case_id, str) else None

    def __str__(self) -> str:
        def line(problem: dict[str, Any]) -> str:
            field = problem.get("field")
            text = f"{field}: " if field else ""
            text += f"{problem.get('message', '')} [{problem.get('code', '')}]"
            if problem.get("help"):
                text += f"\n    help: {problem['help']}"
            return text

        if len(self.problems) == 1 and self.problems[0].get("message") == self.message:
            return line(self.problems[0])
        return "\n".join([self.message] + ["  " + line(problem) for problem in self.problems])


class RequestError(VerdictError, ValueError):
    """An option of the call cannot be read (``option`` names it): an unknown language or version,
    a why-not question the set cannot read, a time without offset."""

    def __init__(self, message: str, details: Optional[dict[str, Any]] = None) -> None:
        super().__init__(message, details)
        option = self.details.get("option")
        self.option: Optional[str] = option if isinstance(option, str) else None


class ArgumentError(VerdictError, ValueError):
    """An argument the library cannot take: a text that is not UTF-8 (a path or a case)."""


class ClosedPolicyError(VerdictError, RuntimeError):
    """The policy was closed (or its handle freed) before this call."""
