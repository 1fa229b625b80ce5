/* The policy as native JSON: every section and value, in the shape the
 * loader reads back (origins are not part of the format). */
#include <stdlib.h>

#include <jansson.h>

#include "policy/policy_internal.h"

/* Strings come from validated input, but ${HOME} may hold bytes that are
 * not UTF-8; jansson refuses those, and an empty string beats a crash. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s ? s : "");
    return j ? j : json_string("");
}

static json_t *jlist(const struct str_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, jstr(l->v[i]));
    return a;
}

static json_t *jports(const struct port_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_integer(l->v[i]));
    return a;
}

/* 10 rather than 10.0 when the value is whole: what a person would write. */
static json_t *jnum(double d)
{
    /* Range check first so the cast is defined; no libm needed. */
    if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(json_int_t)d)
        return json_integer((json_int_t)d);
    return json_real(d);
}

static json_t *jfile_system(const struct policy *p)
{
    json_t *fs = json_object();
    json_object_set_new(fs, "mode", jstr(p->fs.mode));
    json_object_set_new(fs, "workspace", json_pack("{s:o, s:s, s:o}",
        "path", jstr(p->fs.workspace),
        "permissions", p->fs.workspace_writable ? "read-write" : "read-only",
        "size_limit_gb", jnum(p->fs.workspace_size_limit_gb)));
    json_object_set_new(fs, "allowed_paths", jlist(&p->fs.allowed));
    json_object_set_new(fs, "denied_paths", jlist(&p->fs.denied));
    json_object_set_new(fs, "readonly_paths", jlist(&p->fs.readonly));
    json_object_set_new(fs, "writable_paths", jlist(&p->fs.writable));
    json_object_set_new(fs, "unprotected_paths", jlist(&p->fs.unprotected));
    json_object_set_new(fs, "temp_directory", json_pack("{s:o, s:I, s:b, s:o}",
        "path", jstr(p->fs.temp_path),
        "size_limit_mb", (json_int_t)p->fs.temp_size_mb,
        "auto_cleanup", p->fs.temp_auto_cleanup,
        "cleanup_age_hours", jnum(p->fs.temp_cleanup_age_hours)));
    return fs;
}

static json_t *jenforcement(const struct policy *p)
{
    return json_pack("{s:b, s:o, s:b, s:b}",
        "strict_mode", p->enforcement.strict_mode,
        "symlink_resolution", jstr(p->enforcement.symlink_resolution),
        "case_sensitive", p->enforcement.case_sensitive,
        "audit_all_access", p->enforcement.audit_all_access);
}

static json_t *jnetwork(const struct policy *p)
{
    json_t *n = json_object();
    /* A derived mode is left out so that it is derived again on reload
     * (and stays derived when trusted domains are added later). */
    if (p->network.mode_set)
        json_object_set_new(n, "mode", jstr(p->network.mode_word));
    json_object_set_new(n, "trusted_domains", jlist(&p->network.trusted));
    json_object_set_new(n, "blocked_domains", jlist(&p->network.blocked));
    json_object_set_new(n, "allowed_ports", json_pack("{s:o, s:o}",
        "outbound", jports(&p->network.out_ports),
        "inbound", jports(&p->network.in_ports)));
    json_object_set_new(n, "protocols", json_pack("{s:o, s:o}",
        "allowed", jlist(&p->network.proto_allowed),
        "denied", jlist(&p->network.proto_denied)));
    json_object_set_new(n, "rate_limiting", json_pack("{s:b, s:I, s:I}",
        "enabled", p->network.rate_enabled,
        "requests_per_minute", (json_int_t)p->network.rate_per_minute,
        "burst", (json_int_t)p->network.rate_burst));
    json_t *hosts = json_object();
    for (size_t i = 0; i < p->network.n_hosts; i++)
        json_object_set_new(hosts, p->network.hosts[i].name, jstr(p->network.hosts[i].address));
    json_object_set_new(n, "hosts", hosts);
    if (p->network.dns_upstream)
        json_object_set_new(n, "dns", json_pack("{s:o}", "upstream", jstr(p->network.dns_upstream)));
    return n;
}

static json_t *jrules(const struct fw_rule_list *l, const char *endpoint_key)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_pack("{s:o, s:o, s:o}",
            "action", jstr(l->v[i].action),
            endpoint_key, jstr(l->v[i].endpoint),
            "ports", jports(&l->v[i].ports)));
    return a;
}

static json_t *jfirewall(const struct policy *p)
{
    return json_pack("{s:o, s:o, s:o}",
        "default_policy", jstr(p->firewall.default_policy),
        "egress_rules", jrules(&p->firewall.egress, "destination"),
        "ingress_rules", jrules(&p->firewall.ingress, "source"));
}

static json_t *jresources(const struct policy *p)
{
    const struct resource_limits *r = &p->resources;
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
        "memory_mb", (json_int_t)r->memory_mb,
        "pids", (json_int_t)r->pids,
        "cpu_seconds", (json_int_t)r->cpu_seconds,
        "fsize_mb", (json_int_t)r->fsize_mb,
        "nofile", (json_int_t)r->nofile,
        "timeout_seconds", (json_int_t)r->timeout_seconds);
}

char *policy_to_json(const struct policy *p)
{
    json_t *root = json_object();
    json_object_set_new(root, "file_system", jfile_system(p));
    json_object_set_new(root, "enforcement", jenforcement(p));
    json_object_set_new(root, "network", jnetwork(p));
    json_object_set_new(root, "firewall", jfirewall(p));
    json_object_set_new(root, "resources", jresources(p));
    json_t *audit = json_object();
    /* No path means "the default location", decided by the audit module. */
    if (p->audit.path)
        json_object_set_new(audit, "path", jstr(p->audit.path));
    json_object_set_new(audit, "fsync", jstr(p->audit.fsync ? p->audit.fsync : "interval"));
    json_object_set_new(audit, "max_size_mb", json_integer((json_int_t)p->audit.max_size_mb));
    json_object_set_new(audit, "keep", json_integer((json_int_t)p->audit.keep));
    json_object_set_new(root, "audit", audit);
    json_object_set_new(root, "environment", json_pack("{s:o, s:o}",
        "deny", jlist(&p->environment.deny),
        "allow", jlist(&p->environment.allow)));
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    return s;
}
