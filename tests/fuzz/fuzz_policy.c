/* libFuzzer harness: arbitrary bytes through the whole native-policy path
 * (parse, validate, locate, merge, finalise, serialise, free), and the raw
 * bytes through the JSON locator, which must cope with text jansson
 * rejects. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/json_locate.h"
#include "policy/policy.h"

static const struct policy_env env = {
    .home = "/home/fuzz",
    .cwd = "/src/fuzz",
    .tmpdir = "/tmp",
    .workspace = "/w",
};

static void fuzz_locate(const uint8_t *data, size_t size)
{
    static const struct json_seg paths[][3] = {
        { { "file_system", 0 }, { "allowed_paths", 0 }, { NULL, 1 } },
        { { "network", 0 }, { "hosts", 0 }, { "a", 0 } },
        { { NULL, 0 }, { NULL, 2 }, { "", 0 } },
    };
    struct json_pos pos[8];
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        for (size_t d = 0; d <= 3; d++) {
            (void)json_locate((const char *)data, size, paths[i], d, false, &pos[0]);
            if (d && paths[i][d - 1].key)
                (void)json_locate((const char *)data, size, paths[i], d, true, &pos[0]);
            (void)json_locate_elements((const char *)data, size, paths[i], d, pos, 8);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy so any read past the end is caught. */
    char *buf = malloc(size ? size : 1);
    if (size)
        memcpy(buf, data, size);
    fuzz_locate((const uint8_t *)buf, size);

    struct policy_error err;
    struct policy *p = policy_new_default(&env);
    if (policy_load_buffer(p, "fuzz.json", buf, size, &env, &err) == 0 &&
        policy_finalize(p, &env, &err) == 0) {
        char *json = policy_to_json(p);
        /* What we print must load back: the serialiser and loader agree. */
        struct policy *q = policy_new_base(&env);
        if (!json || policy_load_buffer(q, "dump.json", json, strlen(json), &env, &err) != 0 ||
            policy_finalize(q, &env, &err) != 0)
            abort();
        char *again = policy_to_json(q);
        if (!again || strcmp(json, again) != 0)
            abort();
        free(again);
        free(json);
        policy_free(q);
    }
    policy_free(p);
    free(buf);
    return 0;
}
