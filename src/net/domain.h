/* The domain matcher: trusted / blocked domain patterns of the policy
 * (exact names, "*.suffix" wildcards, IP literals and CIDRs), and the
 * normalisation of names as they arrive from the wire. */
#pragma once
#include <stddef.h>
#include <sys/socket.h>

struct domain_rules;

enum domain_verdict { DOMAIN_UNLISTED, DOMAIN_TRUSTED, DOMAIN_BLOCKED };

/* Longest normalised name, and the out buffer size that always fits one. */
#define DOMAIN_NAME_MAX 253
#define DOMAIN_BUF_SIZE 256

/* Build from the policy's lists (patterns as validated by the policy
 * loader: lower case, no trailing dot, "*.suffix", IPv4/IPv6 literals or
 * CIDRs). Domain patterns are normalised again (case, trailing dot, IDNA),
 * so a list from elsewhere works too; a pattern that cannot be a name is
 * kept verbatim (lower-cased) and so never matches a normalised name.
 * Duplicates are fine. Returns NULL on OOM only. Hash sets of exact names
 * and of wildcard suffixes: a 1 M-entry list builds in well under 1 s. */
struct domain_rules *domain_rules_build(const char *const *trusted, size_t n_trusted,
                                        const char *const *blocked, size_t n_blocked);

/* Normalise a name as it arrives from the wire (SNI, Host, CONNECT, SOCKS,
 * DNS): lower-case ASCII, strip one trailing dot, convert U-labels to
 * A-labels (IDNA2008, UTS #46 non-transitional mapping, via libidn2),
 * check every "xn--" label round-trips and does not mix scripts (Latin
 * with Cyrillic, ...: UTS #39 "highly restrictive"), reject empty labels,
 * labels > 63, names > 253 and characters outside [a-z0-9-_.].
 * An IPv4 literal passes (it is made of those characters); an IPv6
 * literal does not: check for IP literals before calling this.
 * Returns 0 with the name in out, -EINVAL when the name is not acceptable,
 * -ENOSPC when out (size) cannot hold it (DOMAIN_BUF_SIZE always can). */
int domain_normalize(const char *in, char *out, size_t size);

/* The verdict for a normalised name: blocked beats trusted; "*.x.com"
 * matches every sub-domain of x.com but not x.com itself and never
 * "evilx.com"; an exact rule matches only that name. IP-literal and CIDR
 * rules are not domains: see domain_rules_match_ip. `rule` (may be NULL)
 * receives the pattern that decided (the most specific blocked one, else
 * the most specific trusted one; NULL when unlisted); it lives as long as
 * r. One pass over name; per label suffix, a Bloom-filter test and, when
 * it passes, one hash probe (cache misses of all suffixes overlap). */
enum domain_verdict domain_rules_match(const struct domain_rules *r, const char *name,
                                       const char **rule);

/* The verdict for an address against the IP-literal and CIDR rules
 * (blocked beats trusted; an IPv4-mapped IPv6 address is matched as
 * IPv4, and so is a rule written as ::ffff:a.b.c.d[/96+n]). `rule` as
 * above (the longest matching prefix). Linear in the number of IP rules. */
enum domain_verdict domain_rules_match_ip(const struct domain_rules *r, const struct sockaddr *sa,
                                          const char **rule);

/* Counts, for diagnostics and the benchmark. */
size_t domain_rules_count(const struct domain_rules *r, size_t *n_ip_rules);

void domain_rules_free(struct domain_rules *r);
