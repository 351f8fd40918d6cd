#!/usr/bin/env bash
# The Java binding's tests: builds it (build.sh, javac against Debian's JNA) and runs its JUnit 5 tests with
# the console launcher, against libverdict.so in LIBDIR; the README's example is one of them.
# Usage: bindings/java/test.sh [LIBDIR]   (default: bindings/build-library.sh debug)
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
command -v javac >/dev/null || need+=(openjdk-17-jdk-headless)
[ -f /usr/share/java/jna.jar ] || need+=(libjna-java)
[ -f /usr/share/java/junit-platform-console-standalone.jar ] || need+=(junit5)
command -v cc >/dev/null || need+=(gcc)   # LibraryTest compiles stand-ins of another ABI
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
lib=${1:-$(bindings/build-library.sh debug)}
lib=$(cd "$lib" && pwd)
jar=$(bindings/java/build.sh --tests)
classes=$(dirname "$jar")/test-classes
cp="$jar:/usr/share/java/jna.jar:$classes"
java -Dverdict.library="$lib" -Dverdict.root="$(pwd)" -Dverdict.test.classpath="$cp" \
  -jar /usr/share/java/junit-platform-console-standalone.jar \
  --class-path "$cp" --select-package dev.verdict --disable-banner --details=summary --fail-if-no-tests
# Generated types: verdict codegen java, compiled and decided with (codegen-test.sh).
bindings/java/codegen-test.sh "$lib" "$jar"
