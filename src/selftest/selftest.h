/* sandboxctl test: the host half. The probes run in a few sandboxes
 * ("groups"), each started exactly as `sandboxctl run` starts one (the
 * running binary re-executed as `run`), with a copy of the binary in a
 * private directory of the workspace as the command (`__probe`). */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "policy/policy.h"
#include "sandbox/hostprobe.h"
#include "selftest/probe.h"

/* What the host sets up for the probes, and removes afterwards. */
struct st_fixtures {
    char *probe_dir;    /* in the workspace: the binary, FIFOs, a fake HOME */
    char *probe_bin;
    char *host_tmp;     /* private, outside the workspace: sockets, policy copies */
    pid_t victim;       /* a sleeping host process */
    char victim_mark[16];
    int tcp_fd, tcp_port;   /* listening on the host's 127.0.0.1 */
    int unix_fd;            /* listening on host_tmp/host.sock */
    char *unix_path;
    int abstract_fd;
    char abstract_name[64]; /* "@sandboxctl-test-..." */
    int daemon_fifo_fd;     /* read end */
    char *daemon_fifo;
};

int st_fixtures_setup(struct st_fixtures *f, const char *workspace);
void st_fixtures_teardown(struct st_fixtures *f);
/* Create a new file (0600) holding text. 0 or -errno. */
int st_write_new(const char *path, const char *text);
/* The victim is still alive (not reaped). */
bool st_victim_alive(struct st_fixtures *f);

enum st_expect { EXP_REFUSED, EXP_WORKS };

enum st_group_id { G_MAIN, G_HOME, G_LIMITS, G_MEMORY, G_COUNT };

/* One probe as the host sees it. */
struct st_item {
    const char *name;
    enum st_expect expect;
    enum st_group_id group;
    char *skip;             /* set: not run, SKIP with this reason */
    char *note;             /* added to the detail */
    /* Inside specs "KIND/ARG" (the ID is added by the runner). */
    char *specs[8];
    size_t n_specs;
    /* Filled by the runner: the worst outcome and its detail. */
    char *outcome;          /* "worked", "refused", "error", "killed", NULL: no answer */
    char *detail;
    long ms;
    /* Filled by the judge. */
    enum st_status status;
    char *verdict;
};

struct st_group {
    bool used;
    char *policy_file;      /* NULL: the user's own --policy arguments */
    char *home;             /* HOME for the run, or NULL */
    bool hold;              /* end with a hold, for the host's look at the running sandbox */
    /* After the run. */
    int exit_code;
    bool started;           /* at least one probe answered */
    char *err;              /* its stderr */
    bool listed;            /* seen by registry_list while holding */
    char listed_detail[256];
};

struct st_opts {
    const char **policies;
    int n_policies;
    const char *workspace;
    bool no_namespaces;     /* asked, or forced: no user namespaces here */
};

struct st_plan {
    struct st_item *items;
    size_t n;
    struct st_group groups[G_COUNT];
    const struct policy *policy;
    const struct host_support *host;
    bool ns;
    char *audit_path;
    /* persistence-paths-protected: the state before, the file it tries. */
    bool git_existed, hooks_existed;
    char *persist_file;
};

/* The probes for this policy and host; derived policies written to
 * f->host_tmp. */
int st_plan_build(struct st_plan *pl, const struct policy *p, const struct host_support *h,
                  bool ns, struct st_fixtures *f);
void st_plan_free(struct st_plan *pl);
struct st_item *st_plan_item(struct st_plan *pl, const char *name);

/* Progress on stderr: a single updating line on a terminal. */
struct st_progress {
    bool tty, quiet;
    size_t done, total;
};
void st_progress_step(struct st_progress *pr, const char *name);
void st_progress_end(struct st_progress *pr);

/* Run every used group. */
void st_run_groups(struct st_plan *pl, const struct st_opts *o, struct st_fixtures *f,
                   struct st_progress *pr);
/* Verdicts, including the host's own checks after the runs. */
void st_judge(struct st_plan *pl, struct st_fixtures *f, struct st_results *out);

/* Output formats (stdout). */
enum st_format { FMT_TEXT, FMT_TAP, FMT_JUNIT, FMT_JSON };
int st_format_parse(const char *s, enum st_format *out);
char *st_format_results(const struct st_results *r, enum st_format fmt);
/* [{name, control, status, detail, duration_ms}] */
json_t *st_results_json(const struct st_results *r);

/* The results log. */
struct st_run_info {
    char timestamp[40];
    char digest[65];
    const char *mode;       /* "namespaces" | "landlock-only" */
    int landlock_abi;
    const char *cgroup;
    bool userns;
};
/* DIR/sandbox-security found from the policy paths or ".", or NULL. Heap. */
char *st_find_security_dir(const char *const *policies, int n);
/* The JSON line (no newline). Heap. */
char *st_log_line(const struct st_results *r, const struct st_run_info *info);
int st_log_append(const char *path, const char *line);
/* Now as ISO 8601 with the offset, as `date -Iseconds`. */
void st_iso_now(char out[40]);
