#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/run_audit.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

int run_audit_open(struct sandbox_config *cfg, struct audit_log *log)
{
    const struct policy *p = cfg->policy;
    bool strict = p->enforcement.strict_mode;
    _cleanup_free_ char *path = audit_default_path(p->audit.path);
    _cleanup_free_ char *norm = path_normalize(path);
    struct stat before;
    bool existed = stat(norm, &before) == 0;
    int r = audit_open(log, norm);
    if (r < 0) {
        if (strict) {
            log_errno(-r, "strict_mode: refusing to start: cannot open the audit log %s", norm);
            return -1;
        }
        log_errno(-r, "WARNING: audit log %s unavailable, this run is NOT recorded", norm);
        cfg->audit = NULL;
        return 0;
    }
    cfg->audit = log;
    memcpy(log->run_id, cfg->run_id, sizeof log->run_id);
    const char *fs = p->audit.fsync ? p->audit.fsync : "interval";
    log->fsync_mode = !strcmp(fs, "every")   ? AUDIT_FSYNC_EVERY
                      : !strcmp(fs, "never") ? AUDIT_FSYNC_NEVER
                                             : AUDIT_FSYNC_INTERVAL;
    log->max_bytes = p->audit.max_size_mb << 20;
    log->keep = (unsigned)(p->audit.keep ? p->audit.keep : 5);
    /* Its directory, if the sandbox would otherwise see it, is masked (and
     * in a writable tree its parents pinned): a trail the sandbox could
     * read or rewrite would prove nothing. */
    _cleanup_free_ char *dir = xstrdup(norm);
    _cleanup_free_ char *real = realpath(dirname(dir), NULL);
    r = real ? fs_plan_hide(&cfg->plan, real, "audit log directory") : -errno;
    if (r == -EBUSY) {
        log_error("audit: the audit log's directory %s is itself visible to the sandbox: "
                  "choose an audit.path in a directory of its own", real);
        if (!existed) {
            /* Leave nothing behind in a directory we refused to use. */
            unlink(log->head_path);
            unlink(log->path);
        }
        return -1;
    }
    if (r < 0) {
        log_errno(-r, "audit: hide %s from the sandbox", real ? real : norm);
        return -1;
    }
    return 0;
}

static json_t *string_array(char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; n < 0 ? v[i] != NULL : i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

int run_audit_start(struct sandbox_config *cfg, const struct controls *c,
                    const char *const *policy_files, int n_policy_files)
{
    if (!cfg->audit)
        return 0;
    _cleanup_free_ char *policy_json = policy_to_json(cfg->policy);
    char digest[65];
    audit_sha256_hex(policy_json, strlen(policy_json), digest);
    json_t *files = json_array();
    for (int i = 0; i < n_policy_files; i++) {
        _cleanup_free_ char *real = realpath(policy_files[i], NULL);
        json_array_append_new(files, json_string(real ? real : policy_files[i]));
    }
    json_t *layers = json_array(), *gaps = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const struct control *x = &c->v[i];
        if (x->state == CTL_ENFORCED || x->state == CTL_STRICTER) {
            bool seen = false;
            size_t k;
            json_t *l;
            json_array_foreach(layers, k, l) seen |= !strcmp(json_string_value(l), x->layer);
            if (!seen && strcmp(x->layer, "-") != 0)
                json_array_append_new(layers, json_string(x->layer));
        } else if (control_is_gap(x, false)) {
            json_array_append_new(gaps, json_pack("{s:s, s:s, s:s, s:b}", "item", x->item,
                                                  "state", control_state_name(x->state),
                                                  "detail", x->detail ? x->detail : "",
                                                  "confinement", x->confinement));
        }
    }
    char cwd[4096];
    json_t *fields = json_pack(
        "{s:o, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:o, s:s, s:o, s:o}", "argv",
        string_array(cfg->argv, -1), "cwd", getcwd(cwd, sizeof cwd) ? cwd : "?", "workspace",
        cfg->plan.workspace, "cwd_inside", cfg->cwd, "uid", (json_int_t)cfg->uid, "gid",
        (json_int_t)cfg->gid, "pid", (json_int_t)getpid(), "policy_digest", digest,
        "policy_files", files, "mode", cfg->use_namespaces ? "namespaces" : "landlock-only",
        "layers", layers, "gaps", gaps);
    if (audit_event(cfg->audit, "run.start", fields) < 0 &&
        cfg->policy->enforcement.strict_mode) {
        log_error("strict_mode: refusing to start: the audit log cannot record this run");
        return -1;
    }
    return 0;
}

void run_audit_end(struct sandbox_config *cfg, const struct run_result *res)
{
    if (!cfg->audit)
        return;
    json_t *fields = json_object();
    if (res->signal) {
        const char *abbrev = sigabbrev_np(res->signal);
        json_object_set_new(fields, "exit_code", json_integer(res->exit_code));
        json_object_set_new(fields, "signal",
                            abbrev ? json_sprintf("SIG%s", abbrev) : json_integer(res->signal));
    } else {
        json_object_set_new(fields, "exit_code", json_integer(res->exit_code));
        json_object_set_new(fields, "signal", json_null());
    }
    json_object_set_new(fields, "setup_failed", json_boolean(res->setup_failed));
    json_object_set_new(fields, "wall_ms", json_real(res->wall_ms));
    json_object_set_new(fields, "cpu_user_ms", json_real((double)res->utime_us / 1e3));
    json_object_set_new(fields, "cpu_sys_ms", json_real((double)res->stime_us / 1e3));
    /* The cgroup's peak is the whole sandbox; without one, the largest
     * single process is what the kernel tells us. */
    json_object_set_new(fields, "peak_memory_kib",
                        json_integer(res->peak_memory ? (json_int_t)(res->peak_memory / 1024)
                                                      : (json_int_t)res->maxrss_kib));
    json_object_set_new(fields, "peak_memory_scope",
                        json_string(res->peak_memory ? "sandbox" : "largest process"));
    json_object_set_new(fields, "pids_refused", json_integer((json_int_t)res->pids_refused));
    json_object_set_new(fields, "limit_hit",
                        res->limit_hit ? json_string(res->limit_hit) : json_null());
    if (cfg->policy->enforcement.audit_all_access) {
        json_object_set_new(fields, "fs_events", json_integer((json_int_t)res->fs_events));
        json_object_set_new(fields, "fs_events_not_listed",
                            json_integer((json_int_t)res->fs_events_dropped));
    }
    json_object_set_new(fields, "bytes_in", json_integer(0));
    json_object_set_new(fields, "bytes_out", json_integer(0));
    audit_event(cfg->audit, "run.end", fields);
    audit_sync(cfg->audit);
}
