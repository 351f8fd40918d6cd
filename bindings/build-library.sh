#!/usr/bin/env bash
# Builds the C library and installs it as `libverdict.so` (its soname) in one folder, beside which the
# bindings find it: prints that folder. Usage: bindings/build-library.sh [debug|release]  (default debug)
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-debug}
case "$config" in debug|release) ;; *) echo "usage: $0 [debug|release]" >&2; exit 2 ;; esac
swift build -c "$config" --product VerdictC >&2
bin=$(swift build -c "$config" --show-bin-path)
dest=.build/libverdict/$config
mkdir -p "$dest"
cp -f "$bin/libVerdictC.so" "$dest/libverdict.so"
echo "$(pwd)/$dest"
