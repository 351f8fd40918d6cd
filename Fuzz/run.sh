#!/usr/bin/env bash
# Builds the libFuzzer targets (into .build-fuzz, apart from the ordinary build) and runs one.
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer options...]    build, then fuzz TARGET for SECONDS
#   Fuzz/run.sh build                                    build every target only
#   Fuzz/run.sh TARGET run FILE...                       replay inputs (a crash file) once each
#
# Targets: FuzzPolicyFile FuzzManifest FuzzExpression FuzzCase FuzzWorkingTime FuzzServiceRequest FuzzConsoleForm.
# The seed corpus is Fuzz/Corpus/TARGET (in the repository, read only); what the fuzzer adds goes to
# .build-fuzz/corpus/TARGET, crashes to .build-fuzz/artifacts/TARGET/. Exit 0 when the run found
# nothing, 1 when it found a crash or a broken property (the input is saved and its path printed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scratch="$root/.build-fuzz"
build() {
    # Release (-O) with testable imports: the targets reach internal types (CaseDecoder, ExprParser).
    # SwiftPM links an executable's `main` to TARGET_main while libFuzzer's runtime brings its own
    # `main`: either may win (see Fuzz/Sources/FuzzSupport), so two definitions are allowed.
    swift build -c release --package-path "$root/Fuzz" --scratch-path "$scratch" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -enable-testing \
        -Xlinker --allow-multiple-definition "$@"
}
target=${1:?"usage: Fuzz/run.sh TARGET SECONDS | build | TARGET run FILE..."}
if [ "$target" = build ]; then build; exit 0; fi
mode=${2:?"usage: Fuzz/run.sh TARGET SECONDS"}
shift 2
build --product "$target"
binary="$scratch/release/$target"
export VERDICT_REPO="$root"
# The same input takes the same path in every run (Swift seeds hashing per process otherwise).
export SWIFT_DETERMINISTIC_HASHING=1
# Swift's backtracer and AddressSanitizer both catch the crash; libFuzzer must, to save the input.
export SWIFT_BACKTRACE=enable=no
# No leak check: the policies a target loads once for the whole run, and Swift's runtime caches, are
# reported as leaked when the process exits, which would fail every run. The properties are checked.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
if [ "$mode" = run ]; then exec "$binary" -runs=1 "$@"; fi
corpus="$scratch/corpus/$target" artifacts="$scratch/artifacts/$target"
mkdir -p "$corpus" "$artifacts"
# -max_len: policies and cases are small; larger inputs only slow the search.
"$binary" "$corpus" "$root/Fuzz/Corpus/$target" -max_total_time="$mode" -max_len=16384 -timeout=60 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" "$@"
