/* export apparmor: a profile for `aa-exec -p NAME -- CMD` (or a
 * "profile NAME /path/to/cmd" attachment the admin adds).
 *
 * AppArmor is an allow-list like the policy: the visible trees get read
 * (and map/exec) access, writable ones write/lock/link too, denied paths an
 * explicit deny (deny rules win over allow rules), read-only paths inside
 * writable trees a write deny.  Capabilities are all refused by omission;
 * mount, pivot_root and ptrace by deny rules; rlimits by "set rlimit". */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "util/log.h"

/* A path in AppArmor syntax, quoted; characters AppArmor would read as
 * pattern syntax but the policy means literally are escaped. */
static void aa_path(FILE *out, const char *path, const char *suffix)
{
    fputc('"', out);
    for (const char *s = path; *s; s++) {
        if (strchr("\"\\{}^!,", *s))
            fputc('\\', out);
        fputc(*s, out);
    }
    fprintf(out, "%s\"", suffix);
}

// "/a/b/**" and plain "/a/b" both cover the tree: "/a/b{,/**}".
static void aa_rule(FILE *out, const char *prefix, const char *path, const char *perms)
{
    char *tree = path_tree(path);
    bool is_tree = strcmp(tree, path) != 0 || !path_is_pattern(path);
    fprintf(out, "  %s", prefix);
    if (strcmp(tree, "/") == 0)
        fputs("\"/{,**}\"", out);
    else
        aa_path(out, tree, is_tree ? "{,/**}" : "");
    fprintf(out, " %s,\n", perms);
    free(tree);
}

static void rlimits(FILE *out, const struct resource_limits *r)
{
    fputs("\n  # resource limits (per process; nproc counts per user)\n", out);
    if (r->memory_mb)
        fprintf(out, "  set rlimit as <= %lluM,\n", (unsigned long long)r->memory_mb);
    if (r->pids)
        fprintf(out, "  set rlimit nproc <= %llu,\n", (unsigned long long)r->pids);
    if (r->fsize_mb)
        fprintf(out, "  set rlimit fsize <= %lluM,\n", (unsigned long long)r->fsize_mb);
    if (r->nofile)
        fprintf(out, "  set rlimit nofile <= %llu,\n", (unsigned long long)r->nofile);
    if (r->cpu_seconds)
        fprintf(out, "  set rlimit cpu <= %llu,\n", (unsigned long long)r->cpu_seconds);
}

static void network(FILE *out, const struct policy *p)
{
    fputs("\n  # network\n", out);
    if (p->network.mode == NET_MODE_NONE) {
        fputs("  network unix,\n  deny network inet,\n  deny network inet6,\n", out);
    } else {
        if (p->network.mode == NET_MODE_FILTERED)
            fputs("  # filtered: AppArmor cannot match domains; TCP/UDP over IP are allowed\n", out);
        fputs("  network unix,\n  network inet stream,\n  network inet6 stream,\n"
              "  network inet dgram,\n  network inet6 dgram,\n", out);
    }
    fputs("  deny network raw,\n  deny network packet,\n  deny network netlink raw,\n", out);
}

static void files(FILE *out, const struct policy *p)
{
    struct view v;
    view_build(p, &v);
    fputs("\n  # the visible view\n", out);
    for (size_t i = 0; i < v.n; i++)
        aa_rule(out, "", v.v[i].path, v.v[i].writable ? "mrwklix" : "mrix");
    fputs("  / r,\n", out);
    fputs("\n  # read-only inside writable trees\n", out);
    for (size_t i = 0; i < p->fs.readonly.n; i++) {
        bool inside = false;
        for (size_t j = 0; j < v.n && !inside; j++)
            inside = v.v[j].writable && strcmp(v.v[j].path, p->fs.readonly.v[i]) != 0 &&
                     path_under(p->fs.readonly.v[i], v.v[j].path);
        if (inside)
            aa_rule(out, "deny ", p->fs.readonly.v[i], "wl");
    }
    if (p->fs.workspace_writable) {
        fputs("\n  # persistence paths protected inside the workspace\n", out);
        for (size_t i = 0; policy_protected_paths[i]; i++) {
            if (!export_is_protected(p, policy_protected_paths[i]))
                continue;
            char *path = xasprintf("%s/%s", p->fs.workspace, policy_protected_paths[i]);
            aa_rule(out, "deny ", path, "wl");
            free(path);
        }
    }
    fputs("\n  # never visible\n", out);
    for (size_t i = 0; i < p->fs.denied.n; i++)
        aa_rule(out, "deny ", p->fs.denied.v[i], "mrwklx");
    view_free(&v);
}

int export_apparmor(const struct export_ctx *x, FILE *out)
{
    const struct policy *p = x->p;
    struct export_notes n = { 0 };
    notes_common(&n, p, LACKS_DOMAINS | LACKS_PORTS | LACKS_RATE | LACKS_PROTOCOLS |
                        LACKS_HOSTS | LACKS_FIREWALL | LACKS_ENV | LACKS_TIMEOUT |
                        LACKS_AUDIT | LACKS_TEMP_SIZE | LACKS_WS_SIZE);
    notes_add(&n, "a private /tmp and the fresh root: AppArmor restricts access to the "
              "host's files, it does not build a view");
    notes_add(&n, "the system-call deny list beyond mount, pivot_root and ptrace "
              "(bpf, keyctl, io_uring, userfaultfd, ...)");
    if (p->resources.memory_mb || p->resources.pids)
        notes_add(&n, "cgroup limits: memory is RLIMIT_AS per process, processes RLIMIT_NPROC "
                  "per user");
    notes_print(out, &n, "#", "apparmor");
    notes_free(&n);
    fprintf(out, "#\n# Load: apparmor_parser -r FILE; use: aa-exec -p %s -- COMMAND\n\n"
                 "abi <abi/3.0>,\n\n"
                 "profile %s flags=(attach_disconnected) {\n", x->name, x->name);
    fputs("  # processes: no capabilities (none is granted), no way out of the view\n"
          "  deny mount,\n  deny umount,\n  deny pivot_root,\n  deny ptrace,\n", out);
    fprintf(out, "  signal (send, receive) peer=%s,\n", x->name);
    fputs("  deny /proc/sys/** w,\n", out);
    fputs("\n  # minimal devices and process information\n"
          "  /dev/null rw,\n  /dev/zero rw,\n  /dev/full rw,\n  /dev/random r,\n"
          "  /dev/urandom r,\n  /dev/tty rw,\n  /dev/pts/* rw,\n  /dev/ptmx rw,\n"
          "  /proc/ r,\n  owner /proc/[0-9]*/** r,\n  /proc/meminfo r,\n"
          "  /proc/cpuinfo r,\n  /proc/stat r,\n  /sys/devices/system/cpu/** r,\n", out);
    network(out, p);
    files(out, p);
    rlimits(out, &p->resources);
    fputs("}\n", out);
    return 0;
}
