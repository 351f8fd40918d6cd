/* The README's C example: load the shipped quality-complaints set, decide one case, print the answer.
 * Build: cc -I include bindings/c/example.c -L DIR -lverdict -Wl,-rpath,DIR  (DIR from bindings/build-library.sh) */
#include <stdio.h>
#include <string.h>
#include "verdict.h"

int main(int argc, char **argv) {
    const char *folder = argc > 1 ? argv[1] : "policies/quality-complaints";
    if (verdict_abi_version() != VERDICT_ABI_VERSION) {
        fprintf(stderr, "libverdict has ABI %u, this program was built for %d\n", verdict_abi_version(), VERDICT_ABI_VERSION);
        return 1;
    }
    verdict_policy policy;
    char *out = NULL;
    if (verdict_policy_load(folder, &policy, &out, NULL) != VERDICT_OK) {
        fprintf(stderr, "%s\n", out);  /* every error at file:line:column, as JSON */
        verdict_free(out);
        return 1;
    }
    verdict_free(out);

    const char *c = "{\"id\": \"Q-2026-0042\", \"received_at\": \"2026-03-02T09:15:00+08:00\","
                    " \"region\": \"Henan\", \"branch\": \"Luoyang\", \"problem\": \"fly\", \"eaten\": true,"
                    " \"adverse_reaction\": true, \"hospitalised\": true, \"media_involved\": false,"
                    " \"government_involved\": false, \"excessive_demand\": false, \"food_poisoning\": false,"
                    " \"batch_problem\": false, \"cost\": \"1200.00\"}";
    size_t len = 0;
    int status = verdict_decide(policy, c, strlen(c), NULL, &out, &len);
    printf("%s\n", out);  /* the decision as JSON, or the refusal */
    verdict_free(out);
    verdict_policy_free(policy);
    return status == VERDICT_OK ? 0 : 1;
}
