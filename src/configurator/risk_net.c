/* Rules of the risk matrix: Network Intrusion and Data Exfiltration. */
#include <stdio.h>
#include <string.h>

#include "configurator/risk_internal.h"

static bool local_address(const char *a)
{
    static const char *const prefixes[] = {
        "127.", "10.", "192.168.", "169.254.", "0.", "::1", "::/", "fc", "fd", "fe80:",
        "::ffff:127.", NULL,
    };
    if (!strcmp(a, "localhost") || !strcmp(a, "::"))
        return true;
    for (size_t i = 0; prefixes[i]; i++)
        if (!strncmp(a, prefixes[i], strlen(prefixes[i])))
            return true;
    int second;
    return sscanf(a, "172.%d.", &second) == 1 && second >= 16 && second <= 31;
}

size_t risk_local_destinations(const struct policy *p, const char **first)
{
    size_t n = 0;
    *first = NULL;
    for (size_t i = 0; i < p->network.trusted.n; i++)
        if (local_address(p->network.trusted.v[i]) && n++ == 0)
            *first = p->network.trusted.v[i];
    for (size_t i = 0; i < p->network.n_hosts; i++)
        if (local_address(p->network.hosts[i].address) && n++ == 0)
            *first = p->network.hosts[i].name;
    return n;
}

size_t risk_wildcards(const struct policy *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->network.trusted.n; i++)
        n += p->network.trusted.v[i][0] == '*';
    return n;
}

static bool short_list(const struct policy *p)
{
    return p->network.trusted.n <= RISK_SHORT_ALLOW_LIST && !risk_wildcards(p);
}

static const char *const fix_list = "shorten network.trusted_domains to the names the task "
                                    "needs, without wildcards";

/* What this host does with the network mode: adds its likelihood. */
static void enforcement(const struct policy *p, const struct controls *c, struct risk_row *r)
{
    const char *item = p->network.mode == NET_MODE_NONE ? "mode none" : "mode filtered";
    const struct control *x = risk_control(c, "network", item);
    if (!x)
        return;
    if (x->state == CTL_STRICTER)
        risk_reason(r, RISK_LOW, NULL, "on this host network.mode %s is enforced more "
                    "strictly than asked (%s): %s", p->network.mode_word, x->layer,
                    x->detail ? x->detail : "");
    else if (x->state == CTL_ENFORCED)
        risk_reason(r, RISK_LOW, NULL, "network.mode %s is enforced here by the %s",
                    p->network.mode_word, x->layer);
    else
        risk_reason(r, risk_of_state(x->state), "run where user namespaces work, so that "
                    "the command gets its own network namespace",
                    "network.mode %s is %s here (%s): %s", p->network.mode_word,
                    control_state_name(x->state), x->layer, x->detail ? x->detail : "");
}

static void host_mode(struct risk_row *r, const char *what)
{
    risk_reason(r, RISK_HIGH, "use network.mode filtered with trusted_domains, or none",
                "network.mode host: the command shares the host's network; %s", what);
}

void risk_rules_network(const struct policy *p, const struct controls *c, struct risk_row *r)
{
    if (p->network.mode == NET_MODE_HOST) {
        host_mode(r, "it can listen on host ports and connect anywhere the host can");
        return;
    }
    if (p->network.mode == NET_MODE_NONE)
        risk_reason(r, RISK_LOW, NULL, "network.mode none: loopback only; nothing reaches "
                    "the command and it reaches nothing");
    enforcement(p, c, r);
    if (p->network.mode == NET_MODE_NONE)
        return;
    size_t n = p->network.trusted.n, w = risk_wildcards(p);
    if (short_list(p))
        risk_reason(r, RISK_LOW, NULL, "network.trusted_domains is a short allow-list "
                    "(%zu name(s), no wildcard)", n);
    else
        risk_reason(r, RISK_MEDIUM, fix_list, "network.trusted_domains: %zu names, %zu "
                    "wildcard(s): each is a server whose answers reach the command", n, w);
    if (p->network.in_ports.n)
        risk_reason(r, RISK_MEDIUM, "publish only the inbound ports in use",
                    "network.allowed_ports.inbound: %zu port(s) (first %u) accept "
                    "connections from the host's loopback", p->network.in_ports.n,
                    (unsigned)p->network.in_ports.v[0]);
    const char *local;
    if (risk_local_destinations(p, &local))
        risk_reason(r, RISK_MEDIUM, "remove loopback and private addresses from "
                    "trusted_domains and hosts",
                    "`%s` (trusted_domains/hosts) reaches the host's loopback or a private "
                    "network: local services on the allowed ports are reachable", local);
    if (!p->network.out_ports.n)
        risk_reason(r, RISK_MEDIUM, "list network.allowed_ports.outbound",
                    "network.allowed_ports.outbound is empty: every port of a trusted name");
    else
        risk_reason(r, RISK_LOW, NULL, "network.allowed_ports.outbound: %zu port(s); "
                    "blocked_domains: %zu; protocols denied: %zu", p->network.out_ports.n,
                    p->network.blocked.n, p->network.proto_denied.n);
}

void risk_rules_exfiltration(const struct policy *p, const struct controls *c,
                             const char *home, struct risk_row *r)
{
    const struct control *env = risk_control(c, "environment", "environment deny list");
    if (!p->environment.deny.n)
        risk_reason(r, RISK_MEDIUM, "keep the built-in environment.deny list",
                    "environment.deny is empty: tokens in the caller's environment are "
                    "handed to the command");
    else
        risk_reason(r, RISK_LOW, NULL, "environment.deny removes %zu patterns of secret "
                    "variables (%s)", p->environment.deny.n, env ? env->layer : "supervisor");
    if (p->network.mode == NET_MODE_HOST) {
        host_mode(r, "data can go anywhere");
        return;
    }
    if (p->network.mode == NET_MODE_NONE)
        risk_reason(r, RISK_LOW, NULL, "network.mode none: no path out of the sandbox");
    enforcement(p, c, r);
    if (p->network.mode == NET_MODE_NONE)
        return;
    size_t n = p->network.trusted.n, w = risk_wildcards(p);
    if (short_list(p))
        risk_reason(r, RISK_LOW, NULL, "network.trusted_domains: %zu name(s), no wildcard: "
                    "few places data can go", n);
    else
        risk_reason(r, RISK_MEDIUM, fix_list, "network.trusted_domains: %zu destinations, "
                    "%zu wildcard(s): each can receive data (a push, an upload, an API "
                    "request)", n, w);
    if (p->network.rate_enabled)
        risk_reason(r, RISK_LOW, NULL, "network.rate_limiting: %llu requests/minute (burst "
                    "%llu) slows a leak, it does not stop one",
                    (unsigned long long)p->network.rate_per_minute,
                    (unsigned long long)p->network.rate_burst);
    const char *first;
    if (risk_visible_secrets(p, home, &first))
        risk_reason(r, RISK_HIGH, "add the credential paths to file_system.denied_paths",
                    "`~/%s` is readable inside and the network has a way out", first);
}
