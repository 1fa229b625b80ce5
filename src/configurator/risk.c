/* The risk matrix: likelihood from the rules, impact fixed per threat
 * (what a success costs), level from both. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configurator/risk_internal.h"
#include "util/log.h"

const char *threat_name(enum threat t)
{
    switch (t) {
    case THREAT_FILE_ESCAPE: return "File Escape";
    case THREAT_NETWORK_INTRUSION: return "Network Intrusion";
    case THREAT_RESOURCE_EXHAUSTION: return "Resource Exhaustion";
    case THREAT_DATA_EXFILTRATION: return "Data Exfiltration";
    case THREAT_PRIVILEGE_ESCALATION: return "Privilege Escalation";
    case THREAT_COUNT: break;
    }
    return "?";
}

const char *risk_level_name(enum risk_level l)
{
    switch (l) {
    case RISK_LOW: return "Low";
    case RISK_MEDIUM: return "Medium";
    case RISK_HIGH: return "High";
    case RISK_CRITICAL: return "Critical";
    }
    return "?";
}

/*              impact: Medium  High    Critical
 * likelihood Low       Low     Low     Medium
 *            Medium    Medium  Medium  High
 *            High      Medium  High    Critical */
enum risk_level risk_combine(enum risk_level likelihood, enum risk_level impact)
{
    static const enum risk_level m[3][3] = {
        { RISK_LOW, RISK_LOW, RISK_MEDIUM },
        { RISK_MEDIUM, RISK_MEDIUM, RISK_HIGH },
        { RISK_MEDIUM, RISK_HIGH, RISK_CRITICAL },
    };
    int li = likelihood <= RISK_LOW ? 0 : likelihood == RISK_MEDIUM ? 1 : 2;
    int ii = impact <= RISK_MEDIUM ? 0 : impact == RISK_HIGH ? 1 : 2;
    return m[li][ii];
}

void risk_reason(struct risk_row *r, enum risk_level lvl, const char *fix, const char *fmt, ...)
{
    va_list ap;
    char *text = NULL;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    r->reasons = xrealloc(r->reasons, (r->n_reasons + 1) * sizeof *r->reasons);
    r->reasons[r->n_reasons++] = (struct risk_reason){
        .raises = lvl, .text = text ? text : xstrdup("?"), .fix = fix ? xstrdup(fix) : NULL,
    };
    if (lvl > r->likelihood)
        r->likelihood = lvl;
}

const struct control *risk_control(const struct controls *c, const char *area,
                                   const char *prefix)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].area, area) && !strncmp(c->v[i].item, prefix, strlen(prefix)))
            return &c->v[i];
    return NULL;
}

enum risk_level risk_of_state(enum control_state s)
{
    switch (s) {
    case CTL_PARTIAL: return RISK_MEDIUM;
    case CTL_NOT_ENFORCED: return RISK_HIGH;
    default: return RISK_LOW;
    }
}

static const enum risk_level impact_of[THREAT_COUNT] = {
    [THREAT_FILE_ESCAPE] = RISK_CRITICAL,
    [THREAT_NETWORK_INTRUSION] = RISK_HIGH,
    [THREAT_RESOURCE_EXHAUSTION] = RISK_MEDIUM,
    [THREAT_DATA_EXFILTRATION] = RISK_CRITICAL,
    [THREAT_PRIVILEGE_ESCALATION] = RISK_CRITICAL,
};

void risk_assess(const struct policy *p, const struct controls *c, bool use_namespaces,
                 const char *home, struct risk_matrix *m)
{
    *m = (struct risk_matrix){0};
    for (int t = 0; t < THREAT_COUNT; t++)
        m->rows[t] = (struct risk_row){
            .threat = (enum threat)t, .likelihood = RISK_LOW, .impact = impact_of[t],
        };
    risk_rules_files(p, c, use_namespaces, home, &m->rows[THREAT_FILE_ESCAPE]);
    risk_rules_network(p, c, &m->rows[THREAT_NETWORK_INTRUSION]);
    risk_rules_resources(p, c, &m->rows[THREAT_RESOURCE_EXHAUSTION]);
    risk_rules_exfiltration(p, c, home, &m->rows[THREAT_DATA_EXFILTRATION]);
    risk_rules_privilege(p, c, use_namespaces, &m->rows[THREAT_PRIVILEGE_ESCALATION]);
    for (int t = 0; t < THREAT_COUNT; t++) {
        struct risk_row *r = &m->rows[t];
        r->level = risk_combine(r->likelihood, r->impact);
        r->priority = r->level >= RISK_HIGH ? 0 : r->level == RISK_MEDIUM ? 1 : 2;
    }
}

void risk_matrix_free(struct risk_matrix *m)
{
    for (int t = 0; t < THREAT_COUNT; t++) {
        struct risk_row *r = &m->rows[t];
        for (size_t i = 0; i < r->n_reasons; i++) {
            free(r->reasons[i].text);
            free(r->reasons[i].fix);
        }
        free(r->reasons);
        r->reasons = NULL;
        r->n_reasons = 0;
    }
}
