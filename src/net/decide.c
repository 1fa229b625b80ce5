#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/addr_class.h"
#include "net/decide.h"
#include "net/domain.h"
#include "net/sniff.h"
#include "util/log.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int net_policy_init(struct net_policy *np, const struct policy *p)
{
    *np = (struct net_policy){.policy = p};
    np->rules = domain_rules_build((const char *const *)p->network.trusted.v, p->network.trusted.n,
                                   (const char *const *)p->network.blocked.v, p->network.blocked.n);
    if (!np->rules)
        return -ENOMEM;
    np->tokens = (double)(p->network.rate_burst ? p->network.rate_burst
                                                : p->network.rate_per_minute);
    np->last_refill = now_seconds();
    return 0;
}

void net_policy_free(struct net_policy *np)
{
    domain_rules_free(np->rules);
    np->rules = NULL;
}

static bool port_allowed(const struct policy *p, uint16_t port)
{
    if (!p->network.out_ports.n)
        return true;
    for (size_t i = 0; i < p->network.out_ports.n; i++)
        if (p->network.out_ports.v[i] == port)
            return true;
    return false;
}

/* requests_per_minute tokens a minute, up to burst. */
static bool take_token(struct net_policy *np)
{
    const struct policy *p = np->policy;
    if (!p->network.rate_enabled || !p->network.rate_per_minute)
        return true;
    double t = now_seconds();
    double cap = (double)(p->network.rate_burst ? p->network.rate_burst : p->network.rate_per_minute);
    np->tokens += (t - np->last_refill) * (double)p->network.rate_per_minute / 60.0;
    if (np->tokens > cap)
        np->tokens = cap;
    np->last_refill = t;
    if (np->tokens < 1.0)
        return false;
    np->tokens -= 1.0;
    return true;
}

static bool parse_literal(const char *host, uint16_t port, struct sockaddr_storage *ss,
                          socklen_t *len)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
    memset(ss, 0, sizeof *ss);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        *len = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        *len = sizeof *v6;
        return true;
    }
    return false;
}

static bool listed(const struct str_list *l, const char *word)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], word))
            return true;
    return false;
}

/* Protocols whose server speaks first cannot be told from the client's
 * bytes: their well-known ports stand for them. */
static const char *port_protocol(uint16_t port)
{
    switch (port) {
    case 21: return "ftp";
    case 23: return "telnet";
    case 25: case 465: case 587: return "smtp";
    }
    return NULL;
}

const char *net_protocol_refusal(const struct net_policy *np, int sniffed)
{
    const struct policy *p = np->policy;
    const char *word = sniffed == PROTO_TLS ? "tls" : sniffed == PROTO_HTTP ? "http"
                     : sniffed == PROTO_SSH ? "ssh" : sniffed == PROTO_GIT ? "git" : NULL;
    if (word && (listed(&p->network.proto_denied, word) ||
                 (sniffed == PROTO_TLS && listed(&p->network.proto_denied, "https"))))
        return "protocols.denied";
    if (!p->network.proto_allowed.n)
        return NULL;
    if (!word)
        return "protocol not recognised, and protocols.allowed is set";
    if (listed(&p->network.proto_allowed, word) ||
        (sniffed == PROTO_TLS && listed(&p->network.proto_allowed, "https")))
        return NULL;
    return "protocol not in protocols.allowed";
}

static bool rule_port(const struct fw_rule *r, uint16_t port)
{
    if (!r->ports.n)
        return true;
    for (size_t i = 0; i < r->ports.n; i++)
        if (r->ports.v[i] == port)
            return true;
    return false;
}

/* firewall.egress_rules on top of the domain decision (the name is already
 * trusted here): the first matching rule decides; with default_policy
 * deny, a destination no rule allows is refused. */
static bool firewall_allows(const struct policy *p, const char *host, uint16_t port)
{
    const struct fw_rule_list *rules = &p->firewall.egress;
    for (size_t i = 0; i < rules->n; i++) {
        const struct fw_rule *r = &rules->v[i];
        bool dest = !strcmp(r->endpoint, "trusted_domains") || !strcmp(r->endpoint, "any") ||
                    !strcmp(r->endpoint, host);
        if (dest && rule_port(r, port))
            return !strcmp(r->action, "allow");
    }
    return !rules->n || !p->firewall.default_policy ||
           strcmp(p->firewall.default_policy, "deny") != 0;
}

static const struct host_pin *find_pin(const struct policy *p, const char *name)
{
    for (size_t i = 0; i < p->network.n_hosts; i++)
        if (!strcmp(p->network.hosts[i].name, name))
            return &p->network.hosts[i];
    return NULL;
}

__attribute__((format(printf, 2, 3)))
static void deny(struct net_decision *d, const char *fmt, ...)
{
    d->allow = false;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->rule, sizeof d->rule, fmt, ap);
    va_end(ap);
}

void net_decide(struct net_policy *np, const char *host, uint16_t port, struct net_decision *d)
{
    const struct policy *p = np->policy;
    memset(d, 0, sizeof *d);
    const char *rule = NULL;
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%u", port);
    if (parse_literal(host, port, &d->addr, &d->addr_len)) {
        /* An address literal is trusted only by an IP or CIDR rule. */
        snprintf(d->host, sizeof d->host, "%s", host);
        enum domain_verdict v = domain_rules_match_ip(np->rules, (struct sockaddr *)&d->addr, &rule);
        if (v == DOMAIN_BLOCKED)
            return deny(d, "blocked_domains: %s", rule);
        if (v != DOMAIN_TRUSTED)
            return deny(d, "%s", "an IP address not in trusted_domains");
    } else {
        if (domain_normalize(host, d->host, sizeof d->host) < 0) {
            snprintf(d->host, sizeof d->host, "%.200s", host);
            return deny(d, "%s", "not a valid domain name");
        }
        enum domain_verdict v = domain_rules_match(np->rules, d->host, &rule);
        if (v == DOMAIN_BLOCKED)
            return deny(d, "blocked_domains: %s", rule);
        if (v != DOMAIN_TRUSTED)
            return deny(d, "%s", "not in trusted_domains");
        const struct host_pin *pin = find_pin(p, d->host);
        if (pin) {
            if (!parse_literal(pin->address, port, &d->addr, &d->addr_len))
                return deny(d, "%s", "network.hosts pin is not an address");
        } else {
            struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG};
            struct addrinfo *res = NULL;
            if (getaddrinfo(d->host, portbuf, &hints, &res) != 0 || !res)
                return deny(d, "%s", "the name does not resolve");
            memcpy(&d->addr, res->ai_addr, res->ai_addrlen);
            d->addr_len = res->ai_addrlen;
            freeaddrinfo(res);
            /* DNS rebinding: a trusted name that resolves to this host,
             * loopback, a private range or the metadata address. */
            const char *why = addr_special((struct sockaddr *)&d->addr);
            enum domain_verdict iv = domain_rules_match_ip(np->rules, (struct sockaddr *)&d->addr, NULL);
            if (why && iv != DOMAIN_TRUSTED)
                return deny(d, "resolves to a %s address (pin it in network.hosts to allow)", why);
        }
    }
    if (!port_allowed(p, port))
        return deny(d, "port %s not in allowed_ports.outbound", portbuf);
    if (!firewall_allows(p, d->host, port))
        return deny(d, "firewall.egress_rules: no rule allows %.200s on this port", d->host);
    const char *proto = port_protocol(port);
    if (proto && listed(&p->network.proto_denied, proto))
        return deny(d, "protocols.denied: %s (by its well-known port)", proto);
    if (!take_token(np))
        return deny(d, "%s", "rate_limiting: too many connections");
    d->allow = true;
    snprintf(d->rule, sizeof d->rule, "trusted_domains: %s", rule ? rule : d->host);
}
