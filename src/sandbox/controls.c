#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/cgroup.h"
#include "sandbox/controls.h"
#include "sandbox/seccomp.h"
#include "util/cleanup.h"
#include "util/log.h"

const char *control_state_name(enum control_state s)
{
    switch (s) {
    case CTL_ENFORCED: return "enforced";
    case CTL_STRICTER: return "stricter";
    case CTL_PARTIAL: return "PARTIAL";
    case CTL_NOT_ENFORCED: return "NOT ENFORCED";
    case CTL_INFO: return "info";
    }
    return "?";
}

static void add(struct controls *c, const char *area, enum control_state st, bool confinement,
                const char *layer, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

__attribute__((format(printf, 7, 8)))
static void add(struct controls *c, const char *area, enum control_state st, bool confinement,
                const char *layer, const char *item, const char *fmt, ...)
{
    c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
    struct control *x = &c->v[c->n++];
    char *detail = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&detail, fmt, ap) < 0)
            detail = NULL;
        va_end(ap);
    }
    *x = (struct control){.area = xstrdup(area), .item = xstrdup(item),
                          .layer = xstrdup(layer ? layer : "-"), .state = st,
                          .confinement = confinement, .detail = detail};
}

static void collect_fs(const struct sandbox_config *cfg, const struct host_support *h,
                       struct controls *c)
{
    const struct fs_plan *plan = &cfg->plan;
    bool ns = cfg->use_namespaces;
    const char *ll = h->landlock_abi > 0 ? "mount namespace + Landlock" : "mount namespace";
    for (size_t i = 0; i < plan->n_ops; i++) {
        const struct mount_op *op = &plan->ops[i];
        char item[4200];
        snprintf(item, sizeof item, "%s %s", op->path, mount_kind_name(op->kind));
        switch (op->kind) {
        case MK_BIND_RO:
        case MK_BIND_RW:
            if (ns)
                add(c, "file_system", CTL_ENFORCED, true, ll, item, "%s", op->why);
            else if (h->landlock_abi > 0)
                add(c, "file_system", CTL_ENFORCED, true, "Landlock", item, "%s", op->why);
            else
                add(c, "file_system", CTL_NOT_ENFORCED, true, NULL, item,
                    "no namespaces and no Landlock on this host");
            break;
        case MK_MASK:
        case MK_PROTECT:
        case MK_PIN:
            if (ns)
                add(c, "file_system", CTL_ENFORCED, true, "mount namespace", item, "%s", op->why);
            else
                add(c, "file_system", CTL_NOT_ENFORCED, true, NULL, item,
                    "%s: Landlock only grants access, it cannot deny a path inside an "
                    "allowed tree; needs namespaces", op->why);
            break;
        case MK_TMPFS:
            if (ns)
                add(c, "file_system", CTL_ENFORCED, true, "private tmpfs", item,
                    "size limit %llu MiB", (unsigned long long)plan->temp_size_mb);
            else
                add(c, "file_system", CTL_PARTIAL, true, "Landlock", item,
                    "a private directory on the host's %s, not size-limited without namespaces",
                    "/tmp");
            break;
        case MK_SYMLINK:
            break;
        }
    }
    if (ns) {
        add(c, "file_system", CTL_ENFORCED, true, "mount namespace", "/proc",
            "a fresh /proc showing only the sandbox's processes; /proc/sys read-only");
        add(c, "file_system", CTL_ENFORCED, true, "mount namespace", "/dev",
            "minimal: null zero full random urandom tty pts ptmx shm");
        add(c, "file_system", CTL_ENFORCED, true, "mount namespace", "/sys",
            plan->sys_visible ? "host /sys read-only (the policy lists it)" : "not visible");
    } else {
        add(c, "file_system", CTL_PARTIAL, true, "Landlock", "/proc",
            "the host's /proc is readable: other processes are visible (no PID namespace)");
    }
    for (size_t i = 0; i < plan->n_gaps; i++)
        add(c, "file_system", CTL_PARTIAL, true, "mount namespace", "protected path", "%s",
            plan->gaps[i]);
    if (plan->synthetic_etc)
        add(c, "file_system", CTL_INFO, false, NULL, "/etc",
            ns ? "the host's /etc is not visible; the sandbox gets a minimal synthetic one "
                 "(passwd, group, hosts, nsswitch.conf, resolv.conf, ld.so.cache)"
               : "the host's /etc is not readable (Landlock); without namespaces there is no "
                 "synthetic /etc, so programs that need passwd or resolv.conf may fail");
    for (size_t i = 0; i < plan->n_notes; i++)
        add(c, "file_system", CTL_INFO, false, NULL, "note", "%s", plan->notes[i]);
    const struct policy *p = cfg->policy;
    add(c, "file_system", CTL_ENFORCED, true, ns ? "mount namespace" : "Landlock",
        "symlink_resolution deny",
        "symlinks resolve inside the sandbox's view: a link to a path that is not "
        "visible leads nowhere");
    if (!p->enforcement.case_sensitive)
        add(c, "file_system", CTL_ENFORCED, true, "mount namespace", "case_sensitive false",
            "denied patterns match every spelling present when the sandbox starts");
    if (p->fs.workspace_size_limit_gb > 0)
        add(c, "file_system", CTL_ENFORCED, true, "supervisor watch", "workspace size limit",
            "%.3g GiB: the supervisor measures the workspace every few seconds and stops the "
            "sandbox past the limit (a burst between two measurements can overshoot)",
            p->fs.workspace_size_limit_gb);
    add(c, "audit", CTL_ENFORCED, false, "supervisor", "audit log",
        "%s: hash-chained JSON Lines, written only by the supervisor; %s",
        p->audit.path ? p->audit.path : "$XDG_STATE_HOME/sandboxctl/audit.jsonl",
        ns ? "hidden from the sandbox"
           : "without namespaces it is hidden only if no allowed path contains it");
    if (p->enforcement.audit_all_access)
        add(c, "audit", CTL_ENFORCED, false, "seccomp user notification", "audit_all_access",
            "open, exec, unlink, rename, mkdir and rmdir calls recorded with the path, the "
            "process and the policy's verdict; the kernel layers still decide");
}

static void collect_net(const struct sandbox_config *cfg, const struct host_support *h,
                        struct controls *c)
{
    const struct policy *p = cfg->policy;
    bool ns = cfg->use_namespaces;
    switch (p->network.mode) {
    case NET_MODE_HOST:
        add(c, "network", CTL_ENFORCED, true, "none", "mode host",
            "NO network isolation: the command shares the host's network");
        return;
    case NET_MODE_NONE:
        if (ns)
            add(c, "network", CTL_ENFORCED, true, "network namespace", "mode none",
                "loopback only; host loopback services, unix abstract sockets unreachable");
        else if (h->landlock_abi >= 4)
            add(c, "network", CTL_PARTIAL, true, "Landlock", "mode none",
                "TCP bind and connect refused; UDP, unix sockets by path%s and the host's "
                "loopback over UDP are not restricted without a network namespace",
                h->landlock_abi >= 6 ? "" : ", abstract unix sockets");
        else
            add(c, "network", CTL_NOT_ENFORCED, true, NULL, "mode none",
                "needs namespaces or Landlock ABI 4");
        return;
    case NET_MODE_FILTERED:
        break;
    }
    if (ns) {
        const char *layer = "network namespace + proxy";
        add(c, "network", CTL_ENFORCED, true, layer, "mode filtered",
            "clients that honour HTTP_PROXY, HTTPS_PROXY or ALL_PROXY reach trusted "
            "destinations through the HTTP and SOCKS5 proxies inside the sandbox");
        add(c, "network", CTL_STRICTER, true, "network namespace", "programs ignoring proxies",
            "no network at all for them (the transparent path is not in this version)");
        if (p->network.trusted.n)
            add(c, "network", CTL_ENFORCED, true, layer, "trusted_domains",
                "%zu names; a name must resolve to an ordinary address (loopback, private, "
                "link-local and this host's addresses need a network.hosts pin or an IP rule)",
                p->network.trusted.n);
        if (p->network.blocked.n)
            add(c, "network", CTL_ENFORCED, true, layer, "blocked_domains",
                "%zu names; blocked beats trusted", p->network.blocked.n);
        if (p->network.out_ports.n)
            add(c, "network", CTL_ENFORCED, true, layer, "allowed_ports.outbound",
                "%zu ports", p->network.out_ports.n);
        if (p->network.proto_allowed.n || p->network.proto_denied.n)
            add(c, "network", CTL_ENFORCED, true, layer, "protocols",
                "sniffed from the client's first bytes (tls, http, ssh, git); ftp, telnet and "
                "smtp by their well-known ports; a TLS server name must match the host");
        if (p->network.rate_enabled)
            add(c, "network", CTL_ENFORCED, true, layer, "rate_limiting",
                "token bucket over new connections (each proxied HTTP request is one)");
        if (p->network.n_hosts)
            add(c, "network", CTL_ENFORCED, true, layer, "hosts", "%zu pins", p->network.n_hosts);
        if (p->network.dns_upstream)
            add(c, "network", CTL_INFO, false, NULL, "dns.upstream",
                "no DNS inside the sandbox in this version; the proxies resolve with the "
                "host's resolver");
        if (p->network.in_ports.n)
            add(c, "network", CTL_STRICTER, true, "network namespace", "allowed_ports.inbound",
                "no port is published to the host yet");
        return;
    }
    enum control_state st = h->landlock_abi >= 4 ? CTL_PARTIAL : CTL_NOT_ENFORCED;
    add(c, "network", st, true, h->landlock_abi >= 4 ? "Landlock" : "-", "mode filtered",
        "without a network namespace there is no filtering proxy: TCP is refused by Landlock, "
        "UDP is not restricted");
}

/* The firewall section asks for what the network mode already decides. */
static void collect_firewall(const struct sandbox_config *cfg, const struct host_support *h,
                             struct controls *c)
{
    const struct policy *p = cfg->policy;
    bool ns = cfg->use_namespaces;
    if (!p->firewall.egress.n && !p->firewall.ingress.n &&
        (!p->firewall.default_policy || !strcmp(p->firewall.default_policy, "deny")))
        return;
    enum control_state st;
    const char *detail;
    if (p->network.mode == NET_MODE_HOST) {
        st = CTL_NOT_ENFORCED;
        detail = "network mode host: the host's network, no rules apply";
    } else if (ns && p->network.mode == NET_MODE_FILTERED) {
        st = CTL_ENFORCED;
        detail = "egress rules applied by the proxies after the domain decision (first "
                 "matching rule; default_policy deny refuses the rest); ingress: nothing is "
                 "published (stricter)";
    } else if (ns) {
        st = CTL_STRICTER;
        detail = "egress and ingress rules: nothing leaves or enters the sandbox's network "
                 "namespace in this mode (stricter than asked)";
    } else {
        st = h->landlock_abi >= 4 ? CTL_PARTIAL : CTL_NOT_ENFORCED;
        detail = "without a network namespace only TCP is refused (Landlock); UDP is open";
    }
    const char *layer = p->network.mode == NET_MODE_HOST ? "none"
                        : ns                            ? "network namespace"
                                                        : "Landlock";
    add(c, "network", st, true, layer, "firewall", "%s%s",
        p->firewall.default_policy && !strcmp(p->firewall.default_policy, "allow")
            ? "default_policy allow asked for, but: " : "",
        detail);
}

/* The control just added is a built-in default unless a policy file set
 * that limit: strict_mode refuses only on limits a policy asked for. */
static void mark_origin(struct controls *c, const struct resource_limits *lim, int bit)
{
    c->v[c->n - 1].built_in = !(lim->set_by_policy & (1u << bit));
}

static void collect_resources(const struct sandbox_config *cfg, const struct host_support *h,
                              struct controls *c)
{
    const struct resource_limits *lim = &cfg->policy->resources;
    char item[128];
    bool cg = h->cgroup != CG_NONE;
    const char *cgname = cgroup_mode_name(h->cgroup);
    if (lim->memory_mb) {
        snprintf(item, sizeof item, "memory %llu MiB", (unsigned long long)lim->memory_mb);
        if (cg)
            add(c, "resources", CTL_ENFORCED, true, cgname, item, "whole sandbox");
        else
            add(c, "resources", CTL_PARTIAL, true, "RLIMIT_AS", item,
                "per process address space, not total memory (no cgroup available)");
        mark_origin(c, lim, RES_MEMORY);
    }
    if (lim->pids) {
        snprintf(item, sizeof item, "pids %llu", (unsigned long long)lim->pids);
        if (cg)
            add(c, "resources", CTL_ENFORCED, true, cgname, item, "whole sandbox");
        else if (cfg->use_namespaces)
            add(c, "resources", CTL_ENFORCED, true, "RLIMIT_NPROC", item,
                "counted per uid inside the sandbox's own user namespace");
        else
            add(c, "resources", CTL_PARTIAL, true, "RLIMIT_NPROC", item,
                "counts every process of this uid on the host (no user namespace)");
        mark_origin(c, lim, RES_PIDS);
    }
    if (lim->fsize_mb) {
        snprintf(item, sizeof item, "fsize %llu MiB", (unsigned long long)lim->fsize_mb);
        add(c, "resources", CTL_ENFORCED, true, "RLIMIT_FSIZE", item, "per file");
        mark_origin(c, lim, RES_FSIZE);
    }
    if (lim->nofile) {
        snprintf(item, sizeof item, "nofile %llu", (unsigned long long)lim->nofile);
        add(c, "resources", CTL_ENFORCED, true, "RLIMIT_NOFILE", item, "per process");
        mark_origin(c, lim, RES_NOFILE);
    }
    if (lim->cpu_seconds) {
        snprintf(item, sizeof item, "cpu %llu s", (unsigned long long)lim->cpu_seconds);
        add(c, "resources", CTL_ENFORCED, true, "RLIMIT_CPU", item, "per process");
        mark_origin(c, lim, RES_CPU);
    }
    if (lim->timeout_seconds) {
        snprintf(item, sizeof item, "timeout %llu s", (unsigned long long)lim->timeout_seconds);
        add(c, "resources", CTL_ENFORCED, true, "supervisor", item,
            "SIGTERM, then SIGKILL after 2 s");
        mark_origin(c, lim, RES_TIMEOUT);
    }
    add(c, "resources", CTL_ENFORCED, true, "RLIMIT_CORE", "core dumps", "disabled");
}

static void collect_process(const struct sandbox_config *cfg, const struct host_support *h,
                            struct controls *c)
{
    bool ns = cfg->use_namespaces;
    if (ns)
        add(c, "process", CTL_ENFORCED, true, "PID namespace", "host processes",
            "invisible and unreachable by signals");
    else if (h->landlock_abi >= 6)
        add(c, "process", CTL_PARTIAL, true, "Landlock scope", "host processes",
            "signals to outside processes refused; they remain visible in /proc");
    else
        add(c, "process", CTL_NOT_ENFORCED, true, NULL, "host processes",
            "visible and signalable by the same uid without namespaces or Landlock ABI 6");
    add(c, "process", h->seccomp ? CTL_ENFORCED : CTL_NOT_ENFORCED, true, "seccomp",
        "kernel attack surface",
        "EPERM for namespaces, mount family, keyctl, bpf, perf_event_open, userfaultfd, "
        "io_uring, ptrace, process_vm_*, open_by_handle_at, kexec, modules, TIOCSTI/TIOCLINUX, "
        "personality; clone3 ENOSYS; x32 and i386 calls kill the process");
    add(c, "process", CTL_ENFORCED, true, "capabilities", "privileges",
        "all capabilities dropped, securebits locked, no_new_privs");
    add(c, "process", CTL_ENFORCED, true, ns ? "PID namespace" : "subreaper", "leftover processes",
        "every process of the sandbox ends with the command");
    add(c, "process", CTL_ENFORCED, true, "setsid + seccomp", "terminal injection",
        "the command has no controlling terminal of the host; TIOCSTI/TIOCLINUX refused");
    add(c, "environment", CTL_ENFORCED, true, "supervisor", "environment deny list",
        "%zu patterns (case-insensitive)", cfg->policy->environment.deny.n);
}

void controls_collect(const struct sandbox_config *cfg, const struct host_support *h,
                      struct controls *out)
{
    *out = (struct controls){0};
    collect_fs(cfg, h, out);
    collect_net(cfg, h, out);
    collect_firewall(cfg, h, out);
    collect_resources(cfg, h, out);
    collect_process(cfg, h, out);
}

size_t controls_gaps(const struct controls *c, bool confinement_only)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (control_is_gap(&c->v[i], confinement_only))
            n++;
    return n;
}

bool control_is_gap(const struct control *x, bool asked_confinement_only)
{
    return (x->state == CTL_PARTIAL || x->state == CTL_NOT_ENFORCED) &&
           (!asked_confinement_only || (x->confinement && !x->built_in));
}

void controls_print_text(const struct controls *c, FILE *f)
{
    const char *area = "";
    for (size_t i = 0; i < c->n; i++) {
        const struct control *x = &c->v[i];
        if (strcmp(area, x->area) != 0) {
            area = x->area;
            fprintf(f, "%s:\n", area);
        }
        fprintf(f, "  %-12s %-40s %-28s %s\n", control_state_name(x->state), x->item, x->layer,
                x->detail ? x->detail : "");
    }
}

char *controls_to_json(const struct controls *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->n; i++) {
        const struct control *x = &c->v[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "area",
                                             x->area, "item", x->item, "layer", x->layer,
                                             "state", control_state_name(x->state),
                                             "confinement", x->confinement, "built_in",
                                             x->built_in, "detail",
                                             x->detail ? x->detail : ""));
    }
    char *s = json_dumps(arr, JSON_INDENT(2));
    json_decref(arr);
    return s;
}

void controls_free(struct controls *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].area);
        free(c->v[i].item);
        free(c->v[i].layer);
        free(c->v[i].detail);
    }
    free(c->v);
    *c = (struct controls){0};
}
