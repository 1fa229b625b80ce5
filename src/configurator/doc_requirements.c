/* docs/REQUIREMENTS.md: what the policy requires, value by value, with the
 * layer that enforces each requirement on this host. */
#include <stdlib.h>
#include <string.h>

#include "configurator/docs.h"
#include "configurator/risk_internal.h"

static void list(FILE *f, const struct str_list *l, const char *none)
{
    if (!l->n) {
        fprintf(f, "%s", none);
        return;
    }
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%s`%s`", i ? ", " : "", l->v[i]);
}

static void ports(FILE *f, const struct port_list *l)
{
    if (!l->n)
        fprintf(f, "none");
    for (size_t i = 0; i < l->n; i++)
        fprintf(f, "%s%u", i ? ", " : "", (unsigned)l->v[i]);
}

/* "enforced (layer)" or "PARTIAL (layer)" for a control, "-" when absent. */
static void state_of(FILE *f, const struct control *x)
{
    if (!x)
        fprintf(f, "-");
    else
        fprintf(f, "%s (%s)", control_state_name(x->state), x->layer);
}

static size_t fs_gaps(const struct init_assessment *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->controls.n; i++)
        n += !strcmp(a->controls.v[i].area, "file_system") &&
             control_is_gap(&a->controls.v[i], false);
    return n;
}

static void objectives(FILE *f, const struct init_assessment *a)
{
    const struct policy *p = a->policy;
    const struct controls *c = &a->controls;
    fprintf(f, "## Objectives\n\n| Objective | Policy | Enforced here by |\n|---|---|---|\n");
    size_t g = fs_gaps(a);
    fprintf(f, "| Prevent unauthorized file access | workspace %s, %zu read-only tree(s), "
            "%zu denied path(s), everything else invisible | ",
            p->fs.workspace_writable ? "read-write" : "read-only", p->fs.readonly.n,
            p->fs.denied.n);
    if (g)
        fprintf(f, "%s, with %zu rule(s) not fully enforced |\n",
                a->cfg.use_namespaces ? "mount namespace" : "Landlock", g);
    else
        fprintf(f, "%s |\n", a->cfg.use_namespaces
                ? (a->host.landlock_abi > 0 ? "mount namespace + Landlock" : "mount namespace")
                : "Landlock");
    fprintf(f, "| Isolate network communications | network.mode %s, %zu trusted domain(s) | ",
            p->network.mode_word, p->network.trusted.n);
    state_of(f, risk_control(c, "network", "mode "));
    fprintf(f, " |\n| Enforce resource limits | memory %llu MiB, %llu processes | ",
            (unsigned long long)p->resources.memory_mb, (unsigned long long)p->resources.pids);
    fprintf(f, "%s, %s |\n", doc_limit_layer(a, "memory "), doc_limit_layer(a, "pids "));
    const struct control *sc = risk_control(c, "process", "kernel attack surface");
    fprintf(f, "| Least privilege | capabilities dropped, no_new_privs, seccomp | ");
    state_of(f, sc);
    fprintf(f, " |\n| Audit all operations | enforcement.audit_all_access %s | ",
            p->enforcement.audit_all_access ? "true" : "false");
    if (p->enforcement.audit_all_access)
        state_of(f, risk_control(c, "audit", "audit_all_access"));
    else
        fprintf(f, "not requested");
    fprintf(f, " |\n");
    fprintf(f, "| Fail closed | enforcement.strict_mode %s | ",
            p->enforcement.strict_mode ? "true" : "false");
    if (!p->enforcement.strict_mode)
        fprintf(f, "run warns about gaps and starts |\n\n");
    else if (a->refusals)
        fprintf(f, "run REFUSES to start here: %zu confinement gap(s) |\n\n", a->refusals);
    else
        fprintf(f, "run starts here: no confinement gap |\n\n");
}

static void threat_model(FILE *f, const struct init_assessment *a)
{
    static const char *const what[THREAT_COUNT] = {
        "unauthorized access to host files; mitigated by file_system.workspace, "
        "readonly_paths, denied_paths and the protected persistence paths",
        "malicious connections in or out; mitigated by network.mode, trusted_domains, "
        "allowed_ports and the firewall section",
        "denial of service through memory, processes, CPU or disk; mitigated by resources "
        "and the workspace and temp size limits",
        "secrets leaving the machine; mitigated by denied_paths, environment.deny and "
        "network.trusted_domains",
        "gaining privileges on the host; mitigated by dropped capabilities, no_new_privs, "
        "seccomp and the PID and user namespaces",
    };
    fprintf(f, "## Threat Model\n\n");
    for (int t = 0; t < THREAT_COUNT; t++) {
        const struct risk_row *r = &a->risk.rows[t];
        fprintf(f, "%d. **%s**: %s. Rated **%s** here (P%d, see THREAT-ASSESSMENT.md).\n",
                t + 1, threat_name((enum threat)t), what[t], risk_level_name(r->level),
                r->priority);
    }
    fprintf(f, "\n");
}

static void access_control(FILE *f, const struct policy *p)
{
    fprintf(f, "## Access Control\n\n");
    fprintf(f, "- %s: `%s`", p->fs.workspace_writable ? "Read-write" : "Read-only",
            p->fs.workspace);
    if (p->fs.workspace_size_limit_gb > 0)
        fprintf(f, " (size limit %g GiB)", p->fs.workspace_size_limit_gb);
    if (p->fs.writable.n) {
        fprintf(f, "; also writable: ");
        list(f, &p->fs.writable, "");
    }
    fprintf(f, "\n- Read-only: ");
    list(f, &p->fs.readonly, "nothing besides the workspace");
    if (p->fs.allowed.n) {
        fprintf(f, "\n- Visible (allowed_paths): ");
        list(f, &p->fs.allowed, "");
    }
    fprintf(f, "\n- No access (denied_paths): ");
    list(f, &p->fs.denied, "none");
    fprintf(f, "\n- Temp directory: `%s`, private, %llu MiB\n", p->fs.temp_path,
            (unsigned long long)p->fs.temp_size_mb);
    if (p->fs.workspace_writable) {
        fprintf(f, "- Read-only inside the workspace (persistence paths): ");
        bool any = false;
        for (size_t i = 0; policy_protected_paths[i]; i++) {
            bool lifted = false;
            for (size_t j = 0; j < p->fs.unprotected.n; j++)
                lifted |= !strcmp(p->fs.unprotected.v[j], policy_protected_paths[i]);
            if (!lifted)
                fprintf(f, "%s`%s`", any ? ", " : "", policy_protected_paths[i]);
            any |= !lifted;
        }
        fprintf(f, "%s\n", any ? "" : "none");
    }
    fprintf(f, "- Everything else on the host: not visible (file_system.mode %s)\n\n",
            p->fs.mode);
}

static void network(FILE *f, const struct policy *p)
{
    fprintf(f, "## Network\n\n- Mode: `%s`", p->network.mode_word);
    if (p->network.mode == NET_MODE_NONE) {
        fprintf(f, ": no network; loopback only\n\n");
        return;
    }
    if (p->network.mode == NET_MODE_HOST) {
        fprintf(f, ": the host's network, NO isolation\n\n");
        return;
    }
    fprintf(f, "\n- Trusted domains: ");
    list(f, &p->network.trusted, "none");
    fprintf(f, "\n- Blocked domains: ");
    list(f, &p->network.blocked, "none");
    fprintf(f, "\n- Outbound ports: ");
    ports(f, &p->network.out_ports);
    fprintf(f, "\n- Inbound ports (published on the host's loopback): ");
    ports(f, &p->network.in_ports);
    fprintf(f, "\n- Protocols allowed: ");
    list(f, &p->network.proto_allowed, "any");
    fprintf(f, "; denied: ");
    list(f, &p->network.proto_denied, "none");
    if (p->network.rate_enabled)
        fprintf(f, "\n- Rate limit: %llu requests/minute, burst %llu",
                (unsigned long long)p->network.rate_per_minute,
                (unsigned long long)p->network.rate_burst);
    for (size_t i = 0; i < p->network.n_hosts; i++)
        fprintf(f, "\n- Pinned: `%s` -> `%s`", p->network.hosts[i].name,
                p->network.hosts[i].address);
    fprintf(f, "\n- Firewall default policy: %s\n\n", p->firewall.default_policy);
}

static void resources(FILE *f, const struct init_assessment *a)
{
    const struct resource_limits *r = &a->policy->resources;
    struct { const char *name, *prefix, *unit; uint64_t v; } rows[] = {
        { "memory_mb", "memory ", " MiB", r->memory_mb },
        { "pids", "pids ", "", r->pids },
        { "cpu_seconds", "cpu ", " s", r->cpu_seconds },
        { "fsize_mb", "fsize ", " MiB", r->fsize_mb },
        { "nofile", "nofile ", "", r->nofile },
        { "timeout_seconds", "timeout ", " s", r->timeout_seconds },
    };
    fprintf(f, "## Resource Limits\n\n| Limit | Value | Enforced here by |\n|---|---|---|\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (rows[i].v)
            fprintf(f, "| %s | %llu%s | %s |\n", rows[i].name, (unsigned long long)rows[i].v,
                    rows[i].unit, doc_limit_layer(a, rows[i].prefix));
        else
            fprintf(f, "| %s | none | - |\n", rows[i].name);
    }
    fprintf(f, "\n");
}

char *init_doc_requirements(const struct init_doc_meta *m, const struct init_assessment *a)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    doc_header(f, "Sandbox Security Requirements", m, a);
    objectives(f, a);
    threat_model(f, a);
    access_control(f, a->policy);
    network(f, a->policy);
    resources(f, a);
    fprintf(f, "## Verification\n\n```sh\nsandboxctl check --policy sandbox-security/policies"
            "\nsandboxctl run --policy sandbox-security/policies -- COMMAND\n```\n\n"
            "On this host `check` exits with status %d (%s).\n",
            doc_check_status(a), doc_check_status(a) ? "valid, not every control enforced "
            "exactly as asked: it lists which and why" : "valid and fully enforced");
    fclose(f);
    return buf;
}
