# Shared by the load scripts (run.sh, paths.sh): settings, the builds, and reading wrk's output.
# Sourced from the repository root; each script sets WORK before using run_wrk's files.
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
BARE_PORT=${BARE_PORT:-18181}
PORT=${PORT:-18180}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  swift build -c release --product verdict >&2
  swift build -c release --package-path Benchmarks --product BareServer >&2
fi

wait_for() {  # url
  for _ in $(seq 1 400); do curl -s -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "server at $1 did not start" >&2; exit 1
}
rps() { awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt"; }
# wrk prints latencies as 1.23ms, 456.00us or 1.02s; convert to milliseconds.
pct() { awk -v p="$2%" '$1 == p {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}' "$WORK/$1.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100 * a / b}'; }
times() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f×", a / b}'; }
