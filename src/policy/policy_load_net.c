/* The network and firewall sections of native policy files. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_internal.h"
#include "policy/policy_load.h"
#include "policy/suggest.h"
#include "util/log.h"

/* ---- network ---- */

static int net_mode(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "none", "filtered", "host", "whitelist", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    /* "whitelist" is the seed files' word for filtered. */
    c->p->network.mode = strcmp(w, "none") == 0 ? NET_MODE_NONE
                       : strcmp(w, "host") == 0 ? NET_MODE_HOST : NET_MODE_FILTERED;
    c->p->network.mode_set = true;
    policy_set_str(&c->p->network.mode_word, w);
    return 0;
}

static int domain_entry(struct load_ctx *c, const char *in, char **out)
{
    char why[512];
    if (policy_check_domain(in, true, out, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    return 0;
}

static int net_trusted(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->network.trusted, domain_entry);
}

static int net_blocked(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->network.blocked, domain_entry);
}

static int ports_out(struct load_ctx *c, json_t *v)
{
    return ctx_port_list(c, v, &c->p->network.out_ports);
}

static int ports_in(struct load_ctx *c, json_t *v)
{
    return ctx_port_list(c, v, &c->p->network.in_ports);
}

static int net_ports(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "outbound", ports_out, false },
        { "inbound", ports_in, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

static int protocol_entry(struct load_ctx *c, const char *in, char **out)
{
    char q[128];
    for (size_t i = 0; policy_protocol_words[i]; i++) {
        if (strcmp(in, policy_protocol_words[i]) == 0) {
            *out = xstrdup(in);
            return 0;
        }
    }
    /* "ssl" is one edit from "ssh", but whoever writes it means TLS. */
    const char *hint = strcasecmp(in, "ssl") == 0 ? "tls" : suggest_word(in, policy_protocol_words);
    if (hint)
        return ctx_fail(c, "unknown protocol %s; did you mean \"%s\"?",
                        policy_quote(in, q, sizeof q), hint);
    return ctx_fail(c, "unknown protocol %s; expected one of http, https, tls, ssh, git, "
                    "ftp, telnet, smtp, dns", policy_quote(in, q, sizeof q));
}

static int proto_allowed(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->network.proto_allowed, protocol_entry);
}

static int proto_denied(struct load_ctx *c, json_t *v)
{
    return ctx_str_list(c, v, &c->p->network.proto_denied, protocol_entry);
}

static int net_protocols(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "allowed", proto_allowed, false },
        { "denied", proto_denied, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

static int rate_enabled(struct load_ctx *c, json_t *v)
{
    return ctx_bool(c, v, &c->p->network.rate_enabled);
}

static int rate_rpm(struct load_ctx *c, json_t *v)
{
    return ctx_uint(c, v, 0, 1000000000, &c->p->network.rate_per_minute);
}

static int rate_burst(struct load_ctx *c, json_t *v)
{
    return ctx_uint(c, v, 0, 1000000000, &c->p->network.rate_burst);
}

static int net_rate(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "enabled", rate_enabled, false },
        { "requests_per_minute", rate_rpm, false },
        { "burst", rate_burst, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* One "name": "address" pin; the key is the name, so name errors point at
 * the key and address errors at the value. */
static int host_pin(struct load_ctx *c, const char *name, json_t *v)
{
    char why[512], q[128];
    char *canon = NULL;
    if (name[0] == '*' || policy_check_domain(name, false, &canon, why, sizeof why) < 0) {
        if (name[0] == '*')
            snprintf(why, sizeof why, "%s: a pin needs an exact host name, not a wildcard",
                     policy_quote(name, q, sizeof q));
        return ctx_fail_key(c, "network.hosts: %s", why);
    }
    const char *addr;
    int r = ctx_string(c, v, "an IP address", &addr);
    if (r == 0 && policy_check_ip(addr, why, sizeof why) < 0)
        r = ctx_fail(c, "%s", why);
    if (r == 0)
        policy_set_host(c->p, canon, addr);
    free(canon);
    return r;
}

static int net_hosts(struct load_ctx *c, json_t *v)
{
    if (!json_is_object(v))
        return ctx_fail(c, "got %s; expected an object mapping host names to IP addresses",
                        json_kind(v));
    const char *name;
    json_t *addr;
    json_object_foreach(v, name, addr) {
        ctx_push_key(c, name);
        int r = host_pin(c, name, addr);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int dns_upstream(struct load_ctx *c, json_t *v)
{
    char why[512];
    const char *s;
    if (ctx_string(c, v, "\"IP\", \"IPv4:port\" or \"[IPv6]:port\"", &s) < 0)
        return -1;
    if (policy_check_upstream(s, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    policy_set_str(&c->p->network.dns_upstream, s);
    return 0;
}

static int net_dns(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "upstream", dns_upstream, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

int load_sect_network(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "mode", net_mode, false },
        { "trusted_domains", net_trusted, false },
        { "blocked_domains", net_blocked, false },
        { "allowed_ports", net_ports, false },
        { "protocols", net_protocols, false },
        { "rate_limiting", net_rate, false },
        { "hosts", net_hosts, false },
        { "dns", net_dns, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}

/* ---- firewall ---- */

static int fw_default(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "deny", "allow", NULL };
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    policy_set_str(&c->p->firewall.default_policy, w);
    return 0;
}

static int rule_action(struct load_ctx *c, json_t *v)
{
    static const char *const words[] = { "allow", "deny", NULL };
    struct fw_rule *r = c->cur;
    const char *w;
    if (ctx_word(c, v, words, &w) < 0)
        return -1;
    policy_set_str(&r->action, w);
    return 0;
}

/* Keywords standing for a whole list, or for everything. */
static const char *const endpoint_words[] = { "trusted_domains", "blocked_domains", "any", NULL };

static int rule_endpoint(struct load_ctx *c, json_t *v)
{
    struct fw_rule *r = c->cur;
    char why[512];
    const char *s;
    char *canon = NULL;
    if (ctx_string(c, v, "a domain, an IP address or CIDR, \"trusted_domains\" or \"any\"", &s) < 0)
        return -1;
    for (size_t i = 0; endpoint_words[i]; i++)
        if (strcmp(s, endpoint_words[i]) == 0)
            canon = xstrdup(s);
    if (!canon && strcmp(s, "*") == 0)
        return ctx_fail(c, "a lone \"*\" is not accepted; expected \"any\" for every endpoint");
    if (!canon && policy_check_domain(s, true, &canon, why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    free(r->endpoint);
    r->endpoint = canon;
    return 0;
}

static int rule_ports(struct load_ctx *c, json_t *v)
{
    struct fw_rule *r = c->cur;
    return ctx_port_list(c, v, &r->ports);
}

static int fw_rules(struct load_ctx *c, json_t *v, struct fw_rule_list *dst, bool egress)
{
    static const struct member egress_t[] = {
        { "action", rule_action, false },
        { "destination", rule_endpoint, false },
        { "ports", rule_ports, false },
        { NULL, NULL, false },
    };
    static const struct member ingress_t[] = {
        { "action", rule_action, false },
        { "source", rule_endpoint, false },
        { "ports", rule_ports, false },
        { NULL, NULL, false },
    };
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of rule objects", json_kind(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        struct fw_rule rule = { 0 };
        ctx_push_index(c, i);
        c->cur = &rule;
        int r = ctx_walk(c, json_array_get(v, i), egress ? egress_t : ingress_t);
        c->cur = NULL;
        if (r == 0 && !rule.action)
            r = ctx_fail(c, "missing \"action\"; expected \"allow\" or \"deny\"");
        if (r == 0 && !rule.endpoint)
            r = ctx_fail(c, "missing \"%s\"; expected a domain, an IP address or CIDR, "
                         "\"trusted_domains\" or \"any\"", egress ? "destination" : "source");
        if (r == 0) {
            rule.origin.where = ctx_where(c, false);
            fw_rule_list_add_unique(dst, &rule);
        }
        fw_rule_free(&rule);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

static int fw_egress(struct load_ctx *c, json_t *v)
{
    return fw_rules(c, v, &c->p->firewall.egress, true);
}

static int fw_ingress(struct load_ctx *c, json_t *v)
{
    return fw_rules(c, v, &c->p->firewall.ingress, false);
}

int load_sect_firewall(struct load_ctx *c, json_t *v)
{
    static const struct member t[] = {
        { "default_policy", fw_default, false },
        { "egress_rules", fw_egress, false },
        { "ingress_rules", fw_ingress, false },
        { NULL, NULL, false },
    };
    return ctx_walk(c, v, t);
}
