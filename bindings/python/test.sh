#!/usr/bin/env bash
# The Python binding's test: copies libverdict.so into the package, installs it with pip (as a user
# would: `pip install ./bindings/python`), checks the types with mypy --strict, runs the pytest suite
# (every API, every bad input, many threads, the README's example). Usage: bindings/python/test.sh [LIBDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-$(bindings/build-library.sh debug)}
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
pip_install() {
  python3 -m pip install --quiet "$@" || python3 -m pip install --quiet --break-system-packages "$@"
}
# The stand-in libraries of the missing-library tests are built with a C compiler.
if ! command -v cc >/dev/null; then
  apt-get update -qq && apt-get install -y -qq gcc >/dev/null
fi
python3 -c 'import pytest, mypy' 2>/dev/null || pip_install pytest mypy
cp -f "$lib/libverdict.so" bindings/python/src/verdict/libverdict.so
pip_install --force-reinstall --no-deps ./bindings/python
rm -rf bindings/python/build
# The tests import the installed package, not the source folder, and find the library beside it.
unset VERDICT_LIBRARY
installed=$(cd /tmp && python3 -c 'import verdict, os; print(os.path.dirname(verdict.__file__))')
test -f "$installed/libverdict.so" && test -f "$installed/py.typed"
(cd bindings/python && python3 -m mypy --strict src tests)
cd bindings/python/tests && python3 -m pytest -q -p no:cacheprovider --rootdir . .
