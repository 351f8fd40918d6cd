/* Per-call cost of the C library against the Swift library's own JSON-in, JSON-out decision, in one
 * process and one run: Benchmarks/bindings/run.sh builds and runs it beside the Python, Java and Go
 * benchmarks. call_ns is verdict_decide_into with a reused buffer; decide_ns is verdict_decide (a new
 * buffer each call, then verdict_free). Usage: bench ROOT SECONDS */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "verdict.h"

static double now_s(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END); *len = (size_t)ftell(f); fseek(f, 0, SEEK_SET);
    char *b = malloc(*len + 1);
    if (fread(b, 1, *len, f) != *len) { perror(path); exit(1); }
    b[*len] = 0; fclose(f);
    return b;
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : ".";
    double seconds = argc > 2 ? atof(argv[2]) : 2;
    char path[4096];
    snprintf(path, sizeof path, "%s/policies/quality-complaints", root);
    verdict_policy p;
    if (verdict_policy_load(path, &p, NULL, NULL) != VERDICT_OK) { fprintf(stderr, "load failed\n"); return 1; }
    snprintf(path, sizeof path, "%s/policies/quality-complaints/examples/henan-tier3.json", root);
    size_t len;
    char *c = read_file(path, &len);

    /* A warm-up of the library alone (half the time), then alternating rounds of 2,000 so all three see
     * the same load of the machine: the library alone (verdict_bench_answer, its own loop, never
     * crossing the C interface), verdict_decide (the answer in a new buffer, freed with verdict_free)
     * and verdict_decide_into (the answer written into one buffer the caller keeps). */
    uint64_t inside_ns = 0, inside_n = 0, ns;
    while (inside_ns < seconds * 0.5e9) {
        if (verdict_bench_answer(p, c, len, NULL, 2000, &ns) != VERDICT_OK) { fprintf(stderr, "bench failed\n"); return 1; }
        inside_ns += ns;
    }
    inside_ns = 0;
    uint64_t n = 0;
    double malloc_s = 0, into_s = 0;
    static char buffer[64 << 10];
    while (malloc_s + into_s < 2 * seconds) {
        if (verdict_bench_answer(p, c, len, NULL, 2000, &ns) != VERDICT_OK) { fprintf(stderr, "bench failed\n"); return 1; }
        inside_ns += ns; inside_n += 2000;
        double t0 = now_s();
        for (int i = 0; i < 2000; i++) {
            char *out;
            if (verdict_decide(p, c, len, NULL, &out, NULL) != VERDICT_OK) { fprintf(stderr, "decide failed\n"); return 1; }
            verdict_free(out);
        }
        double t1 = now_s();
        for (int i = 0; i < 2000; i++) {
            size_t out_len;
            if (verdict_decide_into(p, c, len, NULL, buffer, sizeof buffer, &out_len) != VERDICT_OK) { fprintf(stderr, "decide_into failed\n"); return 1; }
        }
        into_s += now_s() - t1;
        malloc_s += t1 - t0;
        n += 2000;
    }
    double inside = (double)inside_ns / inside_n, through = into_s * 1e9 / n, with_malloc = malloc_s * 1e9 / n;
    printf("{\"language\": \"c\", \"library_ns\": %.0f, \"call_ns\": %.0f, \"overhead_ns\": %.0f, \"calls_per_s\": %.0f, "
           "\"decide_ns\": %.0f, \"decide_overhead_ns\": %.0f}\n",
           inside, through, through - inside, 1e9 / through, with_malloc, with_malloc - inside);
    free(c);
    verdict_policy_free(p);
    return 0;
}
