/* export limits: /etc/security/limits.conf (or limits.d/NAME.conf) lines
 * for pam_limits, for the user or @group running sandboxed work. */
#include <stdio.h>

#include "export/export.h"

static void line(FILE *out, const char *who, const char *item, unsigned long long v)
{
    fprintf(out, "%-16s soft    %-8s %llu\n", who, item, v);
    fprintf(out, "%-16s hard    %-8s %llu\n", who, item, v);
}

int export_limits(const struct export_ctx *x, FILE *out)
{
    const struct policy *p = x->p;
    const struct resource_limits *r = &p->resources;
    struct export_notes n = { 0 };
    notes_common(&n, p, LACKS_FS | LACKS_NETWORK | LACKS_DOMAINS | LACKS_PORTS | LACKS_RATE |
                        LACKS_PROTOCOLS | LACKS_HOSTS | LACKS_FIREWALL | LACKS_ENV |
                        LACKS_TIMEOUT | LACKS_AUDIT | LACKS_SECCOMP | LACKS_TEMP_SIZE |
                        LACKS_WS_SIZE);
    if (r->memory_mb)
        notes_add(&n, "the memory limit as a cgroup: \"as\" bounds each process's address "
                  "space, not the total");
    if (r->pids)
        notes_add(&n, "the process limit per sandbox: \"nproc\" counts every process of the "
                  "user on the host, and root ignores it");
    notes_print(out, &n, "#", "limits");
    notes_free(&n);
    fprintf(out, "#\n# For pam_limits: /etc/security/limits.d/%s.conf; applies at the next\n"
                 "# login of %s. Soft and hard are equal: the sandboxed user cannot raise them.\n"
                 "# Units: as and fsize in KiB, cpu in minutes (rounded up).\n"
                 "# <domain>        <type>  <item>   <value>\n", x->name, x->user);
    if (r->memory_mb)
        line(out, x->user, "as", r->memory_mb * 1024);
    if (r->pids)
        line(out, x->user, "nproc", r->pids);
    if (r->fsize_mb)
        line(out, x->user, "fsize", r->fsize_mb * 1024);
    if (r->nofile)
        line(out, x->user, "nofile", r->nofile);
    if (r->cpu_seconds)
        line(out, x->user, "cpu", (r->cpu_seconds + 59) / 60);
    line(out, x->user, "core", 0);
    return 0;
}
