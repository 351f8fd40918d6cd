#!/usr/bin/env bash
# The Java binding's tests: builds it (build.sh, javac against Debian's JNA, and libverdictjni.so with cc)
# and runs its JUnit 5 tests with the console launcher, against libverdict.so in LIBDIR, twice: through
# the JNI decision call, then through JNA (VERDICT_PURE_JAVA=1); the README's example is one of them.
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
# Where the JNI library can be built (a C compiler and the JDK's jni.h) it must be, and be used: a failed
# build or load fails the run rather than falling back to JNA (CI sets VERDICT_REQUIRE_JNI=1 itself).
# Where it cannot, say so and test the JNA path.
if [ -z "${VERDICT_REQUIRE_JNI:-}" ]; then
  home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
  if command -v cc >/dev/null && [ -f "$home/include/jni.h" ]; then
    export VERDICT_REQUIRE_JNI=1
  else
    echo "SKIPPED: the JNI decision call libverdictjni.so (no C compiler or no jni.h in $home/include):" \
      "the binding is tested through JNA only" >&2
    export VERDICT_REQUIRE_JNI=0
  fi
fi
jar=$(bindings/java/build.sh --tests)
classes=$(dirname "$jar")/test-classes
cp="$jar:/usr/share/java/jna.jar:$classes"
junit() {
  java -Dverdict.library="$lib" -Dverdict.root="$(pwd)" -Dverdict.test.classpath="$cp" \
    -jar /usr/share/java/junit-platform-console-standalone.jar \
    --class-path "$cp" --select-package dev.verdict --disable-banner --details=summary --fail-if-no-tests
}
# The suite twice: through JNI (when built), then through JNA.
junit
if [ "$VERDICT_REQUIRE_JNI" != 0 ]; then
  VERDICT_PURE_JAVA=1 VERDICT_REQUIRE_JNI=0 junit
fi
# Generated types: verdict codegen java, compiled and decided with (codegen-test.sh).
bindings/java/codegen-test.sh "$lib" "$jar"
