#!/usr/bin/env bash
# Load test of `verdict serve`, loopback only, bounded in time (about 5 x DURATION plus the build).
#
#   Benchmarks/load/run.sh                 # DURATION=10s, 2 wrk threads, 64 keep-alive connections
#   DURATION=30s SKIP_BUILD=1 Benchmarks/load/run.sh
#
# In one run it measures, with wrk posting real cases (verdict generate, seeded):
#   1. the ceiling: a bare Hummingbird route that reads the body and answers a fixed 300-byte JSON
#      (BareServer, an executable of the Benchmarks package: same server setup, no routing by name,
#      no decision; its first build compiles Hummingbird again, into Benchmarks/.build);
#   2. POST /v1/policies/quality-complaints/decide;
#   3. the same with ?explain=true;
#   4. decide with one log line per request (the default log level), written to a file;
#   5. decide while the policy is reloaded every 100 ms, alternating a good edit and a broken one
#      (a misspelled field, then an edit that fails the set's own YAML tests): counts failed
#      requests and the digests that answered, which must all be good versions.
# Prints a Markdown table with the issue's goals. Needs wrk (apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
. Benchmarks/load/common.sh
VERDICT=$ROOT/.build/release/verdict
BARE=$ROOT/Benchmarks/.build/release/BareServer
WORK=$(mktemp -d /tmp/verdict-load.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$VERDICT" generate --policies policies/quality-complaints --count 2000 --seed 7 > "$WORK/cases.jsonl"
export CASES=$WORK/cases.jsonl


run_wrk() {  # name path port [extra env]
  local name=$1 path=$2 port=$3
  TARGET_PATH=$path timeout 600 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s Benchmarks/load/cases.lua \
    "http://127.0.0.1:$port" > "$WORK/$name.txt"
  cat "$WORK/$name.txt" >&2
}

errors() { awk '/Non-2xx|Socket errors/ {print}' "$WORK/$1.txt" | tr '\n' ' '; }

# 1. The ceiling.
"$BARE" --port "$BARE_PORT" & PIDS+=($!)
wait_for "http://127.0.0.1:$BARE_PORT/"
run_wrk bare /bare "$BARE_PORT"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 2–3. Decide, plain and explained (request log lines off: --log-level notice).
cp -r policies/quality-complaints "$WORK/quality-complaints"
cp -r policies/calendars "$WORK/calendars"
echo "admin-token-load-0123456789abcdef" > "$WORK/admin-tokens"
"$VERDICT" serve --policies "$WORK/quality-complaints" --port "$PORT" --log-level notice \
  --admin-token-file "$WORK/admin-tokens" 2> "$WORK/serve.log" & PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/readyz"
run_wrk decide /v1/policies/quality-complaints/decide "$PORT"
run_wrk explain "/v1/policies/quality-complaints/decide?explain=true" "$PORT"

# 5. Reloads every 100 ms under load, alternating good and broken versions.
Q=$WORK/quality-complaints
cp "$Q/policy.yaml" "$WORK/policy.good"
cp "$Q/a5-approval.yaml" "$WORK/a5.good"
sed 's/when: cost <= 300/when: cots <= 300/' "$WORK/a5.good" > "$WORK/a5.misspelled"
sed 's/approver: branch_manager/approver: finance_supervisor/' "$WORK/a5.good" > "$WORK/a5.failing-test"
# The digests of the good versions: the one served first (1.0.0 as shipped), its edits 1.0.1 ... 1.0.4,
# and the set's later versions (versions/, untouched by the edits), which the policy's endpoint lists;
# and the digest of the version whose tests fail.
mkdir -p "$WORK/probe/quality-complaints" && cp -r policies/calendars "$WORK/probe/calendars"
digest_of() {  # policy.yaml a5.yaml
  cp "$Q"/*.yaml "$WORK/probe/quality-complaints/"; cp "$1" "$WORK/probe/quality-complaints/policy.yaml"; cp "$2" "$WORK/probe/quality-complaints/a5-approval.yaml"
  "$VERDICT" schema --policies "$WORK/probe/quality-complaints" | sed -E 's/.*"digest":"(sha256:[0-9a-f]+)".*/\1/'
}
GOOD="$(digest_of "$WORK/policy.good" "$WORK/a5.good") $(curl -s "http://127.0.0.1:$PORT/v1/policies/quality-complaints" | grep -oE 'sha256:[0-9a-f]{64}' | sort -u | tr '\n' ' ')"
for v in 1 2 3 4; do
  sed "s/version: \"1.0.0\"/version: \"1.0.$v\"/" "$WORK/policy.good" > "$WORK/policy.$v"
  GOOD="$GOOD $(digest_of "$WORK/policy.$v" "$WORK/a5.good")"
done
BAD=$(digest_of "$WORK/policy.good" "$WORK/a5.failing-test")
reloader() {
  local i=0 ok=0 refused=0
  while [ -f "$WORK/reloading" ]; do
    # good (version 1.0.k), misspelled field, good (the next version), a YAML test that fails.
    k=$(( (i / 2) % 4 + 1 ))
    case $((i % 4)) in
      0|2) cp "$WORK/a5.good" "$Q/a5-approval.yaml"; cp "$WORK/policy.$k" "$Q/policy.yaml" ;;
      1) cp "$WORK/a5.misspelled" "$Q/a5-approval.yaml" ;;
      3) cp "$WORK/policy.good" "$Q/policy.yaml"; cp "$WORK/a5.failing-test" "$Q/a5-approval.yaml" ;;
    esac
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer admin-token-load-0123456789abcdef" \
      "http://127.0.0.1:$PORT/v1/admin/reload")
    if [ "$code" = 200 ]; then ok=$((ok + 1)); else refused=$((refused + 1)); fi
    i=$((i + 1))
    sleep 0.1
  done
  echo "$ok $refused" > "$WORK/reloads"
}
touch "$WORK/reloading"
reloader &
RELOADER=$!
TRACK=1 run_wrk reload /v1/policies/quality-complaints/decide "$PORT"
rm "$WORK/reloading"; wait "$RELOADER"
read -r RELOADS_OK RELOADS_REFUSED < "$WORK/reloads"
TRACKED=$(grep '^TRACK' "$WORK/reload.txt")
FAILED=$(echo "$TRACKED" | sed -E 's/.*failed=([0-9]+).*/\1/')
SEEN=$(echo "$TRACKED" | sed -E 's/.*digests=//')
FOREIGN=0
for d in $SEEN; do case " $GOOD " in *" $d "*) ;; *) FOREIGN=$((FOREIGN + 1)); echo "answered by a digest that is not a good version: $d" >&2 ;; esac; done
case " $SEEN " in *" $BAD "*) echo "the version whose tests fail answered" >&2 ;; esac
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# 4. Decide with the default log level: one line per request, to a file.
"$VERDICT" serve --policies policies/quality-complaints --port "$PORT" 2> "$WORK/requests.log" & PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/readyz"
run_wrk logged /v1/policies/quality-complaints/decide "$PORT"
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

CEIL=$(rps bare); CEIL99=$(pct bare 99)
echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, loopback, $(nproc) cores shared by wrk and the server; cases: verdict generate --seed 7"
echo
echo "| run | requests/s | p50 | p99 | vs ceiling | goal |"
echo "| --- | --- | --- | --- | --- | --- |"
echo "| bare Hummingbird route (ceiling) | $CEIL | $(pct bare 50) ms | $CEIL99 ms | 100% | |"
echo "| decide | $(rps decide) | $(pct decide 50) ms | $(pct decide 99) ms | $(ratio "$(rps decide)" "$CEIL"), p99 $(times "$(pct decide 99)" "$CEIL99") | ≥ 70%, p99 ≤ 1.5× |"
echo "| decide?explain=true | $(rps explain) | $(pct explain 50) ms | $(pct explain 99) ms | $(ratio "$(rps explain)" "$CEIL") | ≥ 40% |"
echo "| decide, a log line per request | $(rps logged) | $(pct logged 50) ms | $(pct logged 99) ms | $(ratio "$(rps logged)" "$CEIL") | |"
echo "| decide, reload every 100 ms | $(rps reload) | $(pct reload 50) ms | $(pct reload 99) ms | $(ratio "$(rps reload)" "$CEIL") | |"
echo
echo "reloads under load: $RELOADS_OK activated, $RELOADS_REFUSED refused; failed requests: $FAILED; $(errors reload)"
echo "digests that answered: $(echo $SEEN | wc -w), all good versions: $([ "$FOREIGN" = 0 ] && echo yes || echo "NO ($FOREIGN others)")"
[ "$FAILED" = 0 ] && [ "$FOREIGN" = 0 ]
