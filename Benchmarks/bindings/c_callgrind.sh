#!/usr/bin/env bash
# Instructions per decision through the C library, counted by callgrind (valgrind from Debian): each way
# of deciding the quality-complaints sample case runs N and then 2N times in a fresh process (after 100
# warm-up calls); (instructions of 2N - instructions of N) / N is one call's count, start-up cancelled.
#   library   verdict_bench_answer (the Swift library's own JSON-in, JSON-out loop, never crossing the boundary)
#   into      verdict_decide_into into one buffer the caller keeps (what the Python, Java and Go bindings call)
#   decide    verdict_decide, the answer in a new buffer, then verdict_free
# "over library" is what the C entry point adds to the library's own decision. Deterministic, unlike the
# timings of run.sh on a shared machine. Not a test: run by hand. Usage: Benchmarks/bindings/c_callgrind.sh [N]   (default 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
lib=${VERDICT_LIBDIR:-$(bindings/build-library.sh release)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# valgrind gives up on the debug information of Swift's release build: count a copy without it.
objcopy --strip-debug "$lib/libverdict.so" "$out/libverdict.so"
cat > "$out/loop.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verdict.h"
static char buffer[64 << 10];
static void run(const char *way, verdict_policy p, const char *c, size_t len, long n) {
    uint64_t ns;
    size_t out_len;
    char *out;
    int status = VERDICT_OK;
    if (!strcmp(way, "library")) {
        status = verdict_bench_answer(p, c, len, NULL, (uint64_t)n, &ns);
    } else if (!strcmp(way, "into")) {
        for (long i = 0; i < n && status == VERDICT_OK; i++) status = verdict_decide_into(p, c, len, NULL, buffer, sizeof buffer, &out_len);
    } else {
        for (long i = 0; i < n && status == VERDICT_OK; i++) {
            status = verdict_decide(p, c, len, NULL, &out, NULL);
            verdict_free(out);
        }
    }
    if (status != VERDICT_OK) { fprintf(stderr, "%s failed: %d\n", way, status); exit(1); }
}
int main(int argc, char **argv) {
    verdict_policy p;
    if (verdict_policy_load("policies/quality-complaints", &p, NULL, NULL) != VERDICT_OK) return 1;
    FILE *f = fopen("policies/quality-complaints/examples/henan-tier3.json", "rb");
    static char c[1 << 16];
    size_t len = f ? fread(c, 1, sizeof c, f) : 0;
    run(argv[1], p, c, len, 100);
    run(argv[1], p, c, len, atol(argv[2]));
    return 0;
}
C
cc -O2 -std=c11 -I include "$out/loop.c" -L "$out" -lverdict -Wl,-rpath,"$out" -o "$out/loop"
# Swift's hashing is seeded per process, which moves the counts between runs: fixed here.
count() {
  SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.$2" "$out/loop" "$1" "$2" \
    2>&1 >/dev/null | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
printf '%-8s %17s %14s\n' way instructions/call "over library"
for way in library into decide; do
  a=$(count "$way" "$n"); b=$(count "$way" $((2 * n)))
  per=$(( (b - a) / n ))
  if [ "$way" = library ]; then base=$per; fi
  printf '%-8s %17d %14s\n' "$way" "$per" "${base:+$((per - base))}"
done
