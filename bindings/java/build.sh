#!/usr/bin/env bash
# Builds the Java binding with javac (no Maven or Gradle): build/verdict.jar from src/main/java against
# Debian's JNA, and, with --tests, the JUnit 5 tests and the README example into build/test-classes.
# The jar carries libverdictjni.so, the decision call through JNI (native/verdict_jni.c), when a C
# compiler (cc) and the JDK's jni.h (JAVA_HOME, else the JDK of javac) are found; without them, or if it
# does not compile, the jar decides through JNA only (said on stderr), unless VERDICT_REQUIRE_JNI=1 makes
# that an error. Usage: bindings/java/build.sh [--tests]   Prints the jar's path.
set -euo pipefail
cd "$(dirname "$0")"
jna=${JNA_JAR:-/usr/share/java/jna.jar}
out=build
rm -rf "$out/classes" "$out/test-classes"
mkdir -p "$out/classes"
javac --release 17 -Xlint:all,-serial -Werror -encoding UTF-8 -cp "$jna" -d "$out/classes" $(find src/main/java -name '*.java' | sort)
jni() {
  local home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
  if ! command -v cc >/dev/null; then
    echo "no C compiler (cc)"; return 1
  fi
  if [ ! -f "$home/include/jni.h" ]; then
    echo "no jni.h in $home/include (set JAVA_HOME to a JDK)"; return 1
  fi
  mkdir -p "$out/classes/dev/verdict/native"
  cc -O2 -std=c11 -shared -fPIC -Wall -Wextra -Werror -I "$home/include" -I "$home/include/linux" \
    native/verdict_jni.c -o "$out/classes/dev/verdict/native/libverdictjni.so" -lpthread 2>&1 || { echo "native/verdict_jni.c did not compile"; return 1; }
}
if ! why=$(jni); then
  if [ "${VERDICT_REQUIRE_JNI:-0}" != 0 ]; then
    echo "VERDICT_REQUIRE_JNI is set but libverdictjni.so was not built: $why" >&2
    exit 1
  fi
  echo "verdict.jar decides through JNA only (libverdictjni.so not built: $why)" >&2
fi
jar --create --file "$out/verdict.jar" -C "$out/classes" .
if [ "${1:-}" = "--tests" ]; then
  junit=/usr/share/java/junit-jupiter-api.jar:/usr/share/java/junit-jupiter-params.jar:/usr/share/java/opentest4j.jar:/usr/share/java/junit-platform-commons.jar:/usr/share/java/apiguardian-api.jar
  mkdir -p "$out/test-classes"
  javac --release 17 -Xlint:all,-processing,-serial -Werror -encoding UTF-8 -cp "$out/verdict.jar:$jna:$junit" -d "$out/test-classes" \
    $(find src/test/java examples -name '*.java' | sort)
fi
echo "$(pwd)/$out/verdict.jar"
