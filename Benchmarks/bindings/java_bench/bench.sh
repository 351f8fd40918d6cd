#!/usr/bin/env bash
# Builds the Java binding and Bench.java, and runs the benchmark against libverdict.so in LIBDIR for about
# 3.5 x SECONDS (warm-up, paired rounds of the library alone and each way, two threads). Prints one JSON
# line. VERDICT_PURE_JAVA=1 makes the binding's own path JNA's.
# Usage: Benchmarks/bindings/java_bench/bench.sh [LIBDIR] [SECONDS]   (default: the release library, 2 s)
set -euo pipefail
cd "$(dirname "$0")/../../.."
lib=${1:-$(bindings/build-library.sh release)}
jar=$(bindings/java/build.sh)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Bench is in the binding's package (dev.verdict) to time its JNI and JNA paths and their parts.
javac --release 17 -cp "$jar:/usr/share/java/jna.jar" -d "$out" Benchmarks/bindings/java_bench/Bench.java
java -Dverdict.library="$lib" -cp "$jar:/usr/share/java/jna.jar:$out" dev.verdict.Bench "$(pwd)" "${2:-2}"
