#define _POSIX_C_SOURCE 200809L
/* The C library from C: every function, every error status, and no leak — loads, decides and frees in
 * a loop, built with AddressSanitizer (LeakSanitizer reports any buffer or handle left behind).
 * Run by bindings/c/test.sh; prints "N passed, M failed". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "verdict.h"

static int passed, failed;
#define CHECK(cond) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); } } while (0)

static const char *CASE =
    "{\"id\": \"Q-2026-0042\", \"received_at\": \"2026-03-02T09:15:00+08:00\", \"region\": \"Henan\","
    " \"branch\": \"Luoyang\", \"problem\": \"fly\", \"eaten\": true, \"adverse_reaction\": true,"
    " \"hospitalised\": true, \"media_involved\": false, \"government_involved\": false,"
    " \"excessive_demand\": false, \"food_poisoning\": false, \"batch_problem\": false, \"cost\": \"1200.00\"}";

static char folder[4096], amended[4096];

static int decide(verdict_policy p, const char *json, const char *options, char **out) {
    size_t len = 0;
    int status = verdict_decide(p, json, strlen(json), options, out, &len);
    if (*out && strlen(*out) != len) { failed++; fprintf(stderr, "FAILED: length %zu vs %zu\n", len, strlen(*out)); }
    return status;
}

static void *decide_many(void *arg) {
    verdict_policy p = *(verdict_policy *)arg;
    char *first = NULL;
    decide(p, CASE, "{\"explain\": \"compact\"}", &first);
    long differing = 0;
    for (int i = 0; i < 300; i++) {
        char *out = NULL;
        if (decide(p, CASE, "{\"explain\": \"compact\"}", &out) != VERDICT_OK || strcmp(out, first) != 0) differing++;
        verdict_free(out);
    }
    /* verdict_decide_into with this thread's own buffer: the same bytes as verdict_decide. */
    static _Thread_local char buffer[64 << 10];
    for (int i = 0; i < 300; i++) {
        size_t len = 0;
        if (verdict_decide_into(p, CASE, strlen(CASE), "{\"explain\": \"compact\"}", buffer, sizeof buffer, &len) != VERDICT_OK
            || len != strlen(first) || strcmp(buffer, first) != 0) differing++;
    }
    verdict_free(first);
    return (void *)differing;
}

/* verdict_decide_into: fits, too small by one, exact, a length query, NULLs, errors, and an answer far
 * larger than the library's reused render buffer keeps. */
static void test_decide_into(verdict_policy p) {
    char *expected = NULL;
    CHECK(decide(p, CASE, NULL, &expected) == VERDICT_OK);
    size_t want = strlen(expected), len = 12345;
    char buffer[8192];

    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, sizeof buffer, &len) == VERDICT_OK
          && len == want && strcmp(buffer, expected) == 0);
    memset(buffer, 'x', sizeof buffer);
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, want, &len) == VERDICT_ERR_SPACE && len == want);
    CHECK(buffer[0] == 'x' && buffer[want - 1] == 'x');  /* nothing written */
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, want + 1, &len) == VERDICT_OK
          && len == want && buffer[want] == 0 && strcmp(buffer, expected) == 0);
    len = 0;
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, NULL, 0, &len) == VERDICT_ERR_SPACE && len == want);
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, 0, &len) == VERDICT_ERR_SPACE && len == want);
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, NULL, 10, &len) == VERDICT_ERR_ARGUMENT && len == 0);
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, sizeof buffer, NULL) == VERDICT_ERR_ARGUMENT);
    /* Errors go into the buffer as JSON, with their status; too long for it, VERDICT_ERR_SPACE. */
    CHECK(verdict_decide_into(p, "[1, 2]", 6, NULL, buffer, sizeof buffer, &len) == VERDICT_ERR_CASE
          && strstr(buffer, "\"error\":\"case-refused\"") && len == strlen(buffer));
    CHECK(verdict_decide_into(p, "[1, 2]", 6, NULL, buffer, 8, &len) == VERDICT_ERR_SPACE && len > 8);
    CHECK(verdict_decide_into(p, NULL, 0, NULL, buffer, sizeof buffer, &len) == VERDICT_ERR_CASE);   /* zero-length case */
    CHECK(verdict_decide_into(p, NULL, 5, NULL, buffer, sizeof buffer, &len) == VERDICT_ERR_ARGUMENT && strstr(buffer, "NULL"));
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), "{\"explain\": 7}", buffer, sizeof buffer, &len) == VERDICT_ERR_REQUEST
          && strstr(buffer, "\"option\":\"explain\""));
    CHECK(verdict_decide_into(987654321, CASE, strlen(CASE), NULL, buffer, sizeof buffer, &len) == VERDICT_ERR_HANDLE
          && strstr(buffer, "invalid-handle"));
    verdict_free(expected);

    /* An answer of some 400 KB (the case's id comes back in it): asked for, grown, and then a small
     * answer again from the same thread. */
    size_t id_len = 400000, big_len = strlen(CASE) + id_len;
    char *big = malloc(big_len + 1);
    int n = snprintf(big, big_len + 1, "{\"id\": \"");
    memset(big + n, 'a', id_len);
    strcpy(big + n + id_len, CASE + strlen("{\"id\": \"Q-2026-0042"));
    size_t need = 0;
    CHECK(verdict_decide_into(p, big, strlen(big), NULL, buffer, sizeof buffer, &need) == VERDICT_ERR_SPACE && need > id_len);
    char *large = malloc(need + 1);
    CHECK(verdict_decide_into(p, big, strlen(big), NULL, large, need + 1, &len) == VERDICT_OK && len == need
          && strlen(large) == need && strstr(large, "\"approver\":\"head_office\""));
    free(large);
    free(big);
    CHECK(verdict_decide_into(p, CASE, strlen(CASE), NULL, buffer, sizeof buffer, &len) == VERDICT_OK && len == want);
}

/* The tests run on a thread of their own, which ends before the process does: a thread keeps a decider
 * for each version it decided with (up to 64, see ThreadDeciders), released when the thread ends, so
 * at exit LeakSanitizer sees only what the library really failed to free. */
static void *run(void *root_arg) {
    const char *root = root_arg;
    snprintf(folder, sizeof folder, "%s/policies/quality-complaints", root);
    snprintf(amended, sizeof amended, "%s/policies/examples/quality-complaints-amended", root);
    char *out = NULL;
    verdict_policy p = 0;

    CHECK(verdict_abi_version() == VERDICT_ABI_VERSION);
    CHECK(strchr(verdict_version(), '.') != NULL);
    verdict_free(NULL);

    /* Load, decide, explain in Chinese, why not: and free, in a loop. */
    for (int round = 0; round < 20; round++) {
        CHECK(verdict_policy_load(folder, &p, &out, NULL) == VERDICT_OK && p != 0);
        CHECK(out && strstr(out, "\"errors\":0"));
        verdict_free(out); out = NULL;
        for (int i = 0; i < 50; i++) {
            CHECK(decide(p, CASE, NULL, &out) == VERDICT_OK && strstr(out, "\"approver\":\"head_office\""));
            verdict_free(out); out = NULL;
        }
        CHECK(decide(p, CASE, "{\"format\": \"text\", \"lang\": \"zh\"}", &out) == VERDICT_OK && strstr(out, "案件 Q-2026-0042") && strstr(out, "决策 1"));
        verdict_free(out); out = NULL;
        CHECK(decide(p, CASE, "{\"why_not\": [\"approver=branch_manager\"]}", &out) == VERDICT_OK && strstr(out, "\"why_not\""));
        verdict_free(out); out = NULL;
        CHECK(verdict_policy_info(p, &out, NULL) == VERDICT_OK && strstr(out, "\"name\":\"quality-complaints\""));
        verdict_free(out); out = NULL;
        CHECK(verdict_case_schema(p, NULL, &out, NULL) == VERDICT_OK && strstr(out, "\"properties\""));
        verdict_free(out); out = NULL;
        CHECK(verdict_policy_free(p) == VERDICT_OK);
    }
    CHECK(verdict_live_handles() == 0);

    /* Errors: each a status and a JSON buffer, never a crash. */
    CHECK(verdict_policy_load(folder, &p, NULL, NULL) == VERDICT_OK);
    CHECK(decide(p, "[1, 2]", NULL, &out) == VERDICT_ERR_CASE && strstr(out, "\"error\":\"case-refused\""));
    verdict_free(out); out = NULL;
    CHECK(decide(p, "{\"id\": \"\xff\xfe\"}", NULL, &out) == VERDICT_ERR_CASE);
    verdict_free(out); out = NULL;
    CHECK(decide(p, "{not json", NULL, &out) == VERDICT_ERR_CASE && strstr(out, "json"));
    verdict_free(out); out = NULL;
    CHECK(decide(p, CASE, "{\"explain\": 7}", &out) == VERDICT_ERR_REQUEST && strstr(out, "\"option\":\"explain\""));
    verdict_free(out); out = NULL;
    CHECK(decide(p, CASE, "[]", &out) == VERDICT_ERR_REQUEST);
    verdict_free(out); out = NULL;
    CHECK(decide(p, CASE, "{\"explian\": null}", &out) == VERDICT_ERR_REQUEST && strstr(out, "unknown parameter"));
    verdict_free(out); out = NULL;
    CHECK(decide(p, CASE, "{\"why_not\": \"no_such_output=1\"}", &out) == VERDICT_ERR_REQUEST);
    verdict_free(out); out = NULL;
    CHECK(verdict_decide(p, NULL, 10, NULL, &out, NULL) == VERDICT_ERR_ARGUMENT);
    verdict_free(out); out = NULL;
    CHECK(verdict_decide(p, CASE, strlen(CASE), NULL, NULL, NULL) == VERDICT_OK);  /* status only */
    CHECK(verdict_case_schema(p, "no-such-version", &out, NULL) == VERDICT_ERR_REQUEST && strstr(out, "\"option\":\"version\""));
    verdict_free(out); out = NULL;

    test_decide_into(p);

    /* Many threads on one handle: every answer the same as one thread's. */
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, decide_many, &p);
    long differing = 0;
    for (int i = 0; i < 4; i++) { void *r; pthread_join(threads[i], &r); differing += (long)r; }
    CHECK(differing == 0);

    CHECK(verdict_policy_free(p) == VERDICT_OK);
    CHECK(verdict_policy_free(p) == VERDICT_ERR_HANDLE);             /* freed twice */
    CHECK(decide(p, CASE, NULL, &out) == VERDICT_ERR_HANDLE && strstr(out, "invalid-handle"));  /* used after free */
    verdict_free(out); out = NULL;
    CHECK(verdict_policy_info(123456789, &out, NULL) == VERDICT_ERR_HANDLE);  /* made up */
    verdict_free(out); out = NULL;

    /* A broken set: located diagnostics; a missing folder; NULL and non-UTF-8 paths. */
    char broken[] = "/tmp/verdict-c-test-XXXXXX";
    CHECK(mkdtemp(broken) != NULL);
    char file[4200];
    snprintf(file, sizeof file, "%s/policy.yaml", broken);
    FILE *f = fopen(file, "w");
    fputs("policy:\n  name: broken\n  version: \"1\"\n  effective: 2026-01-01\nfields:\n  cost: {type: mony}\n", f);
    fclose(f);
    CHECK(verdict_policy_load(broken, &p, &out, NULL) == VERDICT_ERR_POLICY && p == 0 && strstr(out, "policy.yaml") && strstr(out, "\"line\":"));
    verdict_free(out); out = NULL;
    remove(file); remove(broken);
    CHECK(verdict_policy_load("/nonexistent/verdict", &p, &out, NULL) == VERDICT_ERR_POLICY);
    verdict_free(out); out = NULL;
    CHECK(verdict_policy_load(NULL, &p, &out, NULL) == VERDICT_ERR_ARGUMENT);
    verdict_free(out); out = NULL;
    CHECK(verdict_policy_load("/tmp/\xff", &p, &out, NULL) == VERDICT_ERR_ARGUMENT);
    verdict_free(out); out = NULL;
    CHECK(verdict_policy_load(folder, NULL, NULL, NULL) == VERDICT_ERR_ARGUMENT);

    /* A set with versions: a 2027 case by the amended version. */
    CHECK(verdict_policy_load(amended, &p, NULL, NULL) == VERDICT_OK);
    CHECK(verdict_policy_info(p, &out, NULL) == VERDICT_OK && strstr(out, "\"versions\""));
    verdict_free(out); out = NULL;
    CHECK(verdict_policy_free(p) == VERDICT_OK);
    CHECK(verdict_live_handles() == 0);
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t t;
    pthread_create(&t, NULL, run, argc > 1 ? argv[1] : ".");
    pthread_join(t, NULL);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
