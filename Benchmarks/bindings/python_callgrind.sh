#!/usr/bin/env bash
# Instructions per decision from Python, counted by callgrind (valgrind from Debian): each way of
# deciding the quality-complaints sample case runs N and then 2N times in a fresh process (after 100
# warm-up calls); (instructions of 2N - instructions of N) / N is one call's count, start-up cancelled.
#   library   verdict_bench_answer (the Swift library's own loop, never crossing the boundary)
#   binding   policy.decide(bytes) of the binding in bindings/python/src (or BINDING=folder), through its
#             C extension verdict._native (built here from src/verdict/_native.c with setup.py build_ext)
#   ctypes    policy.decide(bytes), the same binding with the extension off (its ctypes path)
#   native    the bare call of the extension, verdict._native.decide(handle, bytes, None)
#   decide    the bare ctypes call of verdict_decide, the text copied out, verdict_free
#   into      the bare ctypes call of verdict_decide_into into a kept buffer, the text read
# WAYS="binding" picks some. Not a test: run by hand. Usage: Benchmarks/bindings/python_callgrind.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
lib=${VERDICT_LIBRARY:-$(bindings/build-library.sh release)/libverdict.so}
binding=${BINDING:-bindings/python/src}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind gives up on the debug information of Swift's release build: count a copy without it.
objcopy --strip-debug "$lib" "$out/libverdict.so"
lib=$out/libverdict.so
# The binding with its extension compiled as pip would (setup.py, Python's own flags), in a folder of its own.
mkdir -p "$out/binding"
cp -r "$binding/verdict" "$out/binding/verdict"
rm -f "$out/binding/verdict/libverdict.so" "$out"/binding/verdict/_native*.so
(cd bindings/python && python3 setup.py -q build_ext --build-lib "$out/binding" --build-temp "$out/obj" 2>/dev/null)
binding=$out/binding
cat > "$out/run.py" <<'PY'
import ctypes, sys
sys.path.insert(0, sys.argv[3])
import verdict
from verdict import _library
way, n = sys.argv[1], int(sys.argv[2])
case = open("policies/quality-complaints/examples/henan-tier3.json", "rb").read()
policy = verdict.Policy.load("policies/quality-complaints")
lib, handle = _library.library(), policy._live_handle()
ns = ctypes.c_uint64(0)
out, length = ctypes.c_void_p(None), ctypes.c_size_t(0)
out_ref, length_ref = ctypes.byref(out), ctypes.byref(length)
buffer = ctypes.create_string_buffer(64 << 10)
def call(k):
    if way == "library":
        lib.verdict_bench_answer(handle, case, len(case), None, k, ctypes.byref(ns))
    elif way == "binding":
        assert verdict.native_extension(), verdict.native_absent()
        for _ in range(k): policy.decide(case)
    elif way == "ctypes":
        policy._native = None
        for _ in range(k): policy.decide(case)
    elif way == "native":
        native = _library.native.decide
        for _ in range(k): native(handle, case, None)
    elif way == "decide":
        for _ in range(k):
            lib.verdict_decide(handle, case, len(case), None, out_ref, length_ref)
            ctypes.string_at(out, length.value).decode()
            lib.verdict_free(out)
    else:
        for _ in range(k):
            lib.verdict_decide_into(handle, case, len(case), None, buffer, 64 << 10, length_ref)
            buffer.value.decode()
call(100)
call(n)
PY
# The interpreter itself (python3 may be a wrapper script, such as pyenv's, which callgrind would count).
py=$(python3 -c 'import sys; print(sys.executable)')
# Swift's and Python's hashing are seeded per process, which moves the counts by ~1,000 between runs:
# fixed here, so that two runs of a way give the same count.
count() {
  SWIFT_DETERMINISTIC_HASHING=1 PYTHONHASHSEED=0 VERDICT_LIBRARY="$lib" valgrind --tool=callgrind --callgrind-out-file="$out/cg" "$py" "$out/run.py" "$1" "$2" "$binding" \
    2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
printf '%-8s %14s %14s\n' way instructions/call "over library"
for way in ${WAYS:-library binding ctypes native decide into}; do
  a=$(count "$way" "$n"); b=$(count "$way" $((2 * n)))
  per=$(( (b - a) / n ))
  if [ "$way" = library ]; then base=$per; fi
  printf '%-8s %14d %14s\n' "$way" "$per" "${base:+$((per - base))}"
done
