/* The filtering network's decision for one outbound connection: domain
 * lists, the address it resolves to, the port, the rate limit. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "policy/policy.h"

struct domain_rules;

struct net_policy {
    const struct policy *policy;
    struct domain_rules *rules;
    double tokens;          /* rate limit: token bucket over new connections */
    double last_refill;     /* seconds, CLOCK_MONOTONIC */
};

struct net_decision {
    bool allow;
    char host[256];         /* normalised name, or the address as text */
    char rule[300];         /* what decided: the matching pattern or the reason */
    struct sockaddr_storage addr; /* where to connect, when allowed */
    socklen_t addr_len;
};

int net_policy_init(struct net_policy *np, const struct policy *p);
void net_policy_free(struct net_policy *np);
/* Decide on host (a name or an address literal) and port. Resolves names
 * (a network.hosts pin first) and refuses special destinations (loopback,
 * link-local, private, this host) unless the policy names them. */
void net_decide(struct net_policy *np, const char *host, uint16_t port, struct net_decision *d);
/* The protocol sniffed from the client's first bytes (a sniff.h value),
 * against protocols.allowed/denied. NULL when allowed, else why not. */
const char *net_protocol_refusal(const struct net_policy *np, int sniffed_proto);
