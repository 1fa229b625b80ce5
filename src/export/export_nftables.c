/* export nftables: the policy's egress rules in a table of their own.
 *
 * Which traffic: only sockets owned by the uids in the set @sandbox_uids
 * (meta skuid).  A uid match needs nothing else on the host (a cgroup
 * match needs the cgroup to exist when the rules load, a mark needs
 * something that sets it), and it can never turn into a host-wide default
 * drop: with the set empty, no rule matches anything.  The file replaces
 * only its own table (create, delete, define: atomic under nft -f). */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "export/export.h"
#include "util/log.h"

static bool is_v6(const char *s)
{
    return strchr(s, ':') != NULL;
}

static bool is_ip(const char *s)
{
    return is_v6(s) || (s[0] >= '0' && s[0] <= '9' && strspn(s, "0123456789./") == strlen(s));
}

static void set_def(FILE *out, const char *name, const struct str_list *l, bool v6)
{
    bool any = false;
    fprintf(out, "    set %s {\n        type %s\n        flags interval\n        auto-merge\n",
            name, v6 ? "ipv6_addr" : "ipv4_addr");
    for (size_t i = 0; i < l->n; i++) {
        if (!is_ip(l->v[i]) || is_v6(l->v[i]) != v6)
            continue;
        fprintf(out, "%s%s", any ? ", " : "        elements = { ", l->v[i]);
        any = true;
    }
    if (any)
        fputs(" }\n", out);
    fputs("    }\n", out);
}

static void ports(FILE *out, const struct port_list *pl)
{
    if (!pl->n)
        return;
    fputs(" th dport { ", out);
    for (size_t i = 0; i < pl->n; i++)
        fprintf(out, "%s%u", i ? ", " : "", pl->v[i]);
    fputs(" }", out);
}

static const char *const refused_v4[] = { "127.0.0.0/8", "0.0.0.0/8", "10.0.0.0/8",
    "100.64.0.0/10", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", NULL };
static const char *const refused_v6[] = { "::1/128", "::/128", "fe80::/10", "fc00::/7", NULL };

static void list_v(FILE *out, const char *const *v)
{
    for (size_t i = 0; v[i]; i++)
        fprintf(out, "%s%s", i ? ", " : "", v[i]);
}

/* One firewall rule when its endpoint is an address or a list keyword. */
static void fw_rule(FILE *out, const struct fw_rule *r, struct export_notes *n)
{
    const char *verdict = strcmp(r->action, "allow") == 0 ? "accept" : "drop";
    const char *e = r->endpoint;
    if (strcmp(e, "any") == 0) {
        fputs("        meta l4proto { tcp, udp }", out);
    } else if (strcmp(e, "trusted_domains") == 0 || strcmp(e, "blocked_domains") == 0) {
        const char *set = e[0] == 't' ? "trusted" : "blocked";
        fprintf(out, "        ip daddr @%s_v4", set);
        ports(out, &r->ports);
        fprintf(out, " %s\n        ip6 daddr @%s_v6", verdict, set);
    } else if (is_ip(e)) {
        fprintf(out, "        %s daddr %s", is_v6(e) ? "ip6" : "ip", e);
    } else {
        notes_add(n, "firewall rule for domain \"%s\" (nftables matches addresses only)", e);
        return;
    }
    ports(out, &r->ports);
    fprintf(out, " %s\n", verdict);
}

static void uid_elements(const struct export_ctx *x, FILE *out)
{
    if (!x->user_given || x->user[0] == '@')
        return;
    char *end;
    unsigned long uid = strtoul(x->user, &end, 10);
    if (!isdigit((unsigned char)x->user[0]) || *end) {
        struct passwd *pw = getpwnam(x->user);
        if (!pw)
            return;
        uid = pw->pw_uid;
    }
    fprintf(out, "        elements = { %lu }\n", uid);
}

int export_nftables(const struct export_ctx *x, FILE *out)
{
    const struct policy *p = x->p;
    struct export_notes n = { 0 };
    notes_common(&n, p, LACKS_DOMAINS | LACKS_RATE | LACKS_PROTOCOLS | LACKS_HOSTS |
                        LACKS_FS | LACKS_LIMITS | LACKS_TIMEOUT | LACKS_ENV | LACKS_AUDIT |
                        LACKS_SECCOMP | LACKS_TEMP_SIZE | LACKS_WS_SIZE);
    if (p->network.in_ports.n)
        notes_add(&n, "inbound ports: incoming packets carry no socket owner before the "
                  "socket is found, so they cannot be tied to the sandbox's uid");
    /* Render the rules first so that skipped firewall rules are noted. */
    char *rules = NULL;
    size_t rules_len = 0;
    FILE *r = open_memstream(&rules, &rules_len);
    if (!r)
        abort();
    for (size_t i = 0; i < p->firewall.egress.n; i++)
        fw_rule(r, &p->firewall.egress.v[i], &n);
    fclose(r);

    notes_print(out, &n, "#", "nftables");
    notes_free(&n);
    fprintf(out,
        "#\n"
        "# Scope: only sockets owned by the uids in @sandbox_uids (meta skuid) are\n"
        "# filtered; run the sandboxed program as a dedicated user and add its uid:\n"
        "#   nft add element inet %s sandbox_uids '{ UID }'\n"
        "# With the set empty nothing matches: this table never drops host traffic.\n"
        "# Domain names are not addresses: only IP and CIDR entries of the policy are\n"
        "# rules here; trusted names are reachable through `sandboxctl run` only.\n"
        "# Load: nft -f FILE (replaces the table %s and nothing else).\n\n",
        x->name, x->name);
    fprintf(out, "table inet %s\ndelete table inet %s\n\ntable inet %s {\n", x->name, x->name,
            x->name);
    fputs("    set sandbox_uids {\n        type uid\n", out);
    uid_elements(x, out);
    fputs("    }\n", out);
    set_def(out, "trusted_v4", &p->network.trusted, false);
    set_def(out, "trusted_v6", &p->network.trusted, true);
    set_def(out, "blocked_v4", &p->network.blocked, false);
    set_def(out, "blocked_v6", &p->network.blocked, true);
    fputs("\n    chain output {\n"
          "        type filter hook output priority filter; policy accept;\n"
          "        meta skuid @sandbox_uids jump sandbox_egress\n"
          "    }\n\n"
          "    chain sandbox_egress {\n", out);
    if (p->network.mode == NET_MODE_HOST) {
        fputs("        # network.mode \"host\": no network isolation asked for\n"
              "        accept\n    }\n}\n", out);
        free(rules);
        return 0;
    }
    fputs("        ct state established,related accept\n"
          "        ip daddr @blocked_v4 drop\n"
          "        ip6 daddr @blocked_v6 drop\n", out);
    if (p->network.mode == NET_MODE_FILTERED) {
        fputs("        # trusted addresses (named ones are allowed even in private ranges)\n"
              "        ip daddr @trusted_v4", out);
        ports(out, &p->network.out_ports);
        fputs(" accept\n        ip6 daddr @trusted_v6", out);
        ports(out, &p->network.out_ports);
        fputs(" accept\n", out);
    }
    fputs("        # loopback, link-local (cloud metadata) and private ranges\n        ip daddr { ", out);
    list_v(out, refused_v4);
    fputs(" } drop\n        ip6 daddr { ", out);
    list_v(out, refused_v6);
    fputs(" } drop\n", out);
    if (p->network.mode == NET_MODE_FILTERED && rules_len)
        fprintf(out, "        # firewall.egress_rules\n%s", rules);
    if (p->network.mode == NET_MODE_FILTERED && p->firewall.default_policy &&
        strcmp(p->firewall.default_policy, "allow") == 0)
        fputs("        # firewall.default_policy \"allow\"\n        accept\n", out);
    fputs("        meta l4proto tcp counter reject with tcp reset\n"
          "        counter reject with icmpx type admin-prohibited\n"
          "    }\n}\n", out);
    free(rules);
    return 0;
}
