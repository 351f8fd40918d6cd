"""Finding and loading libverdict.so, and declaring its functions for ctypes.

The library is looked for in the ``VERDICT_LIBRARY`` environment variable (a path to the .so) and
then next to this package (``libverdict.so`` inside the installed ``verdict`` folder). It is loaded
once, on first use, and its ABI version is checked before any other call.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Optional

from .errors import VerdictLibraryError

# The decision call's C extension (_native.c), when pip built it and VERDICT_PURE_PYTHON does not turn
# it off; else None and the reason, and decisions go through ctypes (the same answers, slower).
# VERDICT_REQUIRE_NATIVE=1 (set by the test script where a compiler and Python's headers are there)
# makes its absence an ImportError instead of a silent fallback.
native: Optional[ModuleType]
native_absent: Optional[str] = None
if os.environ.get("VERDICT_PURE_PYTHON", "") not in ("", "0"):
    native, native_absent = None, "turned off by VERDICT_PURE_PYTHON"
else:
    try:
        native = importlib.import_module(f"{__package__}._native")
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}._native":
            raise
        native, native_absent = None, ("the C extension verdict._native was not built (pip found no C compiler "
                                       "or no Python headers, python3-dev, when it installed the package)")
    except ImportError as error:
        native, native_absent = None, f"the C extension verdict._native does not load: {error}"
if native is None and os.environ.get("VERDICT_REQUIRE_NATIVE", "") not in ("", "0"):
    raise ImportError(f"VERDICT_REQUIRE_NATIVE is set but the binding would decide through ctypes: {native_absent}")

#: The ABI version of include/verdict.h this binding was written for.
ABI_VERSION = 1

# A buffer the library returns: its address, as c_void_p so it can be reset to NULL before each call.
_Buffer = ctypes.c_void_p


def candidates() -> list[Path]:
    """Where the library is looked for, in order: $VERDICT_LIBRARY, then beside the package."""
    places: list[Path] = []
    explicit = os.environ.get("VERDICT_LIBRARY")
    if explicit:
        places.append(Path(explicit))
    places.append(Path(__file__).resolve().parent / "libverdict.so")
    return places


def open_library(path: Path) -> ctypes.CDLL:
    """Loads the library at ``path``, checks its ABI version and declares every function's types."""
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as error:
        raise VerdictLibraryError(f"libverdict could not be loaded from {path}: {error}") from None
    try:
        lib.verdict_abi_version.argtypes = []
        lib.verdict_abi_version.restype = ctypes.c_uint32
        found = int(lib.verdict_abi_version())
    except AttributeError:
        raise VerdictLibraryError(f"{path} is not libverdict: it has no verdict_abi_version function") from None
    if found != ABI_VERSION:
        raise VerdictLibraryError(
            f"{path} has ABI version {found}, this binding needs {ABI_VERSION}: "
            "install the binding and the library of the same Verdict release"
        )
    u64, size, text = ctypes.c_uint64, ctypes.c_size_t, ctypes.c_char_p
    out, out_len = ctypes.POINTER(_Buffer), ctypes.POINTER(size)
    declarations: dict[str, tuple[list[type], Optional[type]]] = {
        "verdict_version": ([], text),
        "verdict_free": ([_Buffer], None),
        "verdict_policy_load": ([text, ctypes.POINTER(u64), out, out_len], ctypes.c_int),
        "verdict_policy_free": ([u64], ctypes.c_int),
        "verdict_policy_info": ([u64, out, out_len], ctypes.c_int),
        "verdict_case_schema": ([u64, text, out, out_len], ctypes.c_int),
        "verdict_decide": ([u64, text, size, text, out, out_len], ctypes.c_int),
        # The answer into the caller's buffer (a ctypes char array, passed as char*): one crossing.
        "verdict_decide_into": ([u64, text, size, text, text, size, out_len], ctypes.c_int),
        "verdict_bench_answer": ([u64, text, size, text, u64, ctypes.POINTER(u64)], ctypes.c_int),
        "verdict_live_handles": ([], u64),
    }
    for name, (argtypes, restype) in declarations.items():
        try:
            function = getattr(lib, name)
        except AttributeError:
            raise VerdictLibraryError(f"{path} is not libverdict of ABI {ABI_VERSION}: it has no {name} function") from None
        function.argtypes = argtypes
        function.restype = restype
    return lib


_lock = threading.Lock()
_library: Optional[ctypes.CDLL] = None


def library() -> ctypes.CDLL:
    """The loaded library (loaded on the first call), or VerdictLibraryError saying where it looked."""
    global _library
    if _library is not None:
        return _library
    with _lock:
        if _library is None:
            explicit = os.environ.get("VERDICT_LIBRARY")
            if explicit and not Path(explicit).is_file():
                raise VerdictLibraryError(
                    f"VERDICT_LIBRARY is {explicit}, which is not a file: set it to the path of libverdict.so "
                    "(bindings/build-library.sh prints its folder)"
                )
            places = candidates()
            for place in places:
                if place.is_file():
                    lib = open_library(place)
                    if native is not None:  # the extension calls the library ctypes loaded: found the one way
                        address = ctypes.cast(lib.verdict_decide_into, ctypes.c_void_p).value
                        assert address is not None, "a function ctypes found has an address"
                        native.init(address)
                    _library = lib
                    break
            else:
                looked = ", ".join(str(p) for p in places)
                raise VerdictLibraryError(
                    f"libverdict.so was not found; looked in: {looked}. Set VERDICT_LIBRARY to the path of "
                    "libverdict.so (bindings/build-library.sh prints its folder) or copy it into the verdict package folder"
                )
        return _library


def take_text(lib: ctypes.CDLL, buffer: ctypes.c_void_p, length: int) -> str:
    """The text of a buffer the library returned, then frees the buffer (and forgets its address)."""
    address = buffer.value
    if not address:
        raise MemoryError("libverdict returned no buffer (out of memory)")
    buffer.value = None
    try:
        return ctypes.string_at(address, length).decode("utf-8")
    finally:
        lib.verdict_free(address)
