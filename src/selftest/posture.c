/* From probe verdicts and check's controls to the posture table: "Active"
 * only where the control's probes ran, all passed, and check finds no gap
 * in that area on this host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/report.h"
#include "util/log.h"

const char *st_posture_name(enum st_posture p)
{
    switch (p) {
    case POS_ACTIVE: return "Active";
    case POS_PARTIAL: return "Partial";
    case POS_INACTIVE: return "Inactive";
    case POS_NOT_TESTED: return "Not tested";
    }
    return "?";
}

/* The check areas a control stands for. */
static bool in_area(enum st_control c, const char *area)
{
    switch (c) {
    case STC_FILE: return !strcmp(area, "file_system");
    case STC_NETWORK: return !strcmp(area, "network");
    case STC_PROCESS: return !strcmp(area, "process") || !strcmp(area, "environment");
    case STC_RESOURCES: return !strcmp(area, "resources");
    case STC_AUDIT: return !strcmp(area, "audit");
    default: return false;
    }
}

static void append(char **s, const char *sep, const char *add)
{
    if (!*s) {
        *s = xstrdup(add);
        return;
    }
    char *j = xasprintf("%s%s%s", *s, sep, add);
    free(*s);
    *s = j;
}

void st_posture_compute(const struct st_results *r, const struct controls *chk,
                        struct st_posture_row *rows)
{
    for (int c = 0; c < STC_COUNT; c++) {
        struct st_posture_row *row = &rows[c];
        *row = (struct st_posture_row){.control = (enum st_control)c};
        char *failed = NULL, *skipped = NULL, *gaps = NULL;
        for (size_t i = 0; r && i < r->n; i++) {
            const struct st_result *x = &r->v[i];
            if ((int)x->control != c)
                continue;
            if (x->status == ST_PASS) {
                row->pass++;
            } else if (x->status == ST_FAIL) {
                row->fail++;
                append(&failed, ", ", x->name);
            } else {
                row->skip++;
                char *s = xasprintf("%s (%s)", x->name, x->detail);
                append(&skipped, "; ", s);
                free(s);
            }
        }
        size_t n_gaps = 0;
        for (size_t i = 0; chk && i < chk->n; i++) {
            const struct control *x = &chk->v[i];
            if (!in_area((enum st_control)c, x->area) || !control_is_gap(x, false))
                continue;
            if (n_gaps++ < 4) {
                char *s = xasprintf("%s %s", x->item, control_state_name(x->state));
                append(&gaps, ", ", s);
                free(s);
            }
        }
        if (!r) {
            row->status = POS_NOT_TESTED;
            row->reason = xstrdup("no `sandboxctl test` results yet");
        } else if (row->fail) {
            row->status = row->pass ? POS_PARTIAL : POS_INACTIVE;
            row->reason = xasprintf("probes failed: %s", failed);
        } else if (!row->pass) {
            row->status = POS_NOT_TESTED;
            row->reason = skipped ? xasprintf("no probe ran: %s", skipped)
                                  : xstrdup("no probe for this control in the results");
        } else if (n_gaps) {
            row->status = POS_PARTIAL;
            row->reason = xasprintf("probes passed, but `check` finds %zu gap(s) on this "
                                    "host: %s%s", n_gaps, gaps, n_gaps > 4 ? ", ..." : "");
        } else {
            row->status = POS_ACTIVE;
            row->reason = xasprintf("%zu probe(s) passed on this host%s%s", row->pass,
                                    row->skip ? "; skipped: " : "", row->skip ? skipped : "");
        }
        free(failed);
        free(skipped);
        free(gaps);
    }
}

void st_posture_free(struct st_posture_row *rows)
{
    for (int c = 0; c < STC_COUNT; c++) {
        free(rows[c].reason);
        rows[c].reason = NULL;
    }
}
