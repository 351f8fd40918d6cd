#!/usr/bin/env bash
# Instructions per decision, counted by valgrind's callgrind: repeatable whatever else the machine
# is doing, so a regression shows even when wall-clock figures are noisy.
#
#   Benchmarks/instructions.sh [POLICY_SET ...]     (default: the four shipped sets)
#
# For each set and each loop of `verdict bench --only LOOP` it runs the loop twice (N and 2N
# decisions) and prints (count(2N) - count(N)) / N, so loading and setup cancel out.
# Loops: decide (prepared case, a new decision), reuse (into a reused decision), trace (with the
# compact trace), explain (trace + explanation as JSON), json (JSON in, decide, JSON out).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }
swift build -c release --product verdict >/dev/null
# valgrind 3.19 cannot read the DWARF 5 that Swift emits: count a copy without debug info.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/verdict
strip --strip-debug -o "$bin" .build/release/verdict
# valgrind 3.19 cannot follow an `async` main (Dispatch parks the main thread); `verdict` runs every
# command but `serve` synchronously for that reason (Sources/verdict/Main.swift). Say so if it breaks.
if ! valgrind --tool=none "$bin" --help >/dev/null 2>&1; then
  echo "valgrind cannot run this build of verdict: it crashes while the process starts." >&2
  echo "Check that Sources/verdict/Main.swift still runs non-async commands without dispatchMain()." >&2
  exit 2
fi
n=2000
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(quality-complaints customer-complaints service-standards after-sales-template)
count() {
  valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" "$bin" bench --policies "policies/$1" --only "$2" --iterations "$3" 2>&1 \
    | awk '/Collected/ {print $4}'
}
printf '%-22s %8s %8s %8s %8s %8s\n' "instructions/decision" decide reuse trace explain json
for set in "${sets[@]}"; do
  row=$(printf '%-22s' "$set")
  for loop in decide reuse trace explain json; do
    a=$(count "$set" "$loop" "$n"); b=$(count "$set" "$loop" $((2 * n)))
    row+=$(printf ' %8d' $(( (b - a) / n )))
  done
  echo "$row"
done
