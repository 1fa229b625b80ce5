/* Shared by the rules of the risk matrix (risk_*.c). */
#pragma once
#include "configurator/risk.h"

/* Add a reason to row r; its likelihood becomes at least `lvl`. fix may be
 * NULL (a mitigation, or nothing to do). */
void risk_reason(struct risk_row *r, enum risk_level lvl, const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first control of `area` whose item starts with `prefix`, or NULL. */
const struct control *risk_control(const struct controls *c, const char *area,
                                   const char *prefix);

/* Likelihood a control's state on this host adds to a threat: enforced or
 * stricter adds nothing, partial Medium, not enforced High. */
enum risk_level risk_of_state(enum control_state s);

void risk_rules_files(const struct policy *p, const struct controls *c, bool ns,
                      const char *home, struct risk_row *r);
void risk_rules_privilege(const struct policy *p, const struct controls *c, bool ns,
                          struct risk_row *r);
void risk_rules_network(const struct policy *p, const struct controls *c, struct risk_row *r);
void risk_rules_exfiltration(const struct policy *p, const struct controls *c,
                             const char *home, struct risk_row *r);
void risk_rules_resources(const struct policy *p, const struct controls *c,
                          struct risk_row *r);

/* Home credentials (relative names) that a policy leaves visible and not
 * denied; returns how many, the first one in *first (static string). */
size_t risk_visible_secrets(const struct policy *p, const char *home, const char **first);
/* Trusted entries that reach the host's loopback or private ranges (IP,
 * CIDR, localhost, or a network.hosts pin to such an address). */
size_t risk_local_destinations(const struct policy *p, const char **first);
size_t risk_wildcards(const struct policy *p);
/* An allow-list short enough to review: at most this many names, no wildcard. */
#define RISK_SHORT_ALLOW_LIST 5
