#!/usr/bin/env bash
# The Python binding's test: copies libverdict.so into the package, installs it with pip (as a user
# would: `pip install ./bindings/python`), checks the types with mypy --strict, runs the pytest suite
# (every API, every bad input, many threads, the README's example) through the C extension and again
# through ctypes. Usage: bindings/python/test.sh [LIBDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-$(bindings/build-library.sh debug)}
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
pip_install() {
  python3 -m pip install --quiet "$@" || python3 -m pip install --quiet --break-system-packages "$@"
}
# The stand-in libraries of the missing-library tests, and the C extension verdict._native, are built
# with a C compiler; the extension also needs Python's headers (Debian's python3-dev).
if ! command -v cc >/dev/null; then
  apt-get update -qq && apt-get install -y -qq gcc >/dev/null
fi
headers() { test -f "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h"; }
if ! headers && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-dev >/dev/null || true
fi
# Where the extension can be built it must be (a failed build fails the run, not a silent fallback to
# ctypes); CI sets VERDICT_REQUIRE_NATIVE=1 itself. Where it cannot, say so and test the ctypes path.
if [ -z "${VERDICT_REQUIRE_NATIVE:-}" ]; then
  if command -v cc >/dev/null && headers; then
    export VERDICT_REQUIRE_NATIVE=1
  else
    echo "SKIPPED: the C extension verdict._native (no C compiler or no Python.h for $(python3 -c 'import sys; print(sys.executable)')):" \
      "the binding is tested through ctypes only" >&2
    export VERDICT_REQUIRE_NATIVE=0
  fi
fi
python3 -c 'import pytest, mypy' 2>/dev/null || pip_install pytest mypy
cp -f "$lib/libverdict.so" bindings/python/src/verdict/libverdict.so
pip_install --force-reinstall --no-deps ./bindings/python
rm -rf bindings/python/build
# The tests import the installed package, not the source folder, and find the library beside it.
unset VERDICT_LIBRARY
installed=$(cd /tmp && python3 -c 'import verdict, os; print(os.path.dirname(verdict.__file__))')
test -f "$installed/libverdict.so" && test -f "$installed/py.typed"
python3 -c 'import verdict; print("decisions through", verdict.native_extension() or f"ctypes: {verdict.native_absent()}")'
(cd bindings/python && python3 -m mypy --strict src tests)
cd bindings/python/tests
# The suite twice: through the extension (when built), then through ctypes (VERDICT_PURE_PYTHON=1).
python3 -m pytest -q -p no:cacheprovider --rootdir . -rs .
if [ "$VERDICT_REQUIRE_NATIVE" != 0 ]; then
  VERDICT_PURE_PYTHON=1 VERDICT_REQUIRE_NATIVE=0 python3 -m pytest -q -p no:cacheprovider --rootdir . .
fi
