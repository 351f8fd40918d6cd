#!/usr/bin/env bash
# Every binding's per-call cost in one run (issue 31): the release libverdict.so, then C (bench.c),
# Python (python_bench.py, with the zen-engine comparison), Java (java_bench) and Go (go/), each for
# about SECONDS per measurement, one after the other on the same quiet machine. Prints each language's
# JSON line, then a table: the library's own JSON-in/JSON-out decision per call, the call through the
# binding, the difference, and calls per second. Not a test: run by hand; bounded in time.
# Usage: Benchmarks/bindings/run.sh [SECONDS]   (default 2; VERDICT_LIBDIR=folder uses a libverdict.so
# built already, such as .build/libverdict/release, instead of building the release library)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-2}
lib=${VERDICT_LIBDIR:-$(bindings/build-library.sh release)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 -std=c11 -I include Benchmarks/bindings/bench.c -L "$lib" -lverdict -Wl,-rpath,"$lib" -o "$out/bench"
{
  "$out/bench" "$(pwd)" "$seconds"
  # The zen-engine comparison needs `pip install zen-engine`; without it, it is skipped (and says so).
  zen=()
  python3 -c 'import zen' 2>/dev/null || { zen=(--no-zen); echo "zen-engine is not installed: its comparison is skipped" >&2; }
  VERDICT_LIBRARY="$lib/libverdict.so" python3 Benchmarks/bindings/python_bench.py --seconds "$seconds" "${zen[@]}" 2>"$out/python.txt" | tail -1
  Benchmarks/bindings/java_bench/bench.sh "$lib" "$seconds" | tail -1
  (cd Benchmarks/bindings/go && VERDICT_LIBRARY="$lib/libverdict.so" GOFLAGS=-mod=mod GOPROXY=off go run . "$(cd ../../.. && pwd)" "$seconds") | tail -1
} | tee "$out/lines.jsonl"
cat "$out/python.txt" >&2
python3 - "$out/lines.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
print(f"\n{'language':<10}{'library µs':>12}{'call µs':>10}{'overhead µs':>13}{'calls/s':>10}")
for r in rows:
    print(f"{r['language']:<10}{r['library_ns']/1000:>12.2f}{r['call_ns']/1000:>10.2f}{r['overhead_ns']/1000:>13.2f}{r['calls_per_s']:>10.0f}")
PY
