/* sandboxctl report: the security posture computed from the latest test
 * results and from what `check` says about this host. */
#pragma once
#include <stdbool.h>

#include "sandbox/controls.h"
#include "selftest/probe.h"

enum st_posture { POS_ACTIVE, POS_PARTIAL, POS_INACTIVE, POS_NOT_TESTED };

struct st_posture_row {
    enum st_control control;
    enum st_posture status;
    size_t pass, fail, skip;
    char *reason;
};

/* The latest line of a test-results.log. */
struct st_latest {
    bool found;
    char *timestamp;
    int result;
    char *digest;
    char *mode;
    int landlock_abi;
    char *cgroup;
    bool userns;
    struct st_results results;
};

const char *st_posture_name(enum st_posture p);
/* r: the probes' verdicts (NULL: no results); chk: check's controls
 * (NULL: not known). rows has STC_COUNT entries, in control order. */
void st_posture_compute(const struct st_results *r, const struct controls *chk,
                        struct st_posture_row *rows);
void st_posture_free(struct st_posture_row *rows);

/* Parse one results-log line; 0 or -1 (not a test line). */
int st_latest_parse(const char *line, struct st_latest *out);
/* The last parseable line of the file; out->found false when none. */
int st_latest_read(const char *path, struct st_latest *out);
void st_latest_free(struct st_latest *l);

struct st_report {
    const char *date;               /* when the report was made */
    const struct st_latest *latest;
    const struct st_posture_row *rows;
    const struct controls *chk;
    const char *digest;             /* of the policy now */
    const char *mode;
    int landlock_abi;
    const char *cgroup;
    bool userns;
    const char *results_path;
};

char *st_report_md(const struct st_report *rep);
char *st_report_html(const struct st_report *rep);
