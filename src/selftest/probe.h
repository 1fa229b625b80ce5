/* The self-test's probes: what each one attacks, which control of the
 * security summary it belongs to, and how a run of it came out. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* The controls of the security summary (SECURITY-SUMMARY.md). */
enum st_control {
    STC_FILE,
    STC_NETWORK,
    STC_PROCESS,
    STC_RESOURCES,
    STC_AUDIT,
    STC_MONITORING,
    STC_COUNT,
};

enum st_status { ST_PASS, ST_FAIL, ST_SKIP };

struct st_probe_def {
    const char *name;
    enum st_control control;
    const char *what;       /* one line: the attack or the capability */
};

extern const struct st_probe_def st_probes[];
extern const size_t st_n_probes;

const char *st_control_name(enum st_control c);
/* -1 when unknown. */
int st_control_from_name(const char *name);
const char *st_status_name(enum st_status s);
int st_status_from_name(const char *name);
const struct st_probe_def *st_probe_find(const char *name);

/* One probe's verdict. */
struct st_result {
    char *name;
    enum st_control control;
    enum st_status status;
    char *detail;
    long duration_ms;
};

struct st_results {
    struct st_result *v;
    size_t n;
};

void st_results_add(struct st_results *r, const char *name, enum st_status st, long ms,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void st_results_free(struct st_results *r);
void st_results_count(const struct st_results *r, size_t *pass, size_t *fail, size_t *skip);
