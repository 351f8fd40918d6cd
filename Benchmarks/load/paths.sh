#!/usr/bin/env bash
# The service where users run it (issue 30): the ceiling and every production path in one run,
# loopback only, bounded in time (about 6 x DURATION plus the builds), printed as the issue's table.
#
#   Benchmarks/load/paths.sh                      # DURATION=10s, 2 wrk threads, 64 keep-alive connections
#   SKIP_BUILD=1 VERDICT=/path/to/verdict BARE=/path/to/BareServer Benchmarks/load/paths.sh
#   BEFORE=/path/to/older/verdict Benchmarks/load/paths.sh   # the same rows for an older build, same run
#
# Rows, each with wrk posting real cases (verdict generate --seed 7) to a fresh `verdict serve`:
#   ceiling      a bare Hummingbird route that reads the body and answers 300 fixed bytes (BareServer)
#   notice       decide with `--log-level notice` (no request lines)
#   default      decide with the default request log (one `info` line per request, stderr to a file)
#   explain      decide?explain=true, request log at notice
#   sqlite       decide with `--log sqlite:FILE` (group commit; request log at notice)
#   postgres     decide with `--log postgres://…` when PostgreSQL is reachable (VERDICT_TEST_POSTGRES_URL, or one
#                started with .ci/postgres when PG_START=1); skipped with the reason otherwise
# Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. Benchmarks/load/common.sh
VERDICT=${VERDICT:-$ROOT/.build/release/verdict}
BARE=${BARE:-$ROOT/Benchmarks/.build/release/BareServer}
WORK=$(mktemp -d /tmp/verdict-paths.XXXXXX)
PIDS=()
PG_DIR=
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$PG_DIR" ] && .ci/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

"$VERDICT" generate --policies policies/quality-complaints --count 2000 --seed 7 > "$WORK/cases.jsonl"
export CASES=$WORK/cases.jsonl
cp -r policies/quality-complaints "$WORK/quality-complaints"
rm -rf "$WORK/quality-complaints/versions"
cp -r policies/calendars "$WORK/calendars"

PG_URL=${VERDICT_TEST_POSTGRES_URL:-}
if [ -z "$PG_URL" ] && [ "${PG_START:-0}" = 1 ]; then
  eval "$(.ci/postgres start)"
  PG_URL=$VERDICT_TEST_POSTGRES_URL PG_DIR=$VERDICT_TEST_POSTGRES_DIR
fi

run_wrk() {  # name path port
  TARGET_PATH=$2 timeout 600 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s Benchmarks/load/cases.lua \
    "http://127.0.0.1:$3" > "$WORK/$1.txt"
  grep -E "Requests/sec|Non-2xx|Socket errors" "$WORK/$1.txt" | sed "s/^/$1: /" >&2 || true
}
non2xx() { awk '/Non-2xx/ {print $4}' "$WORK/$1.txt"; }

serve() {  # name binary path [serve options...]
  local name=$1 bin=$2 path=$3; shift 3
  "$bin" serve --policies "$WORK/quality-complaints" --port "$PORT" "$@" 2> "$WORK/$name.stderr" & PIDS+=($!)
  wait_for "http://127.0.0.1:$PORT/readyz"
  run_wrk "$name" "$path" "$PORT"
  kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true
}

"$BARE" --port "$BARE_PORT" & PIDS+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/"
run_wrk ceiling /bare "$BARE_PORT"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

D=/v1/policies/quality-complaints/decide
rows() {  # prefix binary
  local p=$1 bin=$2
  serve "${p}notice" "$bin" "$D" --log-level notice
  serve "${p}default" "$bin" "$D"
  serve "${p}explain" "$bin" "$D?explain=true" --log-level notice
  rm -f "$WORK/${p}decisions.db"*
  serve "${p}sqlite" "$bin" "$D" --log-level notice --log "sqlite:$WORK/${p}decisions.db"
  if [ -n "$PG_URL" ]; then
    psql "$PG_URL" -q -c "DROP SCHEMA public CASCADE; CREATE SCHEMA public;" >/dev/null 2>&1 || true
    serve "${p}postgres" "$bin" "$D" --log-level notice --log "$PG_URL"
  fi
}
rows "" "$VERDICT"
[ -n "${BEFORE:-}" ] && rows "before-" "$BEFORE"

CEIL=$(rps ceiling); CEIL99=$(pct ceiling 99)
line() {  # label name goal
  if [ ! -f "$WORK/$2.txt" ]; then echo "| $1 | skipped: ${4:-not run} | | | | $3 |"; return; fi
  local errs; errs=$(non2xx "$2")
  echo "| $1 | $(rps "$2") | $(pct "$2" 50) ms | $(pct "$2" 99) ms | $(ratio "$(rps "$2")" "$CEIL"), p99 $(times "$(pct "$2" 99)" "$CEIL99")${errs:+, $errs non-2xx} | $3 |"
}
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback, $(nproc) cores shared by wrk and the server; cases: verdict generate --seed 7"
echo
echo "| path | requests/s | p50 | p99 | vs ceiling | goal |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| bare Hummingbird route (ceiling) | $CEIL | $(pct ceiling 50) ms | $CEIL99 ms | 100% | |"
pgwhy="no PostgreSQL (set VERDICT_TEST_POSTGRES_URL or PG_START=1)"
for p in "" ${BEFORE:+before-}; do
  tag=${p:+ (before)}
  line "decide, --log-level notice$tag" "${p}notice" ""
  line "decide, default request log$tag" "${p}default" "≥ 70%, p99 ≤ 1.5×"
  line "decide?explain=true$tag" "${p}explain" "≥ 50%"
  line "decide, --log sqlite:$tag" "${p}sqlite" "≥ 60%, p99 ≤ 2×"
  line "decide, --log postgres://$tag" "${p}postgres" "≥ 50%" "$pgwhy"
done
