/* Which probes run, where, and what each should see under this policy on
 * this host. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

/* Derived policies keep the suite fast: limits above these are probed with
 * a copy of the policy holding the smaller value. */
#define PIDS_PROBE_MAX 256
#define PIDS_PROBE 64
#define MEMORY_PROBE_MAX 256
#define MEMORY_PROBE 64
#define FSIZE_PROBE_MAX 64
#define FSIZE_PROBE 4
#define TEMP_PROBE_MAX 64
#define TEMP_PROBE 8
#define NOFILE_PROBE_MAX 65536
#define NOFILE_PROBE 1024

#define TRUSTED_SKIP "not probed yet: this needs a loopback server pinned through the filtering proxy"

struct st_item *st_plan_item(struct st_plan *pl, const char *name)
{
    for (size_t i = 0; i < pl->n; i++)
        if (!strcmp(pl->items[i].name, name))
            return &pl->items[i];
    return NULL;
}

__attribute__((format(printf, 2, 3)))
static void skip(struct st_item *it, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(it->skip);
    if (vasprintf(&it->skip, fmt, ap) < 0)
        it->skip = xstrdup("skipped");
    va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void spec(struct st_item *it, const char *fmt, ...)
{
    if (it->n_specs >= ARRAY_SIZE(it->specs))
        return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&it->specs[it->n_specs], fmt, ap) >= 0)
        it->n_specs++;
    va_end(ap);
}

__attribute__((format(printf, 2, 3)))
static void note(struct st_item *it, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        s = NULL;
    va_end(ap);
    if (!s)
        return;
    if (it->note) {
        char *j = xasprintf("%s; %s", it->note, s);
        free(it->note);
        free(s);
        s = j;
    }
    it->note = s;
}

static bool readable_nonempty(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0 || access(path, R_OK) < 0)
        return false;
    if (S_ISREG(st.st_mode))
        return st.st_size > 0;
    if (!S_ISDIR(st.st_mode) || access(path, X_OK) < 0)
        return false;
    bool any = false;
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && !any && (e = readdir(d)))
        any = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return any;
}

static bool has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static void plan_files(struct st_plan *pl, const struct policy *p, struct st_fixtures *f)
{
    struct st_item *it = st_plan_item(pl, "shadow-unreadable");
    if (access("/etc/shadow", F_OK) < 0)
        skip(it, "/etc/shadow does not exist on this host");
    else
        spec(it, "read//etc/shadow");

    /* The policy's denied paths that exist here and that this user can
     * read outside: inside they must not show. */
    it = st_plan_item(pl, "denied-paths-unreadable");
    const char *home = getenv("HOME");
    _cleanup_free_ char *ssh = home ? path_join(home, ".ssh") : NULL;
    for (size_t i = 0; i < p->fs.denied.n && it->n_specs < ARRAY_SIZE(it->specs); i++) {
        char *d = xstrdup(p->fs.denied.v[i]);
        size_t len = strlen(d);
        if (len > 3 && !strcmp(d + len - 3, "/**"))
            d[len - 3] = 0;
        bool dup = false;
        for (size_t k = 0; k < it->n_specs; k++)
            dup |= !strcmp(it->specs[k] + 5, d);
        if (!dup && !has_glob(d) && strncmp(d, "/etc/shadow", 11) &&
            !(ssh && path_has_prefix(d, ssh)) && readable_nonempty(d))
            spec(it, "read/%s", d);
        free(d);
    }
    if (!it->n_specs)
        skip(it, "none of the policy's %zu denied paths exists here readable by this user",
             p->fs.denied.n);

    /* SSH keys: the real ones when there are; else a planted key in a
     * temporary HOME inside the workspace, with the policy loaded for it. */
    it = st_plan_item(pl, "ssh-keys-unreadable");
    static const char *const keys[] = {"id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"};
    for (size_t i = 0; ssh && i < ARRAY_SIZE(keys); i++) {
        _cleanup_free_ char *k = path_join(ssh, keys[i]);
        if (readable_nonempty(k))
            spec(it, "read/%s", k);
    }
    if (!it->n_specs) {
        _cleanup_free_ char *fake = path_join(f->probe_dir, "home");
        _cleanup_free_ char *dir = path_join(fake, ".ssh");
        _cleanup_free_ char *key = path_join(dir, "id_rsa");
        if (mkdir(fake, 0700) == 0 && mkdir(dir, 0700) == 0 &&
            st_write_new(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nsandboxctl-test-fake-key\n"
                            "-----END OPENSSH PRIVATE KEY-----\n") == 0) {
            it->group = G_HOME;
            pl->groups[G_HOME].home = TAKE_PTR(fake);
            spec(it, "read/%s", key);
            note(it, "no key in ~/.ssh: a planted key in a temporary HOME in the workspace, "
                     "the policy loaded for that HOME");
        } else {
            skip(it, "could not plant a key: %s", strerror(errno));
        }
    }

    it = st_plan_item(pl, "workspace-writable");
    it->expect = p->fs.workspace_writable ? EXP_WORKS : EXP_REFUSED;
    spec(it, "write/%s/workspace-write", f->probe_dir);
    if (!p->fs.workspace_writable)
        note(it, "the policy makes the workspace read-only: writing must fail");

    it = st_plan_item(pl, "temp-writable");
    it->expect = EXP_WORKS;
    spec(it, "writetmp/");

    it = st_plan_item(pl, "persistence-paths-protected");
    _cleanup_free_ char *hooks = path_join(p->fs.workspace, ".git/hooks");
    if (str_list_contains(&p->fs.unprotected, ".git/hooks") ||
        str_list_contains(&p->fs.unprotected, hooks))
        skip(it, "the policy lifts the protection of .git/hooks (unprotected_paths)");
    else {
        _cleanup_free_ char *git = path_join(p->fs.workspace, ".git");
        pl->git_existed = access(git, F_OK) == 0;
        pl->hooks_existed = access(hooks, F_OK) == 0;
        pl->persist_file = xasprintf("%s/sandboxctl-probe-%d", hooks, (int)getpid());
        spec(it, "persist/%s", pl->persist_file);
    }
}

static void plan_net(struct st_plan *pl, const struct policy *p, struct st_fixtures *f)
{
    const char *net[] = {"blocked-domain-unreachable", "host-loopback-tcp-unreachable",
                         "host-unix-socket-unreachable", "abstract-unix-socket-unreachable",
                         "metadata-ip-unreachable", "blocked-name-dns-fails"};
    struct st_item *trusted = st_plan_item(pl, "trusted-domain-reachable");
    trusted->expect = EXP_WORKS;
    if (p->network.mode == NET_MODE_HOST) {
        skip(trusted, "network mode host: the policy asks for no network isolation");
        for (size_t i = 0; i < ARRAY_SIZE(net); i++)
            skip(st_plan_item(pl, net[i]),
                 "network mode host: the policy asks for no network isolation");
        return;
    }
    if (p->network.trusted.n)
        skip(trusted, TRUSTED_SKIP);
    else
        skip(trusted, "the policy trusts no domain (network mode none)");

    /* A name the policy blocks: its first blocked domain, else (nothing
     * trusted or filtering enforced as none) the seed's example. */
    char name[300] = "example-malicious.com";
    if (p->network.blocked.n) {
        const char *b = p->network.blocked.v[0];
        snprintf(name, sizeof name, "%s%s", !strncmp(b, "*.", 2) ? "probe." : "",
                 !strncmp(b, "*.", 2) ? b + 2 : b);
    }
    struct st_item *it = st_plan_item(pl, "blocked-domain-unreachable");
    spec(it, "blocked/%s 127.0.0.1 %d", name, f->tcp_port);
    note(it, "%s pinned to a listening server on the host's 127.0.0.1:%d", name, f->tcp_port);

    spec(st_plan_item(pl, "host-loopback-tcp-unreachable"), "tcp/127.0.0.1:%d", f->tcp_port);
    spec(st_plan_item(pl, "host-unix-socket-unreachable"), "unix/%s", f->unix_path);
    spec(st_plan_item(pl, "abstract-unix-socket-unreachable"), "unix/%s", f->abstract_name);

    it = st_plan_item(pl, "metadata-ip-unreachable");
    if (!pl->ns && pl->host->landlock_abi < 4)
        skip(it, "not probed: without a network namespace or Landlock ABI 4 the connection "
                 "would leave this host");
    else
        spec(it, "tcp/169.254.169.254:80");

    it = st_plan_item(pl, "blocked-name-dns-fails");
    if (!pl->ns)
        skip(it, "not probed: without a network namespace the query would reach the host's "
                 "resolver (UDP is not restricted)");
    else
        spec(it, "dns/%s", name);
}

static void plan_process(struct st_plan *pl, struct st_fixtures *f)
{
    spec(st_plan_item(pl, "host-processes-invisible"), "procvis/%d:%s", (int)f->victim,
         f->victim_mark);
    spec(st_plan_item(pl, "host-signal-refused"), "signal/%d:%s", (int)f->victim,
         f->victim_mark);
    static const char *const simple[][2] = {
        {"tiocsti-refused", "tiocsti/"},       {"tiocsti-high-bits-refused", "tiocsti_hi/"},
        {"nested-userns-refused", "userns/"},  {"mount-refused", "mount/"},
        {"keyctl-refused", "keyctl/"},         {"bpf-refused", "bpf/"},
        {"io-uring-refused", "io_uring/"},     {"perf-event-open-refused", "perf/"},
        {"userfaultfd-refused", "userfaultfd/"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
        spec(st_plan_item(pl, simple[i][0]), "%s", simple[i][1]);
    spec(st_plan_item(pl, "leftover-daemon-gone"), "daemon/%s", f->daemon_fifo);
}

/* A limit probed with a smaller copy of the policy when it is large. */
static uint64_t scaled(struct st_item *it, const char *what, uint64_t v, uint64_t max,
                       uint64_t small, const char *unit)
{
    if (v <= max)
        return v;
    note(it, "run with a policy copy whose %s is %llu%s (the policy's %llu%s would be slow "
             "to reach)", what, (unsigned long long)small, unit, (unsigned long long)v, unit);
    return small;
}

static int write_derived(struct st_plan *pl, const struct policy *p, struct st_fixtures *f,
                         enum st_group_id g, const char *name, uint64_t pids, uint64_t fsize,
                         uint64_t nofile, uint64_t temp, uint64_t memory)
{
    _cleanup_free_ char *text = policy_to_json(p);
    json_error_t err;
    json_t *root = json_loads(text, 0, &err);
    if (!root)
        return -EINVAL;
    json_t *res = json_object_get(root, "resources");
    if (res) {
        json_object_set_new(res, "pids", json_integer((json_int_t)pids));
        json_object_set_new(res, "fsize_mb", json_integer((json_int_t)fsize));
        json_object_set_new(res, "nofile", json_integer((json_int_t)nofile));
        json_object_set_new(res, "memory_mb", json_integer((json_int_t)memory));
    }
    json_t *td = json_object_get(json_object_get(root, "file_system"), "temp_directory");
    if (td)
        json_object_set_new(td, "size_limit_mb", json_integer((json_int_t)temp));
    /* Only this copy's limits are judged: strict_mode would refuse on a
     * built-in limit this host approximates, which the copy now "asks". */
    json_t *enf = json_object_get(root, "enforcement");
    if (enf)
        json_object_set_new(enf, "strict_mode", json_false());
    char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    char *path = path_join(f->host_tmp, name);
    int r = st_write_new(path, out);
    free(out);
    if (r < 0) {
        free(path);
        return r;
    }
    pl->groups[g].policy_file = path;
    return 0;
}

static void plan_limits(struct st_plan *pl, const struct policy *p, struct st_fixtures *f)
{
    const struct resource_limits *lim = &p->resources;
    struct st_item *fb = st_plan_item(pl, "fork-bomb-bounded");
    struct st_item *mem = st_plan_item(pl, "memory-limit");
    struct st_item *fs = st_plan_item(pl, "file-size-limit");
    struct st_item *tf = st_plan_item(pl, "temp-full");
    struct st_item *nf = st_plan_item(pl, "open-files-limit");
    fb->group = fs->group = tf->group = nf->group = G_LIMITS;
    mem->group = G_MEMORY;

    uint64_t pids = lim->pids ? scaled(fb, "pids limit", lim->pids, PIDS_PROBE_MAX,
                                       PIDS_PROBE, "") : 0;
    uint64_t fsize = lim->fsize_mb ? scaled(fs, "file-size limit", lim->fsize_mb,
                                            FSIZE_PROBE_MAX, FSIZE_PROBE, " MiB") : 0;
    uint64_t nofile = lim->nofile ? scaled(nf, "open-file limit", lim->nofile,
                                           NOFILE_PROBE_MAX, NOFILE_PROBE, "") : 0;
    uint64_t temp = p->fs.temp_size_mb ? scaled(tf, "temp size", p->fs.temp_size_mb,
                                                TEMP_PROBE_MAX, TEMP_PROBE, " MiB") : 0;
    uint64_t memory = lim->memory_mb ? scaled(mem, "memory limit", lim->memory_mb,
                                              MEMORY_PROBE_MAX, MEMORY_PROBE, " MiB") : 0;
    if (pids)
        spec(fb, "forkbomb/%llu", (unsigned long long)(pids + 16));
    else
        skip(fb, "the policy sets no pids limit");
    if (nofile)
        spec(nf, "nofile/%llu", (unsigned long long)(nofile + 16));
    else
        skip(nf, "the policy sets no open-file limit");
    if (temp)
        spec(tf, "tempfull/%llu", (unsigned long long)(temp + 2));
    else
        skip(tf, "the policy sets no temp size");
    if (!fsize) {
        skip(fs, "the policy sets no file-size limit");
    } else if (!temp || temp > fsize + 2 || !pl->ns) {
        spec(fs, "fsize/sandboxctl-fsize-%d:%llu", (int)getpid(),
             (unsigned long long)(fsize + 1));
    } else if (p->fs.workspace_writable) {
        spec(fs, "fsize/%s/fsize-probe:%llu", f->probe_dir, (unsigned long long)(fsize + 1));
    } else {
        skip(fs, "nowhere to write a %llu MiB file: the temp directory is smaller and the "
                 "workspace read-only", (unsigned long long)(fsize + 1));
    }
    if (memory)
        spec(mem, "alloc/%llu", (unsigned long long)(memory + 64));
    else
        skip(mem, "the policy sets no memory limit");
    if (pids || fsize || nofile || temp) {
        if (write_derived(pl, p, f, G_LIMITS, "limits-policy.json", pids, fsize, nofile, temp,
                          lim->memory_mb) < 0) {
            skip(fb, "could not write a policy copy");
            skip(fs, "could not write a policy copy");
            skip(tf, "could not write a policy copy");
            skip(nf, "could not write a policy copy");
        }
    }
    if (memory && write_derived(pl, p, f, G_MEMORY, "memory-policy.json", lim->pids,
                                lim->fsize_mb, lim->nofile, p->fs.temp_size_mb, memory) < 0)
        skip(mem, "could not write a policy copy");
}

int st_plan_build(struct st_plan *pl, const struct policy *p, const struct host_support *h,
                  bool ns, struct st_fixtures *f)
{
    *pl = (struct st_plan){.policy = p, .host = h, .ns = ns};
    pl->items = xcalloc(st_n_probes, sizeof *pl->items);
    pl->n = st_n_probes;
    for (size_t i = 0; i < st_n_probes; i++)
        pl->items[i] = (struct st_item){.name = st_probes[i].name, .expect = EXP_REFUSED,
                                        .group = G_MAIN};
    plan_files(pl, p, f);
    plan_net(pl, p, f);
    plan_process(pl, f);
    plan_limits(pl, p, f);
    pl->audit_path = audit_default_path(p->audit.path);
    spec(st_plan_item(pl, "audit-log-hidden"), "audithidden/%s", pl->audit_path);
    st_plan_item(pl, "audit-run-recorded")->expect = EXP_WORKS;
    st_plan_item(pl, "sandbox-listed")->expect = EXP_WORKS;
    pl->groups[G_MAIN].hold = true;
    for (size_t i = 0; i < pl->n; i++)
        if (!pl->items[i].skip && pl->items[i].n_specs)
            pl->groups[pl->items[i].group].used = true;
    pl->groups[G_MAIN].used = true;
    return 0;
}

void st_plan_free(struct st_plan *pl)
{
    for (size_t i = 0; i < pl->n; i++) {
        struct st_item *it = &pl->items[i];
        for (size_t k = 0; k < it->n_specs; k++)
            free(it->specs[k]);
        free(it->skip);
        free(it->note);
        free(it->outcome);
        free(it->detail);
        free(it->verdict);
    }
    free(pl->items);
    for (int g = 0; g < G_COUNT; g++) {
        free(pl->groups[g].policy_file);
        free(pl->groups[g].home);
        free(pl->groups[g].err);
    }
    free(pl->audit_path);
    free(pl->persist_file);
    *pl = (struct st_plan){0};
}
