#!/usr/bin/env bash
# Builds the Java binding with javac (no Maven or Gradle): build/verdict.jar from src/main/java against
# Debian's JNA, and, with --tests, the JUnit 5 tests and the README example into build/test-classes.
# Usage: bindings/java/build.sh [--tests]   Prints the jar's path.
set -euo pipefail
cd "$(dirname "$0")"
jna=${JNA_JAR:-/usr/share/java/jna.jar}
out=build
rm -rf "$out/classes" "$out/test-classes"
mkdir -p "$out/classes"
javac --release 17 -Xlint:all,-serial -Werror -encoding UTF-8 -cp "$jna" -d "$out/classes" $(find src/main/java -name '*.java' | sort)
jar --create --file "$out/verdict.jar" -C "$out/classes" .
if [ "${1:-}" = "--tests" ]; then
  junit=/usr/share/java/junit-jupiter-api.jar:/usr/share/java/junit-jupiter-params.jar:/usr/share/java/opentest4j.jar:/usr/share/java/junit-platform-commons.jar:/usr/share/java/apiguardian-api.jar
  mkdir -p "$out/test-classes"
  javac --release 17 -Xlint:all,-processing,-serial -Werror -encoding UTF-8 -cp "$out/verdict.jar:$jna:$junit" -d "$out/test-classes" \
    $(find src/test/java examples -name '*.java' | sort)
fi
echo "$(pwd)/$out/verdict.jar"
