/* export systemd: a [Service] drop-in (e.g. /etc/systemd/system/UNIT.d/
 * sandbox.conf) with the policy's file view, network, system-call filter
 * and limits in systemd's sandboxing directives. */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "sandbox/seccomp.h"
#include "util/log.h"

/* systemd unit files take C-style escapes; quote paths with spaces. */
static void unit_path(FILE *out, const char *prefix, const char *path)
{
    bool quote = strpbrk(path, " \t\"'") != NULL;
    if (quote)
        fputc('"', out);
    fputs(prefix, out);
    for (const char *s = path; *s; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', out);
        if (*s == '%')
            fputc('%', out);    /* a specifier otherwise */
        fputc(*s, out);
    }
    if (quote)
        fputc('"', out);
}

/* Directive with the literal trees of a list (a trailing "/" "**" dropped); patterns go
 * to the notes.  Prefix "-": a path missing on this host is skipped. */
static void paths(FILE *out, const char *directive, const char *const *v, size_t count,
                  struct export_notes *n)
{
    bool any = false;
    for (size_t i = 0; i < count; i++) {
        char *t = path_literal_tree(v[i]);
        if (!t) {
            notes_add(n, "%s pattern \"%s\" (systemd takes literal paths)", directive, v[i]);
            continue;
        }
        if (any)
            fputc(' ', out);
        else
            fprintf(out, "%s=", directive);
        any = true;
        unit_path(out, "-", t);
        free(t);
    }
    if (any)
        fputc('\n', out);
}

static void network(FILE *out, const struct policy *p, struct export_notes *n)
{
    fputs("\n# network\n", out);
    if (p->network.mode == NET_MODE_NONE) {
        fputs("PrivateNetwork=yes\nIPAddressDeny=any\nRestrictAddressFamilies=AF_UNIX\n", out);
        return;
    }
    fputs("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n", out);
    if (p->network.mode == NET_MODE_HOST) {
        fputs("# network.mode \"host\": no address filtering asked for\n", out);
        return;
    }
    fputs("IPAddressDeny=any\n", out);
    bool any = false;
    size_t names = 0;
    for (size_t i = 0; i < p->network.trusted.n; i++) {
        const char *d = p->network.trusted.v[i];
        bool ip = strchr(d, ':') || strspn(d, "0123456789./") == strlen(d);
        if (!ip) {
            names++;
            continue;
        }
        fprintf(out, "%s%s", any ? " " : "IPAddressAllow=", d);
        any = true;
    }
    if (any)
        fputc('\n', out);
    if (names)
        notes_add(n, "%zu trusted domain name(s): IPAddressAllow= takes addresses; only IP "
                  "and CIDR entries are allowed here", names);
}

int export_systemd(const struct export_ctx *x, FILE *out)
{
    const struct policy *p = x->p;
    const struct resource_limits *r = &p->resources;
    struct export_notes n = { 0 };
    notes_common(&n, p, LACKS_PORTS | LACKS_RATE | LACKS_PROTOCOLS | LACKS_HOSTS |
                        LACKS_FIREWALL | LACKS_AUDIT | LACKS_WS_SIZE);
    /* Body first, so that skipped entries are noted above it. */
    char *body = NULL;
    size_t len = 0;
    FILE *b = open_memstream(&body, &len);
    if (!b)
        abort();
    fputs("[Service]\n# process\nNoNewPrivileges=yes\nCapabilityBoundingSet=\nAmbientCapabilities=\n"
          "RestrictSUIDSGID=yes\nRestrictNamespaces=yes\nLockPersonality=yes\n"
          "RestrictRealtime=yes\nKeyringMode=private\nPrivateIPC=yes\nProtectHostname=yes\n"
          "ProtectClock=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\n"
          "ProtectKernelLogs=yes\nProtectControlGroups=yes\nProtectProc=invisible\n"
          "PrivateDevices=yes\nSystemCallArchitectures=native\n", b);
    fputs("\n# file system: everything read-only, the view's writable trees excepted\n"
          "ProtectSystem=strict\nPrivateTmp=yes\n", b);
    if (p->fs.temp_path && strcmp(p->fs.temp_path, "/tmp") != 0 && p->fs.temp_size_mb) {
        fputs("TemporaryFileSystem=", b);
        unit_path(b, "", p->fs.temp_path);
        fprintf(b, ":size=%lluM,mode=1777\n", (unsigned long long)p->fs.temp_size_mb);
    } else if (p->fs.temp_size_mb) {
        notes_add(&n, "the size of /tmp (PrivateTmp= has no size; %llu MiB asked)",
                  (unsigned long long)p->fs.temp_size_mb);
    }
    struct view v;
    view_build(p, &v);
    const char **rw = xcalloc(v.n + 1, sizeof *rw);
    size_t nrw = 0;
    for (size_t i = 0; i < v.n; i++)
        if (v.v[i].writable && !(p->fs.temp_path && strcmp(v.v[i].path, p->fs.temp_path) == 0))
            rw[nrw++] = v.v[i].path;
    paths(b, "ReadWritePaths", rw, nrw, &n);
    free(rw);
    view_free(&v);
    paths(b, "ReadOnlyPaths", (const char *const *)p->fs.readonly.v, p->fs.readonly.n, &n);
    paths(b, "InaccessiblePaths", (const char *const *)p->fs.denied.v, p->fs.denied.n, &n);
    if (p->fs.allowed.n || p->fs.readonly.n)
        notes_add(&n, "the allow-list view: ProtectSystem=strict makes the host read-only but "
                  "leaves what the policy does not list readable");

    network(b, p, &n);

    fputs("\n# system calls (sandboxctl's deny list), refused with EPERM\nSystemCallFilter=~", b);
    for (size_t i = 0; seccomp_denied_names[i]; i++)
        fprintf(b, "%s%s", i ? " " : "", seccomp_denied_names[i]);
    fputs("\nSystemCallErrorNumber=EPERM\n", b);

    fputs("\n# limits\n", b);
    if (r->memory_mb)
        fprintf(b, "MemoryMax=%lluM\nMemorySwapMax=0\n", (unsigned long long)r->memory_mb);
    if (r->pids)
        fprintf(b, "TasksMax=%llu\n", (unsigned long long)r->pids);
    if (r->fsize_mb)
        fprintf(b, "LimitFSIZE=%lluM\n", (unsigned long long)r->fsize_mb);
    if (r->nofile)
        fprintf(b, "LimitNOFILE=%llu\n", (unsigned long long)r->nofile);
    if (r->cpu_seconds)
        fprintf(b, "LimitCPU=%llu\n", (unsigned long long)r->cpu_seconds);
    if (r->timeout_seconds)
        fprintf(b, "RuntimeMaxSec=%llu\n", (unsigned long long)r->timeout_seconds);

    bool any = false;
    for (size_t i = 0; i < p->environment.deny.n; i++) {
        const char *e = p->environment.deny.v[i];
        bool exempt = false;
        for (size_t j = 0; j < p->environment.allow.n; j++)
            exempt |= strcmp(p->environment.allow.v[j], e) == 0;
        if (exempt)
            continue;
        if (strpbrk(e, "*?")) {
            notes_add(&n, "environment.deny pattern \"%s\" (UnsetEnvironment= takes names)", e);
            continue;
        }
        fprintf(b, "%s%s", any ? " " : "\n# environment\nUnsetEnvironment=", e);
        any = true;
    }
    if (any)
        fputc('\n', b);
    fclose(b);

    notes_print(out, &n, "#", "systemd");
    notes_free(&n);
    fputs("#\n# Install as /etc/systemd/system/UNIT.service.d/sandbox.conf, then\n"
          "# systemctl daemon-reload.\n", out);
    fwrite(body, 1, len, out);
    free(body);
    return 0;
}
