/* The generated policy as `run` will see it on this host: loaded from the
 * generated texts, its file-system plan, the host's support, the controls
 * `check` would list, and the risk matrix derived from them. */
#pragma once
#include <stdbool.h>

#include "configurator/risk.h"
#include "policy/policy.h"
#include "sandbox/controls.h"
#include "sandbox/hostprobe.h"
#include "sandbox/sandbox.h"

enum { INIT_FILE_FS, INIT_FILE_NET, INIT_FILE_RES, INIT_N_POLICY_FILES };

/* Names of the policy files, in load (name) order. */
extern const char *const init_policy_file_names[INIT_N_POLICY_FILES];

struct init_assessment {
    struct policy *policy;
    struct sandbox_config cfg;
    struct host_support host;
    struct controls controls;
    struct risk_matrix risk;
    size_t gaps;            /* controls not fully enforced */
    size_t refusals;        /* confinement gaps strict_mode refuses on */
};

/* Load texts (indexed by INIT_FILE_*) with env, probe the host (or take
 * *host when not NULL: tests), collect the controls and rate the risks.
 * Returns 0, or -1 with err filled (the texts do not load). */
int init_assess(const char *const texts[INIT_N_POLICY_FILES], const struct policy_env *env,
                const struct host_support *host, struct init_assessment *a,
                struct policy_error *err);
void init_assessment_free(struct init_assessment *a);
