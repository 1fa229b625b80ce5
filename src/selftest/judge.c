/* From the probes' answers and the host's own look afterwards to PASS,
 * FAIL or SKIP. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/verify.h"
#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static void verdict(struct st_item *it, enum st_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void verdict(struct st_item *it, enum st_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    it->status = st;
    free(it->verdict);
    it->verdict = s ? s : xstrdup("");
}

/* The last line of a run's stderr that says something. */
static const char *last_line(const char *err, char *buf, size_t n)
{
    buf[0] = 0;
    const char *p = err ? err : "";
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len && !strstr(p, "warning:"))
            snprintf(buf, n, "%.*s", (int)len, p);
        if (!e)
            break;
        p = e + 1;
    }
    return buf;
}

static void judge_answer(struct st_plan *pl, struct st_item *it)
{
    struct st_group *g = &pl->groups[it->group];
    char why[512];
    if (!it->outcome) {
        last_line(g->err, why, sizeof why);
        if (!g->started && it->group != G_MAIN)
            verdict(it, ST_SKIP, "the sandbox for this probe did not start (exit %d%s%s)",
                    g->exit_code, why[0] ? ": " : "", why);
        else
            verdict(it, ST_FAIL, "no answer from the probe (sandbox exit %d%s%s)",
                    g->exit_code, why[0] ? ": " : "", why);
        return;
    }
    const char *o = it->outcome;
    bool worked = !strcmp(o, "worked"), refused = !strcmp(o, "refused");
    if (!strcmp(o, "killed")) {
        if (!strcmp(it->name, "memory-limit")) {
            verdict(it, ST_PASS, "the allocation was killed (signal %s) at the limit",
                    it->detail);
            return;
        }
        verdict(it, ST_FAIL, "the probe was killed by signal %s", it->detail);
        return;
    }
    if (!worked && !refused) {
        verdict(it, ST_FAIL, "probe error: %s", it->detail);
        return;
    }
    if (it->expect == EXP_REFUSED)
        verdict(it, refused ? ST_PASS : ST_FAIL, "%s%s", refused ? "" : "NOT REFUSED: ",
                it->detail);
    else
        verdict(it, worked ? ST_PASS : ST_FAIL, "%s", it->detail);
}

static void judge_signal(struct st_item *it, struct st_fixtures *f)
{
    if (it->status == ST_PASS && !st_victim_alive(f))
        verdict(it, ST_FAIL, "the host process %s was killed from inside", f->victim_mark);
}

static void judge_daemon(struct st_item *it, struct st_fixtures *f)
{
    if (it->status != ST_FAIL || !it->outcome || strcmp(it->outcome, "worked"))
        return; /* "worked" (the daemon started) is what we want here */
    bool eof = false;
    char buf[16];
    for (int i = 0; i < 40 && !eof; i++) {
        ssize_t r = read(f->daemon_fifo_fd, buf, sizeof buf);
        if (r == 0)
            eof = true;
        else if (r < 0)
            poll(NULL, 0, 50);
    }
    if (eof)
        verdict(it, ST_PASS, "a setsid, double-forked daemon ended with the sandbox");
    else
        verdict(it, ST_FAIL, "a daemon started inside is still running after the sandbox "
                             "ended (it exits by itself within 10 s)");
}

static void judge_persist(struct st_plan *pl, struct st_item *it)
{
    if (!pl->persist_file || it->skip)
        return;
    _cleanup_free_ char *git = path_join(pl->policy->fs.workspace, ".git");
    _cleanup_free_ char *hooks = path_join(git, "hooks");
    bool file_left = access(pl->persist_file, F_OK) == 0;
    bool hooks_left = !pl->hooks_existed && access(hooks, F_OK) == 0;
    bool git_left = !pl->git_existed && access(git, F_OK) == 0;
    if (file_left)
        unlink(pl->persist_file);
    if (hooks_left)
        rmdir(hooks);
    if (git_left)
        rmdir(git);
    if (it->status == ST_PASS && (file_left || hooks_left || git_left))
        verdict(it, ST_FAIL, "%s; but left over on the host: %s", it->verdict,
                file_left ? pl->persist_file : hooks_left ? hooks : git);
}

/* The main run's run.start (its argv names the probe directory) and a
 * run.end of the same run id, in the tail of the audit log. */
static void judge_audit(struct st_plan *pl, struct st_item *it, struct st_fixtures *f)
{
    _cleanup_close_ int fd = open(pl->audit_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        verdict(it, ST_FAIL, "%s: %s", pl->audit_path, strerror(errno));
        return;
    }
    struct stat st;
    off_t size = fstat(fd, &st) == 0 ? st.st_size : 0;
    off_t from = size > (2 << 20) ? size - (2 << 20) : 0;
    size_t len = (size_t)(size - from);
    _cleanup_free_ char *buf = xmalloc(len + 1);
    ssize_t r = pread(fd, buf, len, from);
    buf[r > 0 ? r : 0] = 0;
    char run_id[64] = "";
    bool start = false, end = false;
    for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (!strstr(l, "\"run."))
            continue;
        json_t *j = json_loads(l, 0, NULL);
        const char *ev = json_string_value(json_object_get(j, "event"));
        const char *id = json_string_value(json_object_get(j, "run_id"));
        if (ev && id && !strcmp(ev, "run.start") && strstr(l, f->probe_dir)) {
            snprintf(run_id, sizeof run_id, "%s", id);
            start = true;
            end = false;
        } else if (ev && id && !strcmp(ev, "run.end") && start && !strcmp(id, run_id)) {
            end = true;
        }
        json_decref(j);
    }
    if (!start || !end) {
        verdict(it, ST_FAIL, "%s: no %s for the probe run", pl->audit_path,
                start ? "run.end" : "run.start");
        return;
    }
    struct audit_verdict v = {0};
    int bad = audit_verify(pl->audit_path, (unsigned)(pl->policy->audit.keep
                                                          ? pl->policy->audit.keep : 5), &v);
    if (bad)
        verdict(it, ST_FAIL, "run %s recorded, but the chain is broken: %s", run_id, v.message);
    else
        verdict(it, ST_PASS, "run %s: run.start and run.end in %s; hash chain intact "
                             "(%llu lines)", run_id, pl->audit_path,
                (unsigned long long)v.lines);
}

static void judge_limit_hit(struct st_plan *pl, struct st_item *it)
{
    struct st_item *mem = st_plan_item(pl, "memory-limit");
    struct st_item *fb = st_plan_item(pl, "fork-bomb-bounded");
    const char *merr = pl->groups[G_MEMORY].err ? pl->groups[G_MEMORY].err : "";
    const char *lerr = pl->groups[G_LIMITS].err ? pl->groups[G_LIMITS].err : "";
    if (mem->outcome && !strcmp(mem->outcome, "killed")) {
        if (strstr(merr, "memory limit"))
            verdict(it, ST_PASS, "the out-of-memory kill was reported: \"killed: memory limit "
                                 "... reached\" (and a limit.hit audit event)");
        else
            verdict(it, ST_FAIL, "the allocation was killed but the supervisor did not report "
                                 "the memory limit");
        return;
    }
    if (fb->outcome && !strcmp(fb->outcome, "refused") && strstr(lerr, "process limit")) {
        verdict(it, ST_PASS, "the refused forks were reported: \"process limit ... reached\"");
        return;
    }
    if (mem->skip && fb->skip)
        verdict(it, ST_SKIP, "no limit probe ran");
    else
        verdict(it, ST_SKIP, "the limits were met by refused calls (rlimits, no cgroup): the "
                             "supervisor has no limit hit to report");
}

void st_judge(struct st_plan *pl, struct st_fixtures *f, struct st_results *out)
{
    for (size_t i = 0; i < pl->n; i++) {
        struct st_item *it = &pl->items[i];
        if (it->skip) {
            verdict(it, ST_SKIP, "%s", it->skip);
        } else if (!strcmp(it->name, "audit-run-recorded")) {
            judge_audit(pl, it, f);
        } else if (!strcmp(it->name, "sandbox-listed")) {
            verdict(it, pl->groups[G_MAIN].listed ? ST_PASS : ST_FAIL, "%s",
                    pl->groups[G_MAIN].listed_detail[0] ? pl->groups[G_MAIN].listed_detail
                                                        : "the sandbox never got that far");
        } else if (!strcmp(it->name, "limit-hit-reported")) {
            judge_limit_hit(pl, it);
        } else {
            judge_answer(pl, it);
            if (!strcmp(it->name, "host-signal-refused"))
                judge_signal(it, f);
            else if (!strcmp(it->name, "leftover-daemon-gone"))
                judge_daemon(it, f);
            else if (!strcmp(it->name, "persistence-paths-protected"))
                judge_persist(pl, it);
        }
        if (it->note && it->status != ST_SKIP)
            st_results_add(out, it->name, it->status, it->ms, "%s (%s)", it->verdict,
                           it->note);
        else
            st_results_add(out, it->name, it->status, it->ms, "%s", it->verdict);
    }
}
