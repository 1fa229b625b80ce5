/* Classes of destination addresses the network filter refuses unless the
 * policy names them, and a small IP address value shared with the domain
 * matcher's IP/CIDR rules. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An IPv4 or IPv6 address; IPv4 lives in b[0..3]. */
struct net_ip {
    int family;       /* AF_INET or AF_INET6 */
    uint8_t b[16];
};

/* Copy the address of an AF_INET/AF_INET6 sockaddr, folding an
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) into IPv4. Returns 0, or
 * -EAFNOSUPPORT for any other family (or a NULL sa). */
int net_ip_from_sockaddr(const struct sockaddr *sa, struct net_ip *out);
/* Whether a lies inside net/prefix (same family; prefix <= 32 or 128). */
bool net_ip_in_prefix(const struct net_ip *a, const struct net_ip *net, unsigned prefix);

/* Destinations refused unless the policy names them: loopback (127/8, ::1),
 * link-local (169.254/16 incl. the 169.254.169.254 metadata address,
 * fe80::/10), private (10/8, 172.16/12, 192.168/16, fc00::/7, fec0::/10),
 * CGNAT 100.64/10, unspecified (0/8, ::), multicast, broadcast, reserved
 * 240/4, IPv4-mapped, NAT64 (64:ff9b::/96) and 6to4 (2002::/16) IPv6
 * addresses embedding any of these, and the host's own interface addresses
 * (getifaddrs, refreshed at most every few seconds). Returns NULL when the
 * address is ordinary, else a short static reason such as "loopback",
 * "link-local (cloud metadata)", "private" or "this host's own address".
 * Thread-safe. */
const char *addr_special(const struct sockaddr *sa);

/* Whether sa is one of the host's own interface addresses (the cached
 * getifaddrs set; IPv4-mapped IPv6 folded). */
bool addr_is_own(const struct sockaddr *sa);

/* Tests only: replace the own-address set with these n addresses (and stop
 * refreshing it from getifaddrs); n == 0 with NULL goes back to getifaddrs. */
void addr_own_override(const struct net_ip *ips, size_t n);
