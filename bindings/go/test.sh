#!/usr/bin/env bash
# The Go binding's test: go vet, then go test with the race detector (every call and error, many
# goroutines, the library missing or of another ABI, and ExampleLoad — the README's example) over
# libverdict.so. Usage: bindings/go/test.sh [LIBDIR]  (default: bindings/build-library.sh debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-$(bindings/build-library.sh debug)}
lib=$(cd "$lib" && pwd)
need=()
command -v go >/dev/null || need+=(golang-go)
command -v cc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
fi
export VERDICT_LIBRARY="$lib/libverdict.so" GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=1
export GOCACHE="${GOCACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/go-build}"
(cd Benchmarks/bindings/go && go vet .)   # the benchmark program still builds
cd bindings/go
go vet ./...
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
go test -race -count=1 -v ./... 2>&1 | tee "$log" | grep -v -e '^=== ' || true
grep -q '^ok ' "$log" || status=1
passed=$(grep -c -e '^--- PASS' "$log" || true)
failed=$(grep -c -e '^--- FAIL' "$log" || true)
echo "go: $passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
