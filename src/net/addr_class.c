/* Special destination addresses: loopback, link-local, private ranges,
 * multicast, ... and the host's own interface addresses. */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/addr_class.h"

#define OWN_REFRESH_SECONDS 5

int net_ip_from_sockaddr(const struct sockaddr *sa, struct net_ip *out)
{
    static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    memset(out, 0, sizeof *out);
    if (sa && sa->sa_family == AF_INET) {
        struct sockaddr_in in;
        memcpy(&in, sa, sizeof in);
        out->family = AF_INET;
        memcpy(out->b, &in.sin_addr, 4);
        return 0;
    }
    if (sa && sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof in6);
        const uint8_t *a = in6.sin6_addr.s6_addr;
        if (memcmp(a, mapped, sizeof mapped) == 0) {
            out->family = AF_INET;
            memcpy(out->b, a + 12, 4);
        } else {
            out->family = AF_INET6;
            memcpy(out->b, a, 16);
        }
        return 0;
    }
    return -EAFNOSUPPORT;
}

bool net_ip_in_prefix(const struct net_ip *a, const struct net_ip *net, unsigned prefix)
{
    unsigned bits = a->family == AF_INET ? 32 : 128;
    if (a->family != net->family || prefix > bits)
        return false;
    unsigned full = prefix / 8, rest = prefix % 8;
    if (memcmp(a->b, net->b, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->b[full] & mask) == (net->b[full] & mask);
}

/* ---- fixed ranges ---- */

struct range4 {
    uint32_t net;
    unsigned prefix;
    const char *why;
};

/* Most specific first: the first match gives the reason. */
static const struct range4 ranges4[] = {
    { 0xa9fea9feu, 32, "link-local (cloud metadata)" },    /* 169.254.169.254 */
    { 0xa9feaa02u, 32, "link-local (cloud metadata)" },    /* 169.254.170.2 (ECS) */
    { 0x646464c8u, 32, "shared address space (cloud metadata)" }, /* 100.100.100.200 */
    { 0xffffffffu, 32, "broadcast" },
    { 0x00000000u, 8, "unspecified" },
    { 0x7f000000u, 8, "loopback" },
    { 0xa9fe0000u, 16, "link-local" },
    { 0x0a000000u, 8, "private" },
    { 0xac100000u, 12, "private" },
    { 0xc0a80000u, 16, "private" },
    { 0x64400000u, 10, "shared address space (CGNAT)" },
    { 0xe0000000u, 4, "multicast" },
    { 0xf0000000u, 4, "reserved" },
};

static const char *special4(const uint8_t b[4])
{
    uint32_t a = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    for (size_t i = 0; i < sizeof ranges4 / sizeof ranges4[0]; i++) {
        const struct range4 *r = &ranges4[i];
        uint32_t mask = r->prefix ? ~0u << (32 - r->prefix) : 0;
        if ((a & mask) == r->net)
            return r->why;
    }
    return NULL;
}

struct range6 {
    uint8_t net[16];
    unsigned prefix;
    const char *why;
};

static const struct range6 ranges6[] = {
    { { 0 }, 128, "unspecified" },
    { { [15] = 1 }, 128, "loopback" },
    { { 0xfd, 0x00, 0x0e, 0xc2, [14] = 0x02, [15] = 0x54 }, 128, "private (cloud metadata)" }, /* fd00:ec2::254 */
    { { 0xfe, 0x80 }, 10, "link-local" },
    { { 0xfe, 0xc0 }, 10, "private (site-local)" },
    { { 0xfc }, 7, "private" },
    { { 0xff }, 8, "multicast" },
    { { 0 }, 96, "reserved (IPv4-compatible)" },
};

/* IPv6 forms that carry an IPv4 address a relay would dial: NAT64
 * 64:ff9b::/96 (last 32 bits) and 6to4 2002::/16 (bits 16..47). */
static bool embedded_v4(const uint8_t b[16], uint8_t v4[4])
{
    static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
    if (memcmp(b, nat64, sizeof nat64) == 0) {
        memcpy(v4, b + 12, 4);
        return true;
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
        memcpy(v4, b + 2, 4);
        return true;
    }
    return false;
}

static const char *special6(const uint8_t b[16])
{
    struct net_ip a = { .family = AF_INET6 };
    memcpy(a.b, b, 16);
    for (size_t i = 0; i < sizeof ranges6 / sizeof ranges6[0]; i++) {
        struct net_ip net = { .family = AF_INET6 };
        memcpy(net.b, ranges6[i].net, 16);
        if (net_ip_in_prefix(&a, &net, ranges6[i].prefix))
            return ranges6[i].why;
    }
    uint8_t v4[4];
    if (embedded_v4(b, v4) && special4(v4))
        return "IPv6 embedding a special IPv4 address";
    return NULL;
}

/* ---- the host's own addresses ---- */

static struct {
    pthread_mutex_t lock;
    struct net_ip *ips;
    size_t n;
    time_t loaded;      /* CLOCK_MONOTONIC seconds; 0 = never */
    bool overridden;
} own = { .lock = PTHREAD_MUTEX_INITIALIZER };

static time_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1; /* never 0 */
}

static size_t count_ifaddrs(const struct ifaddrs *ifa)
{
    size_t n = 0;
    for (; ifa; ifa = ifa->ifa_next)
        n++;
    return n;
}

/* Replace the cached set with getifaddrs(); keep the old one on failure. */
static void own_reload_locked(void)
{
    struct ifaddrs *list;
    if (getifaddrs(&list) < 0)
        return;
    struct net_ip *ips = calloc(count_ifaddrs(list) + 1, sizeof *ips);
    if (!ips) {
        freeifaddrs(list);
        return;
    }
    size_t n = 0;
    for (const struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next)
        if (net_ip_from_sockaddr(ifa->ifa_addr, &ips[n]) == 0)
            n++;
    freeifaddrs(list);
    free(own.ips);
    own.ips = ips;
    own.n = n;
}

static bool own_contains_locked(const struct net_ip *a)
{
    for (size_t i = 0; i < own.n; i++)
        if (own.ips[i].family == a->family &&
            memcmp(own.ips[i].b, a->b, a->family == AF_INET ? 4 : 16) == 0)
            return true;
    return false;
}

static bool ip_is_own(const struct net_ip *a)
{
    pthread_mutex_lock(&own.lock);
    time_t now = mono_now();
    if (!own.overridden && (own.loaded == 0 || now - own.loaded >= OWN_REFRESH_SECONDS)) {
        own_reload_locked();
        own.loaded = now;
    }
    bool found = own_contains_locked(a);
    pthread_mutex_unlock(&own.lock);
    return found;
}

bool addr_is_own(const struct sockaddr *sa)
{
    struct net_ip a;
    return net_ip_from_sockaddr(sa, &a) == 0 && ip_is_own(&a);
}

void addr_own_override(const struct net_ip *ips, size_t n)
{
    pthread_mutex_lock(&own.lock);
    free(own.ips);
    own.ips = NULL;
    own.n = 0;
    own.loaded = 0;
    own.overridden = ips != NULL;
    if (ips && n) {
        own.ips = calloc(n, sizeof *ips);
        if (own.ips) {
            memcpy(own.ips, ips, n * sizeof *ips);
            own.n = n;
        }
    }
    pthread_mutex_unlock(&own.lock);
}

const char *addr_special(const struct sockaddr *sa)
{
    struct net_ip a;
    if (net_ip_from_sockaddr(sa, &a) < 0)
        return "not an IP address";
    const char *why = a.family == AF_INET ? special4(a.b) : special6(a.b);
    if (why)
        return why;
    if (ip_is_own(&a))
        return "this host's own address";
    return NULL;
}
