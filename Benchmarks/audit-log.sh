#!/usr/bin/env bash
# Decision-log benchmarks (issue 10), with the release build:
#   decide --batch of N cases, unlogged and with --log sqlite: (goal ≥ 150,000 cases/s, ≤ 1/5 cost);
#   audit verify of those N records (goal ≤ 10 s); audit show and audit proof of one case (goal ≤ 50 ms each);
#   (issue 35) a second log of the same N cases decided in C batches, `audit checkpoint` after each:
#   the first and the last checkpoint's time, and audit verify of that log (C version 2 checkpoints).
# Usage: Benchmarks/audit-log.sh [N] [C]   (defaults 1000000 and 10; needs about 3 GB in $TMPDIR)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
c=${2:-10}
swift build -c release --product verdict >/dev/null
v=.build/release/verdict
p=policies/quality-complaints
dir=$(mktemp -d "${TMPDIR:-/tmp}/verdict-audit-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
now=2026-03-05T10:00:00+08:00
ms() { echo $(( $(date +%s%N) / 1000000 )); }
$v generate --policies $p --count "$n" --seed 7 >"$dir/cases.jsonl"

t0=$(ms); $v decide --policies $p --batch "$dir/cases.jsonl" --now $now >/dev/null; t1=$(ms)
plain=$((t1 - t0))
t0=$(ms); $v decide --policies $p --batch "$dir/cases.jsonl" --now $now --log "sqlite:$dir/log.db" >/dev/null; t1=$(ms)
logged=$((t1 - t0))
$v audit keygen --out "$dir/op.key" >/dev/null
$v audit checkpoint --log "sqlite:$dir/log.db" --key "$dir/op.key" >/dev/null
t0=$(ms); $v audit verify --log "sqlite:$dir/log.db" --key "$dir/op.key.pub" >/dev/null; t1=$(ms)
verify=$((t1 - t0))
id=$(sed -n "$((n / 2))p" "$dir/cases.jsonl" | sed 's/.*"id":"\([^"]*\)".*/\1/')
best() {  # fastest of 5 runs, in ms
    local b=999999
    for _ in 1 2 3 4 5; do
        local a; a=$(ms); "$@" >/dev/null; local c; c=$(ms)
        (( c - a < b )) && b=$((c - a))
    done
    echo $b
}
show=$(best $v audit show "$id" --log "sqlite:$dir/log.db")
proof=$(best $v audit proof "$id" --log "sqlite:$dir/log.db")
size=$(du -m "$dir/log.db" | cut -f1)

# The same cases in C batches, a checkpoint after each.
split -n l/"$c" -d -a 4 "$dir/cases.jsonl" "$dir/part."
cps=()
for part in "$dir"/part.*; do
    $v decide --policies $p --batch "$part" --now $now --log "sqlite:$dir/cp.db" >/dev/null
    t0=$(ms); $v audit checkpoint --log "sqlite:$dir/cp.db" --key "$dir/op.key" >/dev/null; t1=$(ms)
    cps+=($((t1 - t0)))
done
t0=$(ms); $v audit verify --log "sqlite:$dir/cp.db" --key "$dir/op.key.pub" >/dev/null; t1=$(ms)
verifycp=$((t1 - t0))
rate() { awk -v n="$n" -v t="$1" 'BEGIN { printf "%d", n / (t / 1000) }'; }
echo "cases: $n (quality-complaints, seed 7); log file: ${size} MB"
echo "decide --batch, unlogged:            ${plain} ms  ($(rate $plain) cases/s)"
echo "decide --batch --log sqlite:         ${logged} ms  ($(rate $logged) cases/s; logging costs $(awk -v a=$plain -v b=$logged 'BEGIN { printf "%.0f", (b - a) * 100 / a }')% of the unlogged time)"
echo "audit verify (1 checkpoint):         ${verify} ms"
echo "audit checkpoint, $c batches:        first ${cps[0]} ms, last ${cps[${#cps[@]}-1]} ms (all: ${cps[*]})"
echo "audit verify ($c checkpoints):       ${verifycp} ms"
echo "audit show (case $id, best of 5):    ${show} ms"
echo "audit proof (case $id, best of 5):   ${proof} ms"
