"""The optional C extension verdict._native (the decision call without ctypes' per-call cost).

Everything else is in pyproject.toml. The extension does not link libverdict: the binding hands it
the address of verdict_decide_into from the library ctypes loaded. optional=True: where no C compiler
or no Python headers (Debian's python3-dev) are found, pip installs the package without it, and the
binding decides through ctypes (verdict.native_extension() tells which is in use).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "verdict._native",
            sources=["src/verdict/_native.c"],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
            optional=True,
        )
    ]
)
