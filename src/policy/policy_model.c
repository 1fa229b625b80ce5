/* Creating, freeing and growing the in-memory policy. */
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/strlist.h"

void policy_set_str(char **dst, const char *s)
{
    char *copy = s ? xstrdup(s) : NULL;
    free(*dst);
    *dst = copy;
}

void policy_error_set(struct policy_error *err, const char *msg)
{
    size_t n = strlen(msg);
    if (n >= sizeof err->msg)
        n = sizeof err->msg - 1;
    memcpy(err->msg, msg, n);
    err->msg[n] = '\0';
}

void origin_set(struct origin *o, const char *where)
{
    policy_set_str(&o->where, where ? where : "built-in");
}

void port_list_add_unique(struct port_list *l, uint16_t port)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == port)
            return;
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = port;
}

void port_list_free(struct port_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static bool ports_equal(const struct port_list *a, const struct port_list *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->v, b->v, a->n * sizeof *a->v) == 0);
}

void fw_rule_free(struct fw_rule *r)
{
    free(r->action);
    free(r->endpoint);
    port_list_free(&r->ports);
    free(r->origin.where);
    memset(r, 0, sizeof *r);
}

void fw_rule_list_add_unique(struct fw_rule_list *l, struct fw_rule *r)
{
    for (size_t i = 0; i < l->n; i++) {
        const struct fw_rule *o = &l->v[i];
        if (strcmp(o->action, r->action) == 0 &&
            strcmp(o->endpoint, r->endpoint) == 0 && ports_equal(&o->ports, &r->ports)) {
            fw_rule_free(r);
            return;
        }
    }
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->v[l->n++] = *r;
    memset(r, 0, sizeof *r);
}

void fw_rule_list_free(struct fw_rule_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        fw_rule_free(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void policy_set_host(struct policy *p, const char *name, const char *address)
{
    for (size_t i = 0; i < p->network.n_hosts; i++) {
        if (strcmp(p->network.hosts[i].name, name) == 0) {
            policy_set_str(&p->network.hosts[i].address, address);
            return;
        }
    }
    p->network.hosts = xrealloc(p->network.hosts,
                                (p->network.n_hosts + 1) * sizeof *p->network.hosts);
    p->network.hosts[p->network.n_hosts].name = xstrdup(name);
    p->network.hosts[p->network.n_hosts].address = xstrdup(address);
    p->network.n_hosts++;
}

const char *policy_workspace_var(const struct policy *p, const struct policy_env *env)
{
    if (env && env->workspace)
        return env->workspace;
    if (p->fs.workspace_declared)
        return p->fs.workspace_declared;
    if (env && env->cwd)
        return env->cwd;
    return "/";
}

/* Secrets that commonly live in the environment of a developer's shell. */
static const char *const default_env_deny[] = {
    "AWS_*", "*_TOKEN", "*_SECRET*", "*PASSWORD*", "*API_KEY*",
    "SSH_AUTH_SOCK", "GPG_AGENT_INFO", "LD_PRELOAD", "LD_AUDIT", "*_KEY", "*_KEYS",
    "*_PWD", "*_PASS", "*_PASSWD", "*CREDENTIAL*", "*_DSN", "DATABASE_URL", "*_AUTH_*",
    NULL,
};

static void base_fs(struct policy *p, const struct policy_env *env)
{
    const char *ws = env && env->workspace ? env->workspace
                   : env && env->cwd ? env->cwd : "/";
    p->fs.mode = xstrdup("whitelist");
    /* Lexical clean-up only: a relative --workspace is reported by
     * policy_finalize, not silently made absolute here. */
    p->fs.workspace = ws[0] == '/' ? path_normalize(ws) : xstrdup(ws);
    origin_set(&p->fs.workspace_origin,
               env && env->workspace ? "--workspace" : "built-in");
    p->fs.workspace_writable = true;
    p->fs.temp_path = xstrdup("/tmp");
    p->fs.temp_size_mb = 512;
    p->fs.temp_auto_cleanup = true;
    p->fs.temp_cleanup_age_hours = 24;
}

struct policy *policy_new_base(const struct policy_env *env)
{
    struct policy *p = xcalloc(1, sizeof *p);
    base_fs(p, env);
    p->enforcement.symlink_resolution = xstrdup("deny");
    p->enforcement.case_sensitive = true;
    p->network.mode = NET_MODE_NONE;
    p->firewall.default_policy = xstrdup("deny");
    p->resources = (struct resource_limits){
        .memory_mb = 4096, .pids = 1024, .cpu_seconds = 0,
        .fsize_mb = 8192, .nofile = 4096, .timeout_seconds = 0,
    };
    p->audit.fsync = xstrdup("interval");
    p->audit.max_size_mb = 64;
    p->audit.keep = 5;
    for (size_t i = 0; default_env_deny[i]; i++)
        str_list_add(&p->environment.deny, default_env_deny[i], "built-in");
    return p;
}

void policy_free(struct policy *p)
{
    if (!p)
        return;
    free(p->fs.mode);
    free(p->fs.workspace);
    free(p->fs.workspace_origin.where);
    free(p->fs.workspace_declared);
    str_list_free(&p->fs.allowed);
    str_list_free(&p->fs.denied);
    str_list_free(&p->fs.readonly);
    str_list_free(&p->fs.writable);
    str_list_free(&p->fs.unprotected);
    free(p->fs.temp_path);
    free(p->enforcement.symlink_resolution);
    free(p->network.mode_word);
    str_list_free(&p->network.trusted);
    str_list_free(&p->network.blocked);
    port_list_free(&p->network.out_ports);
    port_list_free(&p->network.in_ports);
    str_list_free(&p->network.proto_allowed);
    str_list_free(&p->network.proto_denied);
    for (size_t i = 0; i < p->network.n_hosts; i++) {
        free(p->network.hosts[i].name);
        free(p->network.hosts[i].address);
    }
    free(p->network.hosts);
    free(p->network.dns_upstream);
    free(p->firewall.default_policy);
    fw_rule_list_free(&p->firewall.egress);
    fw_rule_list_free(&p->firewall.ingress);
    free(p->audit.path);
    free(p->audit.fsync);
    str_list_free(&p->environment.deny);
    str_list_free(&p->environment.allow);
    free(p);
}
