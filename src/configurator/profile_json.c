/* A profile as the three native policy files: file-system-policy.json,
 * network-policy.json and resource-policy.json, in the seed's shapes. */
#include <jansson.h>

#include "configurator/profile.h"

static json_t *strs(const struct str_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->v[i]));
    return a;
}

static json_t *ports(const struct port_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_integer(l->v[i]));
    return a;
}

/* 10 rather than 10.0 for whole numbers. */
static json_t *num(double d)
{
    if (d >= 0 && d < 9007199254740992.0 && d == (double)(json_int_t)d)
        return json_integer((json_int_t)d);
    return json_real(d);
}

static char *dump(json_t *root)
{
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    return s;
}

char *init_profile_fs_json(const struct init_profile *p)
{
    json_t *fs = json_object();
    json_object_set_new(fs, "mode", json_string("whitelist"));
    json_object_set_new(fs, "workspace", json_pack("{s:s, s:s, s:o}",
        "path", p->workspace, "permissions", "read-write",
        "size_limit_gb", num(p->workspace_size_gb)));
    json_object_set_new(fs, "allowed_paths", json_array());
    json_object_set_new(fs, "readonly_paths", strs(&p->readonly));
    json_object_set_new(fs, "denied_paths", strs(&p->denied));
    json_object_set_new(fs, "temp_directory", json_pack("{s:s, s:I, s:b, s:i}",
        "path", "/tmp", "size_limit_mb", (json_int_t)p->temp_size_mb,
        "auto_cleanup", 1, "cleanup_age_hours", 24));
    json_t *enf = json_pack("{s:b, s:s, s:b, s:b}",
        "strict_mode", p->strict_mode, "symlink_resolution", "deny",
        "case_sensitive", 1, "audit_all_access", 0);
    return dump(json_pack("{s:o, s:o}", "file_system", fs, "enforcement", enf));
}

static json_t *firewall(const struct init_profile *p)
{
    json_t *egress = json_array(), *ingress = json_array();
    if (p->network && p->trusted.n)
        json_array_append_new(egress, json_pack("{s:s, s:s, s:o}", "action", "allow",
            "destination", "trusted_domains", "ports", ports(&p->out_ports)));
    if (p->in_ports.n)
        json_array_append_new(ingress, json_pack("{s:s, s:s, s:o}", "action", "allow",
            "source", "localhost", "ports", ports(&p->in_ports)));
    return json_pack("{s:s, s:o, s:o}", "default_policy", "deny",
                     "egress_rules", egress, "ingress_rules", ingress);
}

char *init_profile_net_json(const struct init_profile *p)
{
    json_t *n = json_object();
    json_object_set_new(n, "mode", json_string(p->network ? "filtered" : "none"));
    json_object_set_new(n, "trusted_domains", strs(&p->trusted));
    json_object_set_new(n, "blocked_domains", strs(&p->blocked));
    json_object_set_new(n, "allowed_ports", json_pack("{s:o, s:o}",
        "outbound", ports(&p->out_ports), "inbound", ports(&p->in_ports)));
    json_object_set_new(n, "protocols", json_pack("{s:o, s:o}",
        "allowed", strs(&p->proto_allowed), "denied", strs(&p->proto_denied)));
    json_object_set_new(n, "rate_limiting", json_pack("{s:b, s:I, s:I}",
        "enabled", p->rate_limiting, "requests_per_minute", (json_int_t)p->rate_per_minute,
        "burst", (json_int_t)p->rate_burst));
    json_t *hosts = json_object();
    for (size_t i = 0; i < p->n_hosts; i++)
        json_object_set_new(hosts, p->hosts[i].name, json_string(p->hosts[i].address));
    json_object_set_new(n, "hosts", hosts);
    return dump(json_pack("{s:o, s:o}", "network", n, "firewall", firewall(p)));
}

char *init_profile_res_json(const struct init_profile *p)
{
    const struct resource_limits *r = &p->limits;
    return dump(json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "resources",
        "memory_mb", (json_int_t)r->memory_mb, "pids", (json_int_t)r->pids,
        "cpu_seconds", (json_int_t)r->cpu_seconds, "fsize_mb", (json_int_t)r->fsize_mb,
        "nofile", (json_int_t)r->nofile, "timeout_seconds", (json_int_t)r->timeout_seconds));
}
