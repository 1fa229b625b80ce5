/* Shared fixtures for the policy unit tests. */
#pragma once
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy/policy.h"

static const struct policy_env test_env = {
    .home = "/home/u",
    .cwd = "/src/proj",
    .tmpdir = "/var/tmp/t",
    .workspace = NULL,
};

/* Load one buffer (named "t.json") into a fresh base policy. */
static inline int load_str(struct policy **out, const char *json,
                           const struct policy_env *env, struct policy_error *err)
{
    *out = policy_new_base(env);
    memset(err, 0, sizeof *err);
    return policy_load_buffer(*out, "t.json", json, strlen(json), env, err);
}

static inline size_t list_index(const struct str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return i;
    return (size_t)-1;
}
