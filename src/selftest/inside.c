/* sandboxctl __probe: run probes inside a sandbox (see inside.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "selftest/inside.h"
#include "util/log.h"

enum in_outcome in_errno(int e, char *detail, size_t n, const char *what)
{
    snprintf(detail, n, "%s: %s (%s)", what, strerrorname_np(e) ? strerrorname_np(e) : "?",
             strerror(e));
    return IN_REFUSED;
}

char *in_split(const char *arg, const char **b)
{
    const char *c = strrchr(arg, ':');
    if (!c) {
        *b = "";
        return xstrdup(arg);
    }
    *b = c + 1;
    return strndup(arg, (size_t)(c - arg));
}

static in_probe_fn find(const char *kind)
{
    const struct in_probe *const tables[] = {in_fs_probes, in_proc_probes, in_net_probes,
                                             in_limit_probes};
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const struct in_probe *p = tables[t]; p->kind; p++)
            if (!strcmp(p->kind, kind))
                return p->fn;
    return NULL;
}

static void emit(const char *id, const char *outcome, const char *detail)
{
    /* One write per line: the lines of several children never mix. */
    char line[1024];
    int len = snprintf(line, sizeof line, "@probe %s %s ", id, outcome);
    size_t off = len > 0 && (size_t)len < sizeof line ? (size_t)len : 0;
    for (const char *s = detail; *s && off < sizeof line - 2; s++)
        line[off++] = *s == '\n' ? ' ' : *s;
    line[off++] = '\n';
    if (write(1, line, off) < 0)
        _exit(3);
}

static void hold(void)
{
    printf("@hold\n");
    fflush(stdout);
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    if (poll(&pfd, 1, 5000) > 0) {
        char c;
        if (read(0, &c, 1) < 0)
            return;
    }
}

static void run_one(const char *spec)
{
    char id[32] = "?";
    const char *s1 = strchr(spec, '/');
    const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
    if (!s1 || !s2 || (size_t)(s1 - spec) >= sizeof id) {
        emit(id, "error", "bad probe spec");
        return;
    }
    memcpy(id, spec, (size_t)(s1 - spec));
    id[s1 - spec] = 0;
    char kind[32];
    size_t kl = (size_t)(s2 - s1 - 1);
    if (kl >= sizeof kind) {
        emit(id, "error", "bad probe kind");
        return;
    }
    memcpy(kind, s1 + 1, kl);
    kind[kl] = 0;
    const char *arg = s2 + 1;
    if (!strcmp(kind, "hold")) {
        hold();
        return;
    }
    in_probe_fn fn = find(kind);
    if (!fn) {
        emit(id, "error", "unknown probe kind");
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        char d[128];
        snprintf(d, sizeof d, "fork: %s", strerror(errno));
        emit(id, "error", d);
        return;
    }
    if (pid == 0) {
        char detail[900] = "";
        enum in_outcome o = fn(arg, detail, sizeof detail);
        emit(id, o == IN_WORKED ? "worked" : o == IN_REFUSED ? "refused" : "error", detail);
        fflush(NULL);
        _exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(st)) {
        char d[64];
        snprintf(d, sizeof d, "%d", WTERMSIG(st));
        emit(id, "killed", d);
    }
}

int cmd_probe(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    for (int i = 1; i < argc; i++)
        run_one(argv[i]);
    return 0;
}
