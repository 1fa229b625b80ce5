/* The threat assessment's risk matrix, derived from a loaded policy and
 * from the controls this host enforces for it (what `check` lists). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "policy/policy.h"
#include "sandbox/controls.h"

enum risk_level { RISK_LOW = 1, RISK_MEDIUM, RISK_HIGH, RISK_CRITICAL };

enum threat {
    THREAT_FILE_ESCAPE,
    THREAT_NETWORK_INTRUSION,
    THREAT_RESOURCE_EXHAUSTION,
    THREAT_DATA_EXFILTRATION,
    THREAT_PRIVILEGE_ESCALATION,
    THREAT_COUNT,
};

/* One reason behind a rating: which policy keys, which layer. `raises`
 * is the likelihood it leads to (RISK_LOW: a mitigation); `fix`, when not
 * NULL, is what would lower it. */
struct risk_reason {
    enum risk_level raises;
    char *text;
    char *fix;
};

struct risk_row {
    enum threat threat;
    enum risk_level likelihood;
    enum risk_level impact;
    enum risk_level level;
    int priority;               /* 0 (P0) .. 2 (P2) */
    struct risk_reason *reasons;
    size_t n_reasons;
};

struct risk_matrix {
    struct risk_row rows[THREAT_COUNT];
};

/* home: the home directory the policy was expanded with (for credentials
 * it may leave visible). use_namespaces: the sandbox mode judged. */
void risk_assess(const struct policy *p, const struct controls *c, bool use_namespaces,
                 const char *home, struct risk_matrix *m);
void risk_matrix_free(struct risk_matrix *m);

const char *threat_name(enum threat t);
const char *risk_level_name(enum risk_level l);
/* The level for a likelihood and an impact (the matrix itself). */
enum risk_level risk_combine(enum risk_level likelihood, enum risk_level impact);
