#!/usr/bin/env bash
# Instructions per decision, counted by valgrind's callgrind: repeatable whatever else the machine
# is doing, so a regression shows even when wall-clock figures are noisy.
#
#   Benchmarks/instructions.sh [POLICY_SET ...]     (default: the four shipped sets)
#
# For each set and each loop of `verdict bench --only LOOP` it runs the loop twice (N and 2N
# decisions) and prints (count(2N) - count(N)) / N, so loading and setup cancel out.
# Loops: decide (prepared case, a new decision), reuse (into a reused decision), trace (with the
# compact trace), explain (trace + explanation as JSON), json (JSON in, decide, JSON out), answer
# (the service's and the C library's path: PolicyVersions.answer, the JSON answer), whynot
# (what the service does for a decide with `why_not=approver=branch_manager`: the version, the
# question, the decision, the why-not answer, the JSON answer; "-" for a set without that output).
set -euo pipefail
export SWIFT_DETERMINISTIC_HASHING=1  # the same hash seeds every run: counts that differ only by a dictionary's layout are not a change
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
count() {  # set loop iterations: the instructions counted, or nothing when the loop failed
  local out
  if out=$(valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.out" "$bin" bench --policies "policies/$1" --only "$2" --iterations "$3" 2>&1); then
    echo "$out" | awk '/Collected/ {print $4}'
  fi
}
loops=(decide reuse trace explain json answer whynot)
printf '%-22s' "instructions/decision"; printf ' %8s' "${loops[@]}"; echo
for set in "${sets[@]}"; do
  row=$(printf '%-22s' "$set")
  for loop in "${loops[@]}"; do
    a=$(count "$set" "$loop" "$n"); b=$(count "$set" "$loop" $((2 * n)))
    # A loop the set cannot run (whynot without the question's output) prints "-".
    if [ -n "$a" ] && [ -n "$b" ]; then row+=$(printf ' %8d' $(( (b - a) / n ))); else row+=$(printf ' %8s' -); fi
  done
  echo "$row"
done
