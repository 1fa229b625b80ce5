/* export oci: an OCI runtime-spec (1.0.2) config.json for runc, crun or
 * youki: the visible trees bind-mounted from the host (read-only or
 * read-write) onto an empty, read-only root, denied paths masked, the
 * temporary directory a sized tmpfs, all namespaces, no capabilities,
 * the seccomp deny list, rlimits and cgroup limits. */
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "sandbox/seccomp.h"
#include "util/log.h"

#define CLONE_NEWUSER_FLAG 0x10000000
#define TIOCSTI_REQ 0x5412
#define TIOCLINUX_REQ 0x541C

static json_t *masked_eq(unsigned index, json_int_t value)
{
    /* For SCMP_CMP_MASKED_EQ, "value" is the mask, "valueTwo" the datum. */
    return json_pack("{s:i, s:I, s:I, s:s}", "index", index, "value", (json_int_t)0xffffffff,
                     "valueTwo", value, "op", "SCMP_CMP_MASKED_EQ");
}

json_t *export_seccomp_profile(void)
{
    json_t *names = json_array();
    for (size_t i = 0; seccomp_denied_names[i]; i++)
        json_array_append_new(names, json_string(seccomp_denied_names[i]));
    json_t *arch = json_array();
#if defined(__x86_64__) || defined(__i386__)
    json_array_append_new(arch, json_string("SCMP_ARCH_X86_64"));
    json_array_append_new(arch, json_string("SCMP_ARCH_X86"));
    json_array_append_new(arch, json_string("SCMP_ARCH_X32"));
#elif defined(__aarch64__)
    json_array_append_new(arch, json_string("SCMP_ARCH_AARCH64"));
    json_array_append_new(arch, json_string("SCMP_ARCH_ARM"));
#endif
    json_t *rules = json_array();
    json_array_append_new(rules, json_pack("{s:o, s:s, s:i}", "names", names,
                                           "action", "SCMP_ACT_ERRNO", "errnoRet", 1));
    /* Terminal injection and new user namespaces through clone(). */
    json_array_append_new(rules, json_pack("{s:[s], s:s, s:i, s:[o]}", "names", "ioctl",
                                           "action", "SCMP_ACT_ERRNO", "errnoRet", 1,
                                           "args", masked_eq(1, TIOCSTI_REQ)));
    json_array_append_new(rules, json_pack("{s:[s], s:s, s:i, s:[o]}", "names", "ioctl",
                                           "action", "SCMP_ACT_ERRNO", "errnoRet", 1,
                                           "args", masked_eq(1, TIOCLINUX_REQ)));
    json_array_append_new(rules, json_pack("{s:[s], s:s, s:i, s:[{s:i, s:I, s:I, s:s}]}",
                                           "names", "clone", "action", "SCMP_ACT_ERRNO",
                                           "errnoRet", 1, "args", "index", 0,
                                           "value", (json_int_t)CLONE_NEWUSER_FLAG,
                                           "valueTwo", (json_int_t)CLONE_NEWUSER_FLAG,
                                           "op", "SCMP_CMP_MASKED_EQ"));
    return json_pack("{s:s, s:o, s:o}", "defaultAction", "SCMP_ACT_ALLOW",
                     "architectures", arch, "syscalls", rules);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const struct view_entry *)a)->path, ((const struct view_entry *)b)->path);
}

static json_t *mounts(const struct policy *p, struct export_notes *n)
{
    json_t *m = json_array();
    json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s]}", "destination", "/proc",
                                       "type", "proc", "source", "proc",
                                       "options", "nosuid", "noexec", "nodev"));
    json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s,s]}", "destination", "/dev",
                                       "type", "tmpfs", "source", "tmpfs", "options", "nosuid",
                                       "strictatime", "mode=755", "size=65536k"));
    json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}", "destination",
                                       "/dev/pts", "type", "devpts", "source", "devpts",
                                       "options", "nosuid", "noexec", "newinstance",
                                       "ptmxmode=0666", "mode=0620"));
    json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}", "destination",
                                       "/dev/shm", "type", "tmpfs", "source", "shm", "options",
                                       "nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
    struct view v;
    view_build(p, &v);
    qsort(v.v, v.n, sizeof *v.v, by_path);
    for (size_t i = 0; i < v.n; i++) {
        if (p->fs.temp_path && strcmp(v.v[i].path, p->fs.temp_path) == 0)
            continue;
        char *t = path_literal_tree(v.v[i].path);
        if (!t) {
            notes_add(n, "visible pattern \"%s\" (a bind mount needs a literal path)", v.v[i].path);
            continue;
        }
        json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s,s]}", "destination", t,
                                           "type", "bind", "source", t, "options", "rbind",
                                           v.v[i].writable ? "rw" : "ro", "nosuid", "nodev"));
        free(t);
    }
    view_free(&v);
    if (p->fs.temp_path) {
        char *size = xasprintf("size=%llum", (unsigned long long)(p->fs.temp_size_mb ? p->fs.temp_size_mb : 512));
        json_array_append_new(m, json_pack("{s:s, s:s, s:s, s:[s,s,s,s]}", "destination",
                                           p->fs.temp_path, "type", "tmpfs", "source", "tmpfs",
                                           "options", "nosuid", "nodev", "mode=1777", size));
        free(size);
    }
    return m;
}

static json_t *masked(const struct policy *p, struct export_notes *n)
{
    static const char *const std[] = { "/proc/acpi", "/proc/asound", "/proc/kcore",
        "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
        "/proc/sched_debug", "/proc/scsi", "/sys/firmware", NULL };
    json_t *a = json_array();
    for (size_t i = 0; std[i]; i++)
        json_array_append_new(a, json_string(std[i]));
    for (size_t i = 0; i < p->fs.denied.n; i++) {
        char *t = path_literal_tree(p->fs.denied.v[i]);
        if (!t) {
            notes_add(n, "denied pattern \"%s\" (maskedPaths takes literal paths)",
                      p->fs.denied.v[i]);
            continue;
        }
        json_array_append_new(a, json_string(t));
        free(t);
    }
    return a;
}

static json_t *rlimit(const char *type, unsigned long long v)
{
    return json_pack("{s:s, s:I, s:I}", "type", type, "hard", (json_int_t)v, "soft", (json_int_t)v);
}

static json_t *process(const struct policy *p)
{
    const struct resource_limits *r = &p->resources;
    json_t *rl = json_array();
    if (r->nofile)
        json_array_append_new(rl, rlimit("RLIMIT_NOFILE", r->nofile));
    if (r->fsize_mb)
        json_array_append_new(rl, rlimit("RLIMIT_FSIZE", r->fsize_mb << 20));
    if (r->cpu_seconds)
        json_array_append_new(rl, rlimit("RLIMIT_CPU", r->cpu_seconds));
    json_array_append_new(rl, rlimit("RLIMIT_CORE", 0));
    char *tmpdir = xasprintf("TMPDIR=%s", p->fs.temp_path ? p->fs.temp_path : "/tmp");
    json_t *proc = json_pack(
        "{s:b, s:{s:i, s:i}, s:[s], s:[s,s], s:s, s:{s:[], s:[], s:[], s:[], s:[]}, s:o, s:b}",
        "terminal", 0, "user", "uid", 65534, "gid", 65534, "args", "/bin/sh",
        "env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", tmpdir,
        "cwd", p->fs.workspace,
        "capabilities", "bounding", "effective", "inheritable", "permitted", "ambient",
        "rlimits", rl, "noNewPrivileges", 1);
    free(tmpdir);
    return proc;
}

static json_t *linux_section(const struct export_ctx *x, struct export_notes *n)
{
    const struct policy *p = x->p;
    json_t *ns = json_array();
    static const char *const kinds[] = { "pid", "ipc", "uts", "mount", "cgroup", "network", NULL };
    for (size_t i = 0; kinds[i]; i++) {
        if (strcmp(kinds[i], "network") == 0 && p->network.mode == NET_MODE_HOST)
            continue;
        json_array_append_new(ns, json_pack("{s:s}", "type", kinds[i]));
    }
    json_t *res = json_object();
    if (p->resources.memory_mb)
        json_object_set_new(res, "memory", json_pack("{s:I, s:I}",
            "limit", (json_int_t)(p->resources.memory_mb << 20),
            "swap", (json_int_t)(p->resources.memory_mb << 20)));
    if (p->resources.pids)
        json_object_set_new(res, "pids", json_pack("{s:I}", "limit", (json_int_t)p->resources.pids));
    return json_pack("{s:o, s:o, s:o, s:[s,s,s,s,s], s:o}", "namespaces", ns,
                     "maskedPaths", masked(p, n), "resources", res,
                     "readonlyPaths", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                     "/proc/sysrq-trigger", "seccomp", export_seccomp_profile());
}

json_t *export_oci_doc(const struct export_ctx *x)
{
    const struct policy *p = x->p;
    struct export_notes n = { 0 };
    notes_common(&n, p, LACKS_DOMAINS | LACKS_PORTS | LACKS_RATE | LACKS_PROTOCOLS |
                        LACKS_HOSTS | LACKS_FIREWALL | LACKS_ENV | LACKS_TIMEOUT |
                        LACKS_AUDIT | LACKS_WS_SIZE);
    if (p->network.mode == NET_MODE_FILTERED)
        notes_add(&n, "the filtering network: the container gets an empty network namespace "
                  "(no network); connect it with your runtime's network set-up");
    json_t *m = mounts(p, &n);
    json_t *lx = linux_section(x, &n);
    notes_add(&n, "the command: process.args is /bin/sh, replace it; root.path \"rootfs\" may "
              "be an empty directory, every visible path is bind-mounted from the host");
    json_t *note = notes_json(&n, "oci");
    json_t *ann = json_object();
    size_t i;
    json_t *e;
    json_array_foreach(note, i, e) {
        char *k = xasprintf("org.sandboxctl.note.%02zu", i);
        json_object_set(ann, k, e);
        free(k);
    }
    json_decref(note);
    notes_free(&n);
    return json_pack("{s:s, s:o, s:{s:s, s:b}, s:o, s:s, s:o, s:o}", "ociVersion", "1.0.2",
                     "process", process(p), "root", "path", "rootfs", "readonly", 1,
                     "mounts", m, "hostname", x->name, "annotations", ann, "linux", lx);
}

int export_oci(const struct export_ctx *x, FILE *out)
{
    json_t *doc = export_oci_doc(x);
    int r = export_dump_json(out, doc);
    json_decref(doc);
    return r;
}
