/*
 * verdict.h — the C interface of Verdict, a rule-driven policy engine (libverdict.so).
 *
 * Load a policy set (a folder of YAML files, with its versions under versions/) into a handle, then
 * decide cases with it: a case goes in as UTF-8 JSON, the decision comes out as UTF-8 JSON — the
 * same bytes `verdict decide` prints and the HTTP service answers, because all three ask the one
 * decision entry point of the Swift library. Explanations (English or Chinese), "why not?" answers,
 * the set's versions and its case schema come the same way.
 *
 * Conventions
 *  - Every function returning int returns a verdict_status: VERDICT_OK (0) or an error code.
 *  - Text out: `char **out` receives a NUL-terminated UTF-8 buffer from malloc, and `size_t *out_len`
 *    (which may be NULL) its length without the NUL. The caller frees it with verdict_free(). On an
 *    error the buffer holds the error as JSON: {"error": "<name>", "message": "...", ...}; `out` may be
 *    NULL when the caller wants only the status. On VERDICT_OK `*out` can be NULL only if memory ran out.
 *  - Handles are numbers, never addresses: 0 is never a handle, and a freed or made-up handle is
 *    refused with VERDICT_ERR_HANDLE, never read as memory. Handles are not reused.
 *  - Threads: every function may be called from any thread at any time; one handle may be used by
 *    many threads at once. A handle freed while another thread decides with it stays valid until that
 *    call returns. Evaluation holds no lock: calls on one handle run in parallel.
 *  - No function keeps a pointer it was given after it returns.
 */
#ifndef VERDICT_H
#define VERDICT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes; verdict_abi_version() gives the library's. A binding checks
 * they are equal before any other call: a different number means a function changed. */
#define VERDICT_ABI_VERSION 1

/* A loaded policy set. */
typedef uint64_t verdict_policy;

typedef enum verdict_status {
    VERDICT_OK = 0,
    /* The policy set did not load. JSON: {"error": "policy-invalid", "message", "diagnostics": [
     * {"severity", "code", "message", "file", "line", "column", "help", "notes"}], "errors", "warnings",
     * "text" (the diagnostics as `verdict check` prints them, with the source lines)}. */
    VERDICT_ERR_POLICY = 1,
    /* The case was refused: not JSON, not an object, a field missing or malformed, a date before every
     * version. JSON: {"error": "case-refused", "message", "case" (its id or null), "problems": [
     * {"field", "code", "message", "help"}], "policy": {"name", "version", "effective", "digest"}}. */
    VERDICT_ERR_CASE = 2,
    /* The options cannot be read: not a JSON object, an unknown option, a bad value, a why-not question
     * the set cannot read, an unknown version. JSON: {"error": "invalid-request", "message", "option"}. */
    VERDICT_ERR_REQUEST = 3,
    /* The handle was never given or has been freed. JSON: {"error": "invalid-handle", "message"}. */
    VERDICT_ERR_HANDLE = 4,
    /* A required pointer is NULL, or a text is not UTF-8. JSON: {"error": "invalid-argument", "message"}. */
    VERDICT_ERR_ARGUMENT = 5,
    /* verdict_decide_into only: the caller's buffer cannot hold the answer and its NUL. Nothing was
     * written; *out_len holds the answer's length (without the NUL). No JSON. */
    VERDICT_ERR_SPACE = 6
} verdict_status;

/* The library's ABI version (VERDICT_ABI_VERSION of the header it was built with). */
uint32_t verdict_abi_version(void);

/* The engine's version, "major.minor.patch": a static string, never freed. */
const char *verdict_version(void);

/* Frees a buffer a verdict function returned. NULL is allowed. */
void verdict_free(char *buffer);

/* Loads, checks and compiles every version of the policy set in `directory` (its own files are one
 * version, each folder under versions/ another). On VERDICT_OK, *handle is the set's handle and *out
 * (if not NULL) holds {"diagnostics": [...], "errors": 0, "warnings": N} — warnings only. On
 * VERDICT_ERR_POLICY, *handle is 0 and *out holds every error at file:line:column. */
int verdict_policy_load(const char *directory, verdict_policy *handle, char **out, size_t *out_len);

/* Frees the set (VERDICT_ERR_HANDLE if it is not a live handle). It does not wait: a call already
 * running with the handle keeps the set alive until it returns; later calls are refused. Each thread that
 * decided with the set also keeps a decider of each of its versions (up to 64 per thread, so that threads
 * share no reference count while they decide), released when the thread ends or has moved on to 64
 * other versions: memory of a freed set is bounded, not returned at once. */
int verdict_policy_free(verdict_policy handle);

/* The set as JSON: {"name", "effective_by" (the case field that picks the version, if any),
 * "in_force" (the version in force now), "versions": [{"name", "version", "effective", "digest",
 * "folder", "fields": [...], "outputs": [...]}], "verdict" (the engine's version), "abi"}. */
int verdict_policy_info(verdict_policy handle, char **out, size_t *out_len);

/* The JSON Schema (draft 2020-12) of the case input of `version` (as the set's `version` names it),
 * or of the version in force now when `version` is NULL. */
int verdict_case_schema(verdict_policy handle, const char *version, char **out, size_t *out_len);

/* Decides one case: `case_json` (`case_len` bytes of UTF-8 JSON, an object; need not be
 * NUL-terminated) by the version in force on its date. `options` is NULL or a JSON object:
 *   "explain": true | false | "compact" | "full"   add the explanation (default false)
 *   "lang":    "en" | "zh"                          add "explanation_text" in that language
 *   "now":     "2026-05-01T09:00:00+08:00"          judge SLA clocks at this instant (and pick the
 *                                                   version by it when the set names no effective_by
 *                                                   field); default: clocks give deadlines only
 *   "why_not": "approver=branch_manager" | [...]    "why not?" questions, answered in "why_not"
 *   "format":  "decision" | "explanation" | "text"  the decision's JSON (default); the explanation's
 *                                                   JSON alone (or the why-not answers'); plain text
 *                                                   for people, in "lang" (English by default)
 *   "schema_digest": "sha256:…"                     the schema digest `verdict codegen` wrote into the
 *                                                   caller's generated types: a case whose deciding
 *                                                   version has another is VERDICT_ERR_CASE, problem
 *                                                   code "schema-changed"
 * On VERDICT_OK *out holds the answer: {"case", "policy": {"name", "version", "effective", "digest"},
 * "outputs": {...}, "clocks", "explanation", "explanation_text", "why_not", "why_not_text"} as asked. */
int verdict_decide(verdict_policy handle, const char *case_json, size_t case_len, const char *options,
                   char **out, size_t *out_len);

/* verdict_decide without a buffer from the library: the answer (or, on an error, its JSON) and a NUL go
 * into the caller's `buffer` of `capacity` bytes, and `*out_len` receives the answer's length without
 * the NUL. When they do not fit, nothing is written, *out_len is the length needed and the status is
 * VERDICT_ERR_SPACE, whatever the decision's own status: call again with at least *out_len + 1 bytes
 * (the same case and options give the same answer, so one retry suffices). A caller that keeps its
 * buffer between calls (one per thread) crosses the boundary once per decision and frees nothing.
 * `buffer` may be NULL only with `capacity` 0 (a length query: VERDICT_ERR_SPACE and the length).
 * `out_len` NULL, or `buffer` NULL with a capacity, is VERDICT_ERR_ARGUMENT with nothing written. */
int verdict_decide_into(verdict_policy handle, const char *case_json, size_t case_len, const char *options,
                        char *buffer, size_t capacity, size_t *out_len);

/* For benchmarks: decides the case `iterations` times inside the library, never crossing the C boundary
 * (the Swift library's own JSON-in, JSON-out decision with a reused output buffer), and sets
 * *nanoseconds to the time taken. A binding's per-call overhead is its per-call time minus this one's. */
int verdict_bench_answer(verdict_policy handle, const char *case_json, size_t case_len, const char *options,
                         uint64_t iterations, uint64_t *nanoseconds);

/* How many handles are live: for a caller's own leak checks. */
uint64_t verdict_live_handles(void);

#ifdef __cplusplus
}
#endif

#endif /* VERDICT_H */
