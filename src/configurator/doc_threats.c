/* docs/THREAT-ASSESSMENT.md: the risk matrix with the reasons behind each
 * rating, this host's enforcement gaps, and the controls that would lower
 * the ratings, by priority. */
#include <stdlib.h>
#include <string.h>

#include "configurator/docs.h"

static void matrix(FILE *f, const struct risk_matrix *m)
{
    fprintf(f, "## Risk Matrix\n\n"
            "| Threat | Likelihood | Impact | Risk Level | Mitigation Priority |\n"
            "|--------|-----------|--------|------------|-------------------|\n");
    for (int t = 0; t < THREAT_COUNT; t++) {
        const struct risk_row *r = &m->rows[t];
        fprintf(f, "| %s | %s | %s | %s | P%d |\n", threat_name(r->threat),
                risk_level_name(r->likelihood), risk_level_name(r->impact),
                risk_level_name(r->level), r->priority);
    }
    fprintf(f, "\nLikelihood is the highest that any reason below leads to: what the "
            "policy allows, and what this host does not enforce. Impact is what a "
            "success costs (fixed per threat). Risk level: Low likelihood gives Low "
            "(Medium for a Critical impact), Medium gives Medium (High for Critical), "
            "High gives the impact itself (Medium for a Medium impact). P0: High or "
            "Critical, P1: Medium, P2: Low.\n\n");
}

static void reasons(FILE *f, const struct risk_matrix *m)
{
    fprintf(f, "## Why\n\n");
    for (int t = 0; t < THREAT_COUNT; t++) {
        const struct risk_row *r = &m->rows[t];
        fprintf(f, "### %s: %s (likelihood %s, impact %s)\n\n", threat_name(r->threat),
                risk_level_name(r->level), risk_level_name(r->likelihood),
                risk_level_name(r->impact));
        for (size_t i = 0; i < r->n_reasons; i++) {
            const struct risk_reason *x = &r->reasons[i];
            if (x->raises > RISK_LOW)
                fprintf(f, "- **raises likelihood to %s**: %s\n", risk_level_name(x->raises),
                        x->text);
            else
                fprintf(f, "- mitigation: %s\n", x->text);
        }
        fprintf(f, "\n");
    }
}

static void gaps(FILE *f, const struct init_assessment *a)
{
    size_t stricter = 0;
    for (size_t i = 0; i < a->controls.n; i++)
        stricter += a->controls.v[i].state == CTL_STRICTER;
    fprintf(f, "## Enforcement on this host\n\nThe same computation as `sandboxctl check "
            "--policy sandbox-security/policies`: %zu control(s), %zu not fully enforced, "
            "%zu enforced more strictly than asked", a->controls.n, a->gaps, stricter);
    if (a->policy->enforcement.strict_mode)
        fprintf(f, " (%zu of them make strict_mode refuse to run)", a->refusals);
    fprintf(f, ".\n\n");
    size_t shown = 0;
    for (size_t i = 0; i < a->controls.n; i++) {
        const struct control *x = &a->controls.v[i];
        if (!control_is_gap(x, false) && x->state != CTL_STRICTER)
            continue;
        if (!shown++)
            fprintf(f, "| Area | Control | State | Layer | Detail |\n|---|---|---|---|---|\n");
        fprintf(f, "| %s | `%s` | %s | %s | %s |\n", x->area, x->item,
                control_state_name(x->state), x->layer, x->detail ? x->detail : "");
    }
    if (!shown)
        fprintf(f, "Every control is enforced as asked.\n");
    fprintf(f, "\n");
}

static bool seen_before(const struct risk_matrix *m, int t, size_t i, int prio)
{
    const char *fix = m->rows[t].reasons[i].fix;
    for (int u = 0; u <= t; u++) {
        if (m->rows[u].priority != prio)
            continue;
        size_t end = u == t ? i : m->rows[u].n_reasons;
        for (size_t j = 0; j < end; j++) {
            const struct risk_reason *y = &m->rows[u].reasons[j];
            if (y->fix && y->raises > RISK_LOW && !strcmp(y->fix, fix))
                return true;
        }
    }
    return false;
}

static void recommendations(FILE *f, const struct risk_matrix *m)
{
    static const char *const heading[] = { "Critical (P0)", "High (P1)", "Medium (P2)" };
    fprintf(f, "## Recommended Controls\n\nWhat would lower each rating, from the reasons "
            "above, by the priority of the threat.\n\n");
    for (int prio = 0; prio < 3; prio++) {
        fprintf(f, "### %s\n\n", heading[prio]);
        int n = 0;
        for (int t = 0; t < THREAT_COUNT; t++) {
            const struct risk_row *r = &m->rows[t];
            if (r->priority != prio)
                continue;
            for (size_t i = 0; i < r->n_reasons; i++) {
                const struct risk_reason *x = &r->reasons[i];
                if (!x->fix || x->raises == RISK_LOW || seen_before(m, t, i, prio))
                    continue;
                fprintf(f, "%d. %s: %s.\n", ++n, threat_name(r->threat), x->fix);
            }
            if (r->likelihood == RISK_LOW)
                fprintf(f, "%d. %s: keep the mitigations listed above; residual risk comes "
                        "from the %s impact, not from the policy.\n", ++n,
                        threat_name(r->threat), risk_level_name(r->impact));
        }
        if (!n)
            fprintf(f, "None: no threat has this priority.\n");
        fprintf(f, "\n");
    }
    fprintf(f, "Prove the boundaries hold on this host with `sandboxctl check` (which layer "
            "enforces each control) and by running the workload under `sandboxctl run`.\n");
}

char *init_doc_threats(const struct init_doc_meta *m, const struct init_assessment *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    doc_header(f, "Threat Assessment", m, a);
    fprintf(f, "## This host\n\n");
    doc_host_facts(f, a);
    matrix(f, &a->risk);
    reasons(f, &a->risk);
    gaps(f, a);
    recommendations(f, &a->risk);
    fclose(f);
    return buf;
}
