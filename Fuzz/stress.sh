#!/usr/bin/env bash
# The concurrency scenarios (Fuzz/Sources/ConcurrencyStress) under a sanitizer, for a bounded time.
#
#   Fuzz/stress.sh address [SECONDS]    AddressSanitizer: the fuzz build (.build-fuzz, release), which
#                                       builds ConcurrencyStress with the fuzz targets
#   Fuzz/stress.sh thread [SECONDS]     ThreadSanitizer: a debug build of ConcurrencyStress and what it
#                                       links, into .build-tsan
#
# SECONDS per scenario (default 10; four scenarios). Exit 0 when every answer agreed and the sanitizer
# reported nothing; non-zero otherwise, with the sanitizer's report (both stacks of a race) or the
# differences on standard error. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sanitizer=${1:?"usage: Fuzz/stress.sh address|thread [SECONDS]"}
export STRESS_SECONDS=${2:-10}
export VERDICT_REPO="$root"
# The sanitizer's report, not Swift's backtrace, for a crash.
export SWIFT_BACKTRACE=enable=no
case $sanitizer in
address)
    # Same flags and folder as the fuzz targets: after `Fuzz/run.sh build` this compiles nothing.
    Fuzz/run.sh build
    binary="$root/.build-fuzz/release/ConcurrencyStress"
    # No leak check, as for the fuzz targets: the runtime's caches and the shipped sets loaded once are
    # reported at exit. Freed memory is kept away from reuse longer than by default, so a read through
    # a stale reference lands in it and is reported.
    export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:quarantine_size_mb=1024:detect_stack_use_after_return=1}"
    ;;
thread)
    # Debug: a third of a release build's time on two cores; every access is instrumented the same.
    swift build --package-path "$root/Fuzz" --scratch-path "$root/.build-tsan" --product ConcurrencyStress \
        -Xswiftc -sanitize=thread -Xswiftc -parse-as-library -Xswiftc -enable-testing
    binary="$root/.build-tsan/debug/ConcurrencyStress"
    # Third-party races only, each with its reason (Fuzz/tsan-suppressions.txt); exit 66 on a report.
    export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$root/Fuzz/tsan-suppressions.txt:halt_on_error=0:exitcode=66:second_deadlock_stack=1}"
    ;;
*)
    echo "usage: Fuzz/stress.sh address|thread [SECONDS]" >&2
    exit 2
    ;;
esac
"$binary"
