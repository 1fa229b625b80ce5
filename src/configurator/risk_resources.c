/* Rules of the risk matrix: Resource Exhaustion. */
#include <stdio.h>
#include <string.h>

#include "configurator/risk_internal.h"

static const char *const fix_cgroup = "give sandboxctl a cgroup: a delegated cgroup v2 "
                                      "subtree (systemd-run --user -p Delegate=yes), or root "
                                      "for cgroup v1";

/* A limit the policy sets: which layer enforces it here. */
static void limit(const struct controls *c, const char *prefix, const char *key,
                  unsigned long long value, const char *what, struct risk_row *r)
{
    const struct control *x = risk_control(c, "resources", prefix);
    if (!value) {
        char fix[64];
        snprintf(fix, sizeof fix, "set resources.%s", key);
        risk_reason(r, RISK_HIGH, fix, "resources.%s is 0: %s", key, what);
        return;
    }
    if (!x)
        return;
    if (x->state == CTL_ENFORCED)
        risk_reason(r, RISK_LOW, NULL, "resources.%s %llu: %s (%s)", key, value, x->layer,
                    x->detail ? x->detail : "");
    else
        risk_reason(r, risk_of_state(x->state), fix_cgroup, "resources.%s %llu: only %s "
                    "here: %s", key, value, x->layer, x->detail ? x->detail : "");
}

static const struct control *temp_control(const struct controls *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].area, "file_system") && strstr(c->v[i].item, "private tmpfs"))
            return &c->v[i];
    return NULL;
}

void risk_rules_resources(const struct policy *p, const struct controls *c,
                          struct risk_row *r)
{
    const struct resource_limits *l = &p->resources;
    limit(c, "memory ", "memory_mb", (unsigned long long)l->memory_mb,
          "memory is unbounded", r);
    limit(c, "pids ", "pids", (unsigned long long)l->pids,
          "a fork bomb can exhaust the host's process table", r);
    if (!l->cpu_seconds && !l->timeout_seconds)
        risk_reason(r, RISK_MEDIUM, "set resources.timeout_seconds or cpu_seconds",
                    "resources.cpu_seconds and timeout_seconds are 0: a runaway loop "
                    "burns CPU until someone stops it");
    else
        risk_reason(r, RISK_LOW, NULL, "CPU bounded: cpu_seconds %llu (RLIMIT_CPU), "
                    "timeout_seconds %llu (supervisor)", (unsigned long long)l->cpu_seconds,
                    (unsigned long long)l->timeout_seconds);
    if (!l->fsize_mb)
        risk_reason(r, RISK_MEDIUM, "set resources.fsize_mb",
                    "resources.fsize_mb is 0: a single file may grow without bound");
    else
        risk_reason(r, RISK_LOW, NULL, "resources.fsize_mb %llu: RLIMIT_FSIZE per file",
                    (unsigned long long)l->fsize_mb);
    if (p->fs.workspace_writable && p->fs.workspace_size_limit_gb <= 0)
        risk_reason(r, RISK_MEDIUM, "set file_system.workspace.size_limit_gb",
                    "file_system.workspace.size_limit_gb is 0: writes to the workspace can "
                    "fill the host's disk");
    else if (p->fs.workspace_writable)
        risk_reason(r, RISK_LOW, NULL, "file_system.workspace.size_limit_gb %g: the "
                    "supervisor stops the sandbox past it", p->fs.workspace_size_limit_gb);
    const struct control *t = temp_control(c);
    if (t && t->state != CTL_ENFORCED)
        risk_reason(r, risk_of_state(t->state), "run where user namespaces work",
                    "file_system.temp_directory: %s", t->detail ? t->detail : "");
    else if (t)
        risk_reason(r, RISK_LOW, NULL, "file_system.temp_directory: a private tmpfs of "
                    "%llu MiB", (unsigned long long)p->fs.temp_size_mb);
}
