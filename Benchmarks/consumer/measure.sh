#!/usr/bin/env bash
# What a Swift developer who links only `Verdict` resolves and builds: a fresh consumer package that
# depends on this repository (by path) and uses the `Verdict` product, resolved twice — with the
# package's default traits (everything: the service's dependencies too) and with `traits: []` — and,
# with --build, built once each way. Prints the times, the packages checked out and their size.
#   Benchmarks/consumer/measure.sh [--build] [--check]
# --check fails unless the traits: [] resolution holds exactly Yams, swift-crypto and swift-asn1 (CI).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=false; check=false
for a in "$@"; do case "$a" in --build) build=true ;; --check) check=true ;; *) echo "usage: $0 [--build] [--check]" >&2; exit 2 ;; esac; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name=$(basename "$root")
measure() {  # $1: label, $2: the dependency's traits argument ("" or ", traits: []")
  local dir="$work/$1"
  mkdir -p "$dir/Sources/App"
  cat > "$dir/Package.swift" <<MANIFEST
// swift-tools-version: 6.1
import PackageDescription
let package = Package(name: "Consumer",
  dependencies: [.package(path: "$root"$2)],
  targets: [.executableTarget(name: "App", dependencies: [.product(name: "Verdict", package: "$name")])])
MANIFEST
  printf 'import Verdict\nprint(VerdictVersion.current)\n' > "$dir/Sources/App/main.swift"
  local start=$(date +%s%N)
  (cd "$dir" && swift package resolve >/dev/null 2>&1)
  local resolved=$(( ($(date +%s%N) - start) / 1000000 ))
  local packages=$(ls "$dir/.build/checkouts" | sort | tr '\n' ' ')
  local size=$(du -sm "$dir/.build/checkouts" "$dir/.build/repositories" 2>/dev/null | awk '{s+=$1} END {print s}')
  printf '%-16s resolve %6d ms  %2d packages, %4d MB: %s\n' "$1" "$resolved" "$(ls "$dir/.build/checkouts" | wc -l)" "$size" "$packages"
  if $build; then
    start=$(date +%s%N)
    (cd "$dir" && swift build >/dev/null 2>&1)
    printf '%-16s build   %6d s (debug, cold)\n' "$1" "$(( ($(date +%s%N) - start) / 1000000000 ))"
  fi
  if $check && [ "$2" != "" ] && [ "$packages" != "Yams swift-asn1 swift-crypto " ]; then
    echo "FAIL: linking Verdict alone resolved $packages" >&2; exit 1
  fi
}
$check || measure "default traits" ""
measure "traits: []" ", traits: []"
