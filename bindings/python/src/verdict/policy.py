"""Policy (a loaded policy set, one handle of libverdict) and Decision (one answer)."""

from __future__ import annotations

import ctypes
import datetime as _dt
import json
import os
import threading
import weakref
from decimal import Decimal
from typing import Any, ClassVar, Literal, Mapping, NoReturn, Optional, Protocol, Sequence, Union

from . import _library
from .errors import (
    ArgumentError,
    CaseError,
    ClosedPolicyError,
    PolicyError,
    PolicyIdentity,
    RequestError,
    VerdictError,
)



class GeneratedCase(Protocol):
    """A case class `verdict codegen python` generated: the schema digest it was made from, and the
    case as a dict. ``Policy.decide`` sends the digest; the library refuses the case with
    CaseError (code "schema-changed") when the deciding version's fields or outputs differ."""

    SCHEMA_DIGEST: ClassVar[str]

    def to_case(self) -> dict[str, Any]: ...


Case = Union[Mapping[str, Any], str, bytes, GeneratedCase]
Explain = Union[bool, Literal["compact", "full"]]
Now = Union[_dt.datetime, str, None]

_new_object = object.__new__

_OK, _POLICY, _CASE, _REQUEST, _HANDLE, _ARGUMENT, _SPACE = 0, 1, 2, 3, 4, 5, 6


def _raise(status: int, text: str) -> NoReturn:
    """Raises the exception of an error status, built from the library's JSON."""
    try:
        details = json.loads(text)
    except ValueError:
        details = {"message": text}
    if not isinstance(details, dict):
        details = {"message": text}
    message = str(details.get("message", text))
    kinds: dict[int, type[VerdictError]] = {
        _POLICY: PolicyError,
        _CASE: CaseError,
        _REQUEST: RequestError,
        _HANDLE: ClosedPolicyError,
        _ARGUMENT: ArgumentError,
    }
    raise kinds.get(status, VerdictError)(message, details)


def _json_default(value: Any) -> Any:
    """Case values json cannot write: Decimal as its exact text, dates and times in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    raise TypeError(f"a case value of type {type(value).__name__} cannot be written as JSON: {value!r}")


def _case_bytes(case: Case) -> bytes:
    if _schema_digest(case) is not None and not isinstance(case, (bytes, str, Mapping)):
        case = case.to_case()
    if isinstance(case, bytes):
        return case
    if isinstance(case, str):
        try:
            return case.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ArgumentError(f"the case is not valid UTF-8 text: {error}", {"error": "invalid-argument"}) from None
    if isinstance(case, Mapping):
        try:
            text = json.dumps(case, ensure_ascii=False, default=_json_default, allow_nan=False)
            return text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ArgumentError(f"the case is not valid UTF-8 text: {error}", {"error": "invalid-argument"}) from None
        except ValueError as error:
            raise ArgumentError(f"the case cannot be written as JSON: {error}", {"error": "invalid-argument"}) from None
    raise TypeError(
        f"a case is a dict (a JSON object) or its JSON as str or bytes, not {type(case).__name__}"
    )


def _schema_digest(case: Any) -> Optional[str]:
    """The SCHEMA_DIGEST of a generated Case (a class with it and to_case()), else None."""
    digest = getattr(type(case), "SCHEMA_DIGEST", None)
    if isinstance(digest, str) and callable(getattr(case, "to_case", None)):
        return digest
    return None


def _options(explain: Explain, now: Now, why_not: Union[str, Sequence[str]], lang: Optional[str],
             format: Optional[str] = None, schema_digest: Optional[str] = None) -> Optional[bytes]:
    if explain is False and now is None and not why_not and lang is None and format is None and schema_digest is None:
        return None  # the library's defaults: no options to write
    options: dict[str, Any] = {}
    if explain is True or explain is False:
        if explain:
            options["explain"] = True
    elif explain in ("compact", "full"):
        options["explain"] = explain
    else:
        raise RequestError(f"explain is True, False, \"compact\" or \"full\", not {explain!r}",
                           {"error": "invalid-request", "option": "explain"})
    if now is not None:
        if isinstance(now, _dt.datetime):
            if now.tzinfo is None or now.utcoffset() is None:
                raise RequestError(f"now must be a datetime with a time zone (tzinfo), not the naive {now.isoformat()}",
                                   {"error": "invalid-request", "option": "now"})
            options["now"] = now.isoformat()
        else:
            options["now"] = now
    if isinstance(why_not, str):
        options["why_not"] = [why_not]
    elif why_not:
        options["why_not"] = list(why_not)
    if lang is not None:
        options["lang"] = lang
    if format is not None:
        options["format"] = format
    if schema_digest is not None:
        options["schema_digest"] = schema_digest
    if not options:
        return None
    try:
        return json.dumps(options, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, TypeError) as error:
        raise RequestError(f"the options cannot be written as JSON: {error}", {"error": "invalid-request"}) from None


class _Out(threading.local):
    """Each thread's out-parameters for the library's text, made once (ctypes objects are slow to make)."""

    def __init__(self) -> None:
        self.buffer = ctypes.c_void_p(None)
        self.length = ctypes.c_size_t(0)
        self.buffer_ref = ctypes.byref(self.buffer)
        self.length_ref = ctypes.byref(self.length)
        self.answers = _Answers(_Answers.INITIAL)


class _Answers:
    """A thread's buffer for verdict_decide_into: the answer is written into it, so a decision is one
    call into the library (no verdict_free). It grows to the longest answer the thread has had, up to
    KEPT bytes; a longer answer gets a buffer of its own for that call only."""

    INITIAL = 16 << 10
    KEPT = 1 << 20

    __slots__ = ("buffer", "capacity", "length", "length_ref")

    def __init__(self, capacity: int) -> None:
        self.buffer = ctypes.create_string_buffer(capacity)
        self.capacity = capacity
        self.length = ctypes.c_size_t(0)
        self.length_ref = ctypes.byref(self.length)

    def text(self, length: int) -> str:
        """The answer of `length` bytes in the buffer, as text."""
        raw = self.buffer.value  # up to the NUL: JSON holds none, so this is the whole answer
        if len(raw) != length:  # format "text" may: read by length instead
            raw = ctypes.string_at(self.buffer, length)
        return raw.decode("utf-8")


_out = _Out()


def _free_handle(handle: int) -> None:
    _library.library().verdict_policy_free(handle)


class Policy:
    """A loaded policy set (with its versions). Safe to share between threads; close it (or use it as
    a context manager) to free it in the library: it is also freed when garbage-collected."""

    def __init__(self, handle: int, path: str, warnings: list[dict[str, Any]]) -> None:
        self._handle = handle
        self._lock = threading.Lock()
        self.path = path
        #: Warnings the check reported (each a diagnostic dict); errors raise PolicyError instead.
        self.warnings = warnings
        self._finalizer = weakref.finalize(self, _free_handle, handle)
        self._lib = _library.library()
        self._decide_into = self._lib.verdict_decide_into
        # The C extension's decide (after library() gave it the library's verdict_decide_into), or None.
        self._native = None if _library.native is None else _library.native.decide

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Policy":
        """Loads, checks and compiles the policy set in the folder ``path``. Raises PolicyError with
        every diagnostic at file:line:column if it does not load."""
        lib = _library.library()
        text_path = os.fspath(path)
        if "\0" in text_path:  # a C string ends at its first NUL: "a\0b" would load "a"
            raise ArgumentError("a folder name cannot hold a NUL character", {"error": "invalid-argument"})
        try:
            encoded = text_path.encode("utf-8")
        except UnicodeEncodeError:
            encoded = os.fsencode(text_path)  # the library refuses what is not UTF-8, with its own error
        handle = ctypes.c_uint64(0)
        out = ctypes.c_void_p(None)
        length = ctypes.c_size_t(0)
        status = lib.verdict_policy_load(encoded, ctypes.byref(handle), ctypes.byref(out), ctypes.byref(length))
        try:
            text = _library.take_text(lib, out, length.value)
        except BaseException:
            if status == _OK:
                lib.verdict_policy_free(handle.value)  # loaded, but its report unreadable: not kept
            raise
        if status != _OK:
            _raise(status, text)
        report = json.loads(text)
        warnings = report.get("diagnostics", []) if isinstance(report, dict) else []
        return cls(int(handle.value), text_path, warnings)

    @property
    def closed(self) -> bool:
        return self._handle == 0

    def close(self) -> None:
        """Frees the set in the library. Closing twice is harmless; deciding after it raises
        ClosedPolicyError."""
        with self._lock:
            self._handle = 0
        self._finalizer()

    def __enter__(self) -> "Policy":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _live_handle(self) -> int:
        handle = self._handle
        if handle == 0:
            raise ClosedPolicyError(f"the policy {self.path} is closed", {"error": "invalid-handle"})
        return handle

    def _call(self, function: Any, *args: Any) -> str:
        out = _out
        status = function(self._live_handle(), *args, out.buffer_ref, out.length_ref)
        text = _library.take_text(self._lib, out.buffer, out.length.value)
        if status != _OK:
            if status == _HANDLE:
                raise ClosedPolicyError(f"the policy {self.path} is closed", json.loads(text))
            _raise(status, text)
        return text

    @property
    def info(self) -> dict[str, Any]:
        """The set: name, effective_by, in_force, versions (name, version, effective, digest, folder,
        fields, outputs), the engine's version and ABI."""
        result: dict[str, Any] = json.loads(self._call(_library.library().verdict_policy_info))
        return result

    def schema(self, version: Optional[str] = None) -> dict[str, Any]:
        """The JSON Schema of a case of ``version`` (as the set names it), or of the version in force now."""
        if version is not None and "\0" in version:  # a C string ends at its first NUL
            raise ArgumentError("a version cannot hold a NUL character", {"error": "invalid-argument"})
        encoded = None if version is None else version.encode("utf-8")
        result: dict[str, Any] = json.loads(self._call(_library.library().verdict_case_schema, encoded))
        return result

    def decide_json(self, case: Case, options: Optional[bytes] = None) -> str:
        """The library's answer as JSON text, for the raw options JSON of verdict_decide (see verdict.h)."""
        data = _case_bytes(case)
        return self._answer(data, options)

    def _answer(self, data: bytes, options: Optional[bytes]) -> str:
        """verdict_decide_into with this thread's buffer: one call into the library, and a second only
        when the answer is longer than the buffer (which then grows, up to _Answers.KEPT). Through the
        C extension when it is in use (_native.c: the same calls, its own per-thread buffer), else ctypes."""
        handle = self._handle
        if handle == 0:
            raise ClosedPolicyError(f"the policy {self.path} is closed", {"error": "invalid-handle"})
        native = self._native
        if native is not None:
            result = native(handle, data, options)
            if result.__class__ is str:
                return result
            status, text = result
            return self._failed(status, text)
        answers: _Answers = _out.answers
        status = self._decide_into(handle, data, len(data), options, answers.buffer, answers.capacity, answers.length_ref)
        if status == _SPACE:
            answers = self._grown(answers)
            status = self._decide_into(handle, data, len(data), options, answers.buffer, answers.capacity, answers.length_ref)
            if status == _SPACE:  # the answer changed length between the calls (a version came into force)
                answers = self._grown(answers)
                status = self._decide_into(handle, data, len(data), options, answers.buffer, answers.capacity, answers.length_ref)
        if status == _OK:  # answers.text, inlined: this is every decision's path
            raw = answers.buffer.value
            if len(raw) != answers.length.value:
                raw = ctypes.string_at(answers.buffer, answers.length.value)
            return raw.decode("utf-8")
        return self._failed(status, "" if status == _SPACE else answers.text(answers.length.value))

    def _failed(self, status: int, text: str) -> NoReturn:
        """The exception of a decision's error status and the library's JSON (any path)."""
        if status == _SPACE:
            raise VerdictError("the answer's length changed on every try", {"error": "buffer-too-small"})
        if status == _HANDLE:
            raise ClosedPolicyError(f"the policy {self.path} is closed", json.loads(text))
        _raise(status, text)

    @staticmethod
    def _grown(answers: _Answers) -> _Answers:
        """A buffer for the answer `answers.length` says is needed: this thread's, grown, or (past
        _Answers.KEPT) one for this call alone."""
        needed = answers.length.value + 1
        grown = _Answers(max(needed, 2 * answers.capacity))
        if grown.capacity <= _Answers.KEPT:
            _out.answers = grown
        return grown

    def decide(self, case: Case, *, explain: Explain = False, now: Now = None,
               why_not: Union[str, Sequence[str]] = (), lang: Optional[str] = None) -> "Decision":
        """Decides one case (a dict, its JSON as str or bytes, or a Case of a module `verdict codegen
        python` generated, whose schema digest goes with it) by the version in force on its date.

        explain: True (or "full") or "compact" adds the explanation; now: judge SLA clocks at this
        instant (a timezone-aware datetime or an RFC 3339 string); why_not: "output=value" questions;
        lang: "en" or "zh" adds the explanation as text. Raises CaseError when the case is refused,
        RequestError when an option cannot be read, ClosedPolicyError after close()."""
        native, handle = self._native, self._handle
        if native is not None and handle and type(case) is bytes and explain is False and now is None \
                and not why_not and lang is None:
            # The fast path (JSON bytes, no options, the C extension): _answer and Decision(...)
            # inlined, which halves what Python adds to the library's time (see docs/bindings.md).
            result = native(handle, case, None)
            if result.__class__ is not str:
                self._failed(*result)
            decision: Decision = _new_object(Decision)  # the slots Decision.__init__ sets, all of them
            decision._policy = self
            decision._case = case
            decision._now = None
            decision._why_not = ()
            decision.json = result
            decision._data = None
            return decision
        # A Case of a module `verdict codegen python` wrote goes with the digest it was made from,
        # which the library checks against the deciding version's (schema-changed).
        if type(case) is bytes:  # the fast path: the caller's bytes go to the library as they are
            digest, data = None, case
        else:
            digest, data = _schema_digest(case), _case_bytes(case)
        options = None if explain is False and now is None and not why_not and lang is None and digest is None \
            else _options(explain, now, why_not, lang, schema_digest=digest)
        return Decision(self, data, self._answer(data, options), now, why_not)


class Decision:
    """One answer: the JSON text the library returned (``json``), read into Python on first use.
    Numbers with a fraction are read as Decimal (money is exact)."""

    __slots__ = ("_policy", "_case", "_now", "_why_not", "json", "_data")

    def __init__(self, policy: Policy, case: bytes, text: str, now: Now,
                 why_not: Union[str, Sequence[str]]) -> None:
        self._policy = policy
        self._case = case
        self._now = now
        self._why_not = why_not
        #: The answer exactly as the library wrote it (the bytes `verdict decide` prints).
        self.json = text
        self._data: Optional[dict[str, Any]] = None

    @property
    def data(self) -> dict[str, Any]:
        """The whole answer as a dict."""
        if self._data is None:
            self._data = json.loads(self.json, parse_float=Decimal)
        return self._data

    @property
    def case_id(self) -> Optional[str]:
        value = self.data.get("case")
        return value if isinstance(value, str) else None

    @property
    def outputs(self) -> dict[str, Any]:
        outputs: dict[str, Any] = self.data.get("outputs", {})
        return outputs

    @property
    def policy(self) -> PolicyIdentity:
        identity = PolicyIdentity.from_json(self.data.get("policy"))
        assert identity is not None, "every answer names its policy"
        return identity

    @property
    def clocks(self) -> dict[str, Any]:
        clocks: dict[str, Any] = self.data.get("clocks", {})
        return clocks

    @property
    def explanation(self) -> Optional[dict[str, Any]]:
        """The explanation's JSON, when decided with explain=True or "compact"; else None."""
        explanation: Optional[dict[str, Any]] = self.data.get("explanation")
        return explanation

    @property
    def explanation_text(self) -> Optional[str]:
        """The explanation as text, when decided with lang=; else None."""
        text: Optional[str] = self.data.get("explanation_text")
        return text

    @property
    def why_not(self) -> list[dict[str, Any]]:
        """The answers to the why_not questions (each with question, output, current, outcome,
        alternatives, text); empty when none were asked."""
        answers: list[dict[str, Any]] = self.data.get("why_not", [])
        return answers

    def text(self, lang: str = "en") -> str:
        """The explanation as text for people, in ``lang`` ("en" or "zh"). This decides the case again
        (format "text", with the same now and why-not questions): the text is not kept with the answer."""
        options = _options(False, self._now, self._why_not, lang, format="text")
        return self._policy.decide_json(self._case, options)

    def __repr__(self) -> str:
        return f"Decision(case={self.case_id!r}, outputs={self.outputs!r})"
