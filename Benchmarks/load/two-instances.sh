#!/usr/bin/env bash
# Two `verdict serve` instances sharing one PostgreSQL decision log (issue 30), loopback only, bounded
# in time (DURATION, default 30s, plus start-up and the audit):
#
#   PG_START=1 Benchmarks/load/two-instances.sh          # starts a throwaway PostgreSQL with .ci/postgres
#   VERDICT_TEST_POSTGRES_URL=postgres://… SKIP_BUILD=1 Benchmarks/load/two-instances.sh
#
# Both serve one copy of quality-complaints with `--log postgres://…` (a new database of their own on
# that server, dropped at the end unless KEEP_DB=1) at `--log-level notice`. One wrk per instance
# (1 thread, CONNECTIONS/2 keep-alive connections each, default 32) posts real cases (verdict generate
# --seed 7), each with a case id of its own (unique.lua). Halfway through, the shared folder is edited
# (policy.yaml's version 1.0.0 -> 1.0.1, a new digest) and both reload through their watchers. Then
# both are stopped with SIGTERM, and it prints requests/s per instance, the decision records and
# events in the log against the 200 answers, the version each instance ended on, the version events,
# and `verdict audit verify`. Exits non-zero when a request failed, the log holds fewer decisions
# than were answered 200 (wrk counts answers, it does not list them: the per-id check is the test
# TwoServeInstancesTests) or a case id twice, the sequence numbers have a gap, a decision is numbered
# before its version's activated event (or its version has none), the instances end on different
# versions, or verify fails. Ports: PORT (default 18180) and PORT+1. Needs wrk (apt-get install -y
# wrk) and psql.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
build=${SKIP_BUILD:-0}
DURATION=${DURATION:-30s}
SKIP_BUILD=1 . Benchmarks/load/common.sh
[ "$build" = 1 ] || swift build -c release --product verdict >&2
VERDICT=${VERDICT:-$ROOT/.build/release/verdict}
PORT_B=${PORT_B:-$((PORT + 1))}
PER=$((CONNECTIONS / 2))
WORK=$(mktemp -d /tmp/verdict-two.XXXXXX)
PIDS=()
WRK=()
PG_DIR=
DB_URL=
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$DB_URL" ] && [ "${KEEP_DB:-0}" != 1 ]; then psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true; fi
  [ -n "$PG_DIR" ] && .ci/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

PG_URL=${VERDICT_TEST_POSTGRES_URL:-}
if [ -z "$PG_URL" ] && [ "${PG_START:-0}" = 1 ]; then
  eval "$(.ci/postgres start)"
  PG_URL=$VERDICT_TEST_POSTGRES_URL PG_DIR=$VERDICT_TEST_POSTGRES_DIR
fi
[ -n "$PG_URL" ] || { echo "no PostgreSQL: set VERDICT_TEST_POSTGRES_URL or PG_START=1" >&2; exit 1; }
DB=verdict_two_$(date +%s)_$$
psql "$PG_URL" -q -c "CREATE DATABASE $DB" >/dev/null
DB_URL="${PG_URL%/*}/$DB"
sql() { psql "$DB_URL" -Atq -c "$1"; }

"$VERDICT" generate --policies policies/quality-complaints --count 2000 --seed 7 > "$WORK/cases.jsonl"
cp -r policies/quality-complaints "$WORK/quality-complaints"
rm -rf "$WORK/quality-complaints/versions"
cp -r policies/calendars "$WORK/calendars"

for i in a b; do
  port=$PORT; [ "$i" = b ] && port=$PORT_B
  "$VERDICT" serve --policies "$WORK/quality-complaints" --port "$port" --log-level notice --log "$DB_URL" 2> "$WORK/$i.stderr" & PIDS+=($!)
done
wait_for "http://127.0.0.1:$PORT/readyz"
wait_for "http://127.0.0.1:$PORT_B/readyz"
digest() { curl -s "http://127.0.0.1:$1/v1/policies/quality-complaints" | python3 -c 'import json, sys; print(json.load(sys.stdin)["digest"])'; }
BEFORE_A=$(digest "$PORT")

D=/v1/policies/quality-complaints/decide
for i in a b; do
  port=$PORT; [ "$i" = b ] && port=$PORT_B
  CASES=$WORK/cases.jsonl TARGET_PATH=$D PREFIX=$i timeout 600 wrk -t1 -c"$PER" -d"$DURATION" --latency -s Benchmarks/load/unique.lua \
    "http://127.0.0.1:$port" > "$WORK/$i.txt" & WRK+=($!)
done
# Halfway: a new version in the shared folder.
seconds=${DURATION%s}
sleep $((seconds / 2))
sed -i 's/^  version: "1.0.0"/  version: "1.0.1"/' "$WORK/quality-complaints/policy.yaml"
for pid in "${WRK[@]}"; do wait "$pid"; done
AFTER_A=$(digest "$PORT") AFTER_B=$(digest "$PORT_B")
for pid in "${PIDS[@]}"; do kill -TERM "$pid"; done
for pid in "${PIDS[@]}"; do wait "$pid" || { echo "an instance exited with status $?" >&2; }; done
PIDS=()

status=0
fail() { echo "FAIL: $*"; status=1; }
track() { awk -v k="$2" '/^TRACK/ {for (i = 2; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2)}' "$WORK/$1.txt"; }
OK=0
echo
echo "two instances, one PostgreSQL log: wrk -t1 -c$PER -d$DURATION per instance, loopback, $(nproc) cores shared by both wrk, both servers and PostgreSQL"
echo
echo "| instance | requests/s | p50 | p99 | 200 answers | other answers | versions answered |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for i in a b; do
  ok=$(track "$i" ok) failed=$(track "$i" failed)
  OK=$((OK + ok))
  seen=$(awk '/^TRACK/ {sub(/^.*digests=/, ""); for (i = 1; i <= NF; i++) printf "%s… ", substr($i, 1, 19)}' "$WORK/$i.txt")
  echo "| $i | $(rps "$i") | $(pct "$i" 50) ms | $(pct "$i" 99) ms | $ok | $failed | $seen|"
  [ "$failed" = 0 ] || fail "instance $i: $failed requests not answered 200"
done
RECORDS=$(sql "SELECT count(*) FROM verdict_records")
DISTINCT=$(sql "SELECT count(DISTINCT case_id) FROM verdict_records")
EVENTS=$(sql "SELECT count(*) FROM verdict_events")
SIZE=$(sql "SELECT size FROM verdict_state")
SEQS=$(sql "SELECT count(*) || ' ' || coalesce(min(seq), 0) || ' ' || coalesce(max(seq), -1) FROM (SELECT seq FROM verdict_records UNION ALL SELECT seq FROM verdict_events) s")
echo
echo "log: $RECORDS decision records ($DISTINCT case ids) and $EVENTS events, tree size $SIZE; $OK answered 200"
[ "$RECORDS" = "$DISTINCT" ] || fail "$((RECORDS - DISTINCT)) decisions recorded twice"
[ "$RECORDS" -ge "$OK" ] || fail "$((OK - RECORDS)) answered decisions missing from the log"
[ "$SEQS" = "$SIZE 0 $((SIZE - 1))" ] || fail "sequence numbers (count, min, max) $SEQS for a tree of $SIZE"
# The answers wrk counted are those received before it stopped; the requests then in flight (at most one
# per connection) may be recorded without being counted.
[ "$((RECORDS - OK))" -le "$CONNECTIONS" ] || fail "$((RECORDS - OK)) more records than answers, more than the $CONNECTIONS connections in flight"
echo "versions: both started on ${BEFORE_A:0:19}…, ended on a ${AFTER_A:0:19}…, b ${AFTER_B:0:19}…"
[ "$AFTER_A" = "$AFTER_B" ] && [ "$AFTER_A" != "$BEFORE_A" ] || fail "the instances did not both reload to one new version"
echo "version events: $(sql "SELECT string_agg(convert_from(body, 'UTF8')::json->>'event' || ' ' || (convert_from(body, 'UTF8')::json->>'version') || ' ' || (convert_from(body, 'UTF8')::json->>'trigger'), ', ' ORDER BY seq) FROM verdict_events")"
# A decision whose version has no activated event at all counts too (min() is NULL there).
EARLY=$(sql "SELECT count(*) FROM verdict_records r WHERE r.seq < coalesce((SELECT min(seq) FROM verdict_events e WHERE convert_from(e.body, 'UTF8')::json->>'event' = 'activated' AND convert_from(e.body, 'UTF8')::json->>'digest' = r.digest), 9223372036854775807)")
[ "$EARLY" = 0 ] || fail "$EARLY decisions numbered before their version's first activated event, or with none"
start=$(date +%s.%N)
if "$VERDICT" audit verify --log "$DB_URL" > "$WORK/verify.txt" 2>&1; then
  echo "audit verify ($(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f s", e - s}')): $(head -1 "$WORK/verify.txt")"
else
  fail "audit verify: $(cat "$WORK/verify.txt")"
fi
exit $status
