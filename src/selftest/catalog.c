/* The probe catalogue and the result list. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/probe.h"
#include "util/log.h"

const struct st_probe_def st_probes[] = {
    {"shadow-unreadable", STC_FILE, "read /etc/shadow"},
    {"denied-paths-unreadable", STC_FILE, "read the policy's denied paths that exist here"},
    {"ssh-keys-unreadable", STC_FILE, "read ~/.ssh/id_* (a planted key when there is none)"},
    {"workspace-writable", STC_FILE, "create a file in the workspace"},
    {"temp-writable", STC_FILE, "create a file in $TMPDIR"},
    {"persistence-paths-protected", STC_FILE, "create a hook in .git/hooks; nothing left over"},
    {"trusted-domain-reachable", STC_NETWORK, "connect to a trusted domain"},
    {"blocked-domain-unreachable", STC_NETWORK, "connect to a blocked domain pinned to a "
                                                "loopback server on the host"},
    {"host-loopback-tcp-unreachable", STC_NETWORK, "connect to a TCP server on the host's "
                                                   "127.0.0.1"},
    {"host-unix-socket-unreachable", STC_NETWORK, "connect to a unix socket by path on the host"},
    {"abstract-unix-socket-unreachable", STC_NETWORK, "connect to an abstract unix socket on "
                                                      "the host"},
    {"metadata-ip-unreachable", STC_NETWORK, "connect to 169.254.169.254:80"},
    {"blocked-name-dns-fails", STC_NETWORK, "resolve a blocked name"},
    {"host-processes-invisible", STC_PROCESS, "see a host process in /proc"},
    {"host-signal-refused", STC_PROCESS, "send SIGTERM to a host process"},
    {"tiocsti-refused", STC_PROCESS, "inject input with ioctl(TIOCSTI)"},
    {"tiocsti-high-bits-refused", STC_PROCESS, "ioctl(TIOCSTI | 1 << 32)"},
    {"nested-userns-refused", STC_PROCESS, "unshare(CLONE_NEWUSER)"},
    {"mount-refused", STC_PROCESS, "mount a tmpfs (directly and in a new namespace)"},
    {"keyctl-refused", STC_PROCESS, "keyctl(KEYCTL_GET_KEYRING_ID)"},
    {"bpf-refused", STC_PROCESS, "bpf()"},
    {"io-uring-refused", STC_PROCESS, "io_uring_setup()"},
    {"perf-event-open-refused", STC_PROCESS, "perf_event_open()"},
    {"userfaultfd-refused", STC_PROCESS, "userfaultfd()"},
    {"leftover-daemon-gone", STC_PROCESS, "a setsid double-forked daemon outlives the sandbox"},
    {"fork-bomb-bounded", STC_RESOURCES, "fork past the pids limit (bounded)"},
    {"memory-limit", STC_RESOURCES, "allocate past the memory limit"},
    {"file-size-limit", STC_RESOURCES, "write a file past the file-size limit"},
    {"temp-full", STC_RESOURCES, "fill the temp directory past its size"},
    {"open-files-limit", STC_RESOURCES, "open files past the open-file limit"},
    {"audit-log-hidden", STC_AUDIT, "read or append to the audit log from inside"},
    {"audit-run-recorded", STC_AUDIT, "the run's start and end are in the audit log"},
    {"sandbox-listed", STC_MONITORING, "the running sandbox is listed (ps, monitor)"},
    {"limit-hit-reported", STC_MONITORING, "a limit hit is reported by the supervisor"},
};
const size_t st_n_probes = sizeof st_probes / sizeof st_probes[0];

static const char *const control_names[STC_COUNT] = {
    "File Isolation", "Network Isolation", "Process Isolation",
    "Resource Limits", "Audit Logging", "Monitoring",
};

const char *st_control_name(enum st_control c)
{
    return (unsigned)c < STC_COUNT ? control_names[c] : "?";
}

int st_control_from_name(const char *name)
{
    for (int i = 0; i < STC_COUNT; i++)
        if (!strcmp(control_names[i], name))
            return i;
    return -1;
}

const char *st_status_name(enum st_status s)
{
    switch (s) {
    case ST_PASS: return "PASS";
    case ST_FAIL: return "FAIL";
    case ST_SKIP: return "SKIP";
    }
    return "?";
}

int st_status_from_name(const char *name)
{
    if (!strcmp(name, "PASS"))
        return ST_PASS;
    if (!strcmp(name, "FAIL"))
        return ST_FAIL;
    if (!strcmp(name, "SKIP"))
        return ST_SKIP;
    return -1;
}

const struct st_probe_def *st_probe_find(const char *name)
{
    for (size_t i = 0; i < st_n_probes; i++)
        if (!strcmp(st_probes[i].name, name))
            return &st_probes[i];
    return NULL;
}

void st_results_add(struct st_results *r, const char *name, enum st_status st, long ms,
                    const char *fmt, ...)
{
    const struct st_probe_def *d = st_probe_find(name);
    char *detail = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = NULL;
    va_end(ap);
    r->v = xrealloc(r->v, (r->n + 1) * sizeof *r->v);
    r->v[r->n++] = (struct st_result){.name = xstrdup(name),
                                      .control = d ? d->control : STC_PROCESS,
                                      .status = st,
                                      .detail = detail ? detail : xstrdup(""),
                                      .duration_ms = ms};
}

void st_results_free(struct st_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].name);
        free(r->v[i].detail);
    }
    free(r->v);
    *r = (struct st_results){0};
}

void st_results_count(const struct st_results *r, size_t *pass, size_t *fail, size_t *skip)
{
    *pass = *fail = *skip = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->v[i].status == ST_PASS)
            (*pass)++;
        else if (r->v[i].status == ST_FAIL)
            (*fail)++;
        else
            (*skip)++;
    }
}
