#!/usr/bin/env bash
# `verdict codegen java` end to end: generates the fixture set's types (package sample) with the built
# verdict binary, compiles them and codegen/Main.java with javac (Java 17, -Werror) against the binding's
# jar, decides with them, and checks a copy of the set with a field added refuses them (schema-changed).
# Usage: bindings/java/codegen-test.sh [LIBDIR [JAR]]   (defaults: bindings/build-library.sh debug, build.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-$(bindings/build-library.sh debug)}
jar=${2:-$(bindings/java/build.sh)}
bin=${VERDICT_BIN:-.build/debug/verdict}
[ -x "$bin" ] || swift build --product verdict >&2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
set_dir=Tests/VerdictTests/Fixtures/codegen-sample
"$bin" codegen java --policies "$set_dir" --package sample --output "$work/src/sample" >/dev/null
cp bindings/java/codegen/Main.java "$work/src/sample/"
cp -r "$set_dir" "$work/changed"
sed -i 's/^  note: {type: string, optional: true}$/&\n  channel: {type: string, optional: true}/' "$work/changed/policy.yaml"
grep -q '^  channel:' "$work/changed/policy.yaml"
javac --release 17 -Xlint:all -Werror -encoding UTF-8 -cp "$jar:/usr/share/java/jna.jar" -d "$work/classes" "$work"/src/sample/*.java
java -Dverdict.library="$lib" -cp "$work/classes:$jar:/usr/share/java/jna.jar" sample.Main "$set_dir" "$work/changed"
echo "codegen java: ok"
