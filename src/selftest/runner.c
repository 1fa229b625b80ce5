/* Start each group's sandbox the way `sandboxctl run` does (the running
 * binary re-executed as `run`), read the probes' answers as they come. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sandbox/registry.h"
#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

#define GROUP_TIMEOUT_MS 30000

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int rank(const char *outcome)
{
    if (!outcome)
        return 0;
    if (!strcmp(outcome, "refused"))
        return 1;
    if (!strcmp(outcome, "worked"))
        return 3;
    return 2; /* error, killed */
}

static void record(struct st_item *it, const char *outcome, const char *detail, long ms)
{
    int r = rank(outcome), cur = rank(it->outcome);
    it->ms += ms;
    if (r > cur) {
        free(it->outcome);
        free(it->detail);
        it->outcome = xstrdup(outcome);
        it->detail = xstrdup(detail);
    } else if (r == cur && it->detail && strlen(it->detail) < 600) {
        char *j = xasprintf("%s; %s", it->detail, detail);
        free(it->detail);
        it->detail = j;
    }
}

struct run_state {
    struct st_plan *pl;
    enum st_group_id g;
    struct st_fixtures *f;
    struct st_progress *pr;
    int in_fd;
    long last;
};

static void look_at_running(struct run_state *s)
{
    struct st_group *grp = &s->pl->groups[s->g];
    struct run_entry *v = NULL;
    size_t n = registry_list(&v);
    for (size_t i = 0; i < n; i++)
        if (v[i].command && strstr(v[i].command, s->f->probe_dir)) {
            grp->listed = true;
            snprintf(grp->listed_detail, sizeof grp->listed_detail,
                     "listed as run %s (supervisor pid %d) among %zu running sandbox(es)",
                     v[i].run_id ? v[i].run_id : "?", (int)v[i].supervisor, n);
        }
    if (!grp->listed)
        snprintf(grp->listed_detail, sizeof grp->listed_detail,
                 "not among the %zu running sandbox(es) listed", n);
    run_entries_free(v, n);
}

static void line(struct run_state *s, char *l)
{
    if (!strcmp(l, "@hold")) {
        look_at_running(s);
        if (s->in_fd >= 0) {
            (void)!write(s->in_fd, "g", 1);
            close(s->in_fd);
            s->in_fd = -1;
        }
        return;
    }
    unsigned i, k;
    char outcome[16];
    int off = 0;
    if (sscanf(l, "@probe %u.%u %15s %n", &i, &k, outcome, &off) != 3 || !off ||
        i >= s->pl->n)
        return;
    struct st_item *it = &s->pl->items[i];
    long t = now_ms();
    record(it, outcome, l + off, t - s->last);
    s->last = t;
    s->pl->groups[s->g].started = true;
    if (k + 1 == it->n_specs)
        st_progress_step(s->pr, it->name);
}

static char **build_argv(const struct st_plan *pl, enum st_group_id g, const struct st_opts *o,
                         const struct st_fixtures *f)
{
    size_t cap = 16 + 2 * (size_t)o->n_policies + pl->n * 8;
    char **argv = xcalloc(cap, sizeof *argv);
    size_t n = 0;
    argv[n++] = xstrdup("sandboxctl");
    argv[n++] = xstrdup("run");
    if (pl->groups[g].policy_file) {
        argv[n++] = xstrdup("--policy");
        argv[n++] = xstrdup(pl->groups[g].policy_file);
    } else {
        for (int i = 0; i < o->n_policies; i++) {
            argv[n++] = xstrdup("--policy");
            argv[n++] = xstrdup(o->policies[i]);
        }
    }
    if (o->workspace) {
        argv[n++] = xstrdup("--workspace");
        argv[n++] = xstrdup(o->workspace);
    }
    if (!pl->ns)
        argv[n++] = xstrdup("--no-namespaces");
    argv[n++] = xstrdup("--");
    argv[n++] = xstrdup(f->probe_bin);
    argv[n++] = xstrdup("__probe");
    for (size_t i = 0; i < pl->n; i++) {
        const struct st_item *it = &pl->items[i];
        if (it->group != g || it->skip)
            continue;
        for (size_t k = 0; k < it->n_specs; k++)
            argv[n++] = xasprintf("%zu.%zu/%s", i, k, it->specs[k]);
    }
    if (pl->groups[g].hold)
        argv[n++] = xstrdup("h/hold/");
    return argv;
}

static void free_argv(char **argv)
{
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* Append what fd has to buf; false at EOF. */
static bool drain(int fd, char **buf, size_t *len)
{
    char tmp[4096];
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r <= 0)
        return r < 0 && (errno == EINTR || errno == EAGAIN);
    *buf = xrealloc(*buf, *len + (size_t)r + 1);
    memcpy(*buf + *len, tmp, (size_t)r);
    *len += (size_t)r;
    (*buf)[*len] = 0;
    return true;
}

static void run_group(struct st_plan *pl, enum st_group_id g, const struct st_opts *o,
                      struct st_fixtures *f, struct st_progress *pr)
{
    struct st_group *grp = &pl->groups[g];
    char **argv = build_argv(pl, g, o, f);
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
        grp->exit_code = -errno;
        free_argv(argv);
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        if (grp->home)
            setenv("HOME", grp->home, 1);
        execv("/proc/self/exe", argv);
        _exit(EXIT_SETUP_FAILED);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    free_argv(argv);
    struct run_state s = {.pl = pl, .g = g, .f = f, .pr = pr, .in_fd = in[1], .last = now_ms()};
    signal(SIGPIPE, SIG_IGN);
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0, odone = 0;
    bool oopen = true, eopen = true;
    long deadline = now_ms() + GROUP_TIMEOUT_MS;
    while ((oopen || eopen) && pid > 0) {
        struct pollfd p[2] = {{.fd = oopen ? out[0] : -1, .events = POLLIN},
                              {.fd = eopen ? err[0] : -1, .events = POLLIN}};
        long left = deadline - now_ms();
        if (left <= 0 || poll(p, 2, (int)left) == 0) {
            kill(pid, SIGKILL);
            const char *msg = "sandboxctl test: the probes did not finish in time; killed\n";
            ebuf = xrealloc(ebuf, elen + strlen(msg) + 1);
            strcpy(ebuf + elen, msg);
            elen += strlen(msg);
            break;
        }
        if (p[0].revents && !drain(out[0], &obuf, &olen))
            oopen = false;
        if (p[1].revents && !drain(err[0], &ebuf, &elen))
            eopen = false;
        char *nl;
        while (obuf && (nl = memchr(obuf + odone, '\n', olen - odone))) {
            *nl = 0;
            line(&s, obuf + odone);
            odone = (size_t)(nl - obuf) + 1;
        }
    }
    if (s.in_fd >= 0)
        close(s.in_fd);
    close(out[0]);
    close(err[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    grp->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    grp->err = ebuf ? ebuf : xstrdup("");
    free(obuf);
}

void st_run_groups(struct st_plan *pl, const struct st_opts *o, struct st_fixtures *f,
                   struct st_progress *pr)
{
    for (int g = 0; g < G_COUNT; g++)
        if (pl->groups[g].used)
            run_group(pl, (enum st_group_id)g, o, f, pr);
}
