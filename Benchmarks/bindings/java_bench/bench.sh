#!/usr/bin/env bash
# Builds the Java binding and Bench.java, and runs the benchmark against libverdict.so in LIBDIR for about
# 4 x SECONDS (warm-up, the library alone, through the binding, two threads). Prints one JSON line.
# Usage: Benchmarks/bindings/java_bench/bench.sh [LIBDIR] [SECONDS]   (default: the release library, 2 s)
set -euo pipefail
cd "$(dirname "$0")/../../.."
lib=${1:-$(bindings/build-library.sh release)}
jar=$(bindings/java/build.sh)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
javac --release 17 -cp "$jar" -d "$out" Benchmarks/bindings/java_bench/Bench.java
java -Dverdict.library="$lib" -cp "$jar:/usr/share/java/jna.jar:$out" Bench "$(pwd)" "${2:-2}"
