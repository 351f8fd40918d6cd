#!/usr/bin/env bash
# The C library's own test: bindings/c/test_verdict.c built with AddressSanitizer (and LeakSanitizer)
# against libverdict.so, then the README's C example. Usage: bindings/c/test.sh [LIBDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
lib=${1:-$(bindings/build-library.sh debug)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -std=c11 -Wall -Wextra -Werror -g -fsanitize=address -fno-omit-frame-pointer -I include \
  bindings/c/test_verdict.c -L "$lib" -lverdict -Wl,-rpath,"$lib" -lpthread -o "$out/test_verdict"
ASAN_OPTIONS=detect_leaks=1 "$out/test_verdict" "$(pwd)"
cc -std=c11 -Wall -Wextra -Werror -I include bindings/c/example.c -L "$lib" -lverdict -Wl,-rpath,"$lib" -o "$out/example"
"$out/example" policies/quality-complaints | grep -q '"approver":"head_office"'
echo "the README's C example: ok"
