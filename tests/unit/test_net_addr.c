/* addr_special: every class of destination refused unless the policy
 * names it, IPv4-mapped and embedding IPv6 forms, the host's own
 * addresses. Addresses are data only: nothing is connected to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "net/addr_class.h"

static struct sockaddr_storage sa_of(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
        in->sin_port = htons(443);
    } else {
        assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(443);
    }
    return ss;
}

static void assert_special(const char *ip, const char *want)
{
    struct sockaddr_storage ss = sa_of(ip);
    const char *got = addr_special((struct sockaddr *)&ss);
    if (!want && got)
        fail_msg("%s: \"%s\", want ordinary", ip, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("%s: \"%s\", want \"%s\"", ip, got ? got : "(ordinary)", want);
}

/* A public address the test pretends the host owns, and one it does not. */
static const char *const own_public = "198.51.100.7";
static const char *const own_public6 = "2001:db8:77::7";

static int setup_own(void **state)
{
    (void)state;
    struct net_ip ips[2] = { { .family = AF_INET }, { .family = AF_INET6 } };
    inet_pton(AF_INET, own_public, ips[0].b);
    inet_pton(AF_INET6, own_public6, ips[1].b);
    addr_own_override(ips, 2);
    return 0;
}

static int teardown_own(void **state)
{
    (void)state;
    addr_own_override(NULL, 0);
    return 0;
}

static void test_ipv4_classes(void **state)
{
    (void)state;
    assert_special("127.0.0.1", "loopback");
    assert_special("127.255.0.9", "loopback");
    assert_special("169.254.169.254", "link-local (cloud metadata)");
    assert_special("169.254.170.2", "link-local (cloud metadata)");
    assert_special("169.254.1.1", "link-local");
    assert_special("10.0.0.1", "private");
    assert_special("10.255.255.255", "private");
    assert_special("172.16.0.1", "private");
    assert_special("172.31.255.254", "private");
    assert_special("172.15.255.255", NULL);
    assert_special("172.32.0.1", NULL);
    assert_special("192.168.1.1", "private");
    assert_special("192.169.0.1", NULL);
    assert_special("100.64.0.1", "shared address space (CGNAT)");
    assert_special("100.127.255.255", "shared address space (CGNAT)");
    assert_special("100.128.0.1", NULL);
    assert_special("100.63.255.255", NULL);
    assert_special("100.100.100.200", "shared address space (cloud metadata)");
    assert_special("0.0.0.0", "unspecified");
    assert_special("0.1.2.3", "unspecified");
    assert_special("224.0.0.1", "multicast");
    assert_special("239.255.255.250", "multicast");
    assert_special("255.255.255.255", "broadcast");
    assert_special("240.0.0.1", "reserved");
    assert_special("93.184.216.34", NULL);
    assert_special("8.8.8.8", NULL);
    assert_special("1.1.1.1", NULL);
}

static void test_ipv6_classes(void **state)
{
    (void)state;
    assert_special("::1", "loopback");
    assert_special("::", "unspecified");
    assert_special("fe80::1", "link-local");
    assert_special("febf::1", "link-local");
    assert_special("fec0::1", "private (site-local)");
    assert_special("fc00::1", "private");
    assert_special("fd12:3456::1", "private");
    assert_special("fd00:ec2::254", "private (cloud metadata)");
    assert_special("ff02::1", "multicast");
    assert_special("::7f00:1", "reserved (IPv4-compatible)");
    assert_special("2606:2800:220:1:248:1893:25c8:1946", NULL);
    assert_special("2001:4860:4860::8888", NULL);
}

static void test_ipv6_embedding_ipv4(void **state)
{
    (void)state;
    /* IPv4-mapped: classified as the IPv4 address. */
    assert_special("::ffff:127.0.0.1", "loopback");
    assert_special("::ffff:169.254.169.254", "link-local (cloud metadata)");
    assert_special("::ffff:10.1.2.3", "private");
    assert_special("::ffff:192.168.0.1", "private");
    assert_special("::ffff:100.64.0.1", "shared address space (CGNAT)");
    assert_special("::ffff:0.0.0.0", "unspecified");
    assert_special("::ffff:255.255.255.255", "broadcast");
    assert_special("::ffff:93.184.216.34", NULL);
    /* NAT64 and 6to4 forms of special IPv4 addresses. */
    assert_special("64:ff9b::7f00:1", "IPv6 embedding a special IPv4 address");
    assert_special("64:ff9b::a9fe:a9fe", "IPv6 embedding a special IPv4 address");
    assert_special("2002:c0a8:0101::1", "IPv6 embedding a special IPv4 address");
    assert_special("64:ff9b::5db8:d822", NULL);   /* 93.184.216.34 */
    assert_special("2002:5db8:d822::1", NULL);
}

static void test_own_addresses(void **state)
{
    (void)state;
    assert_special(own_public, "this host's own address");
    assert_special(own_public6, "this host's own address");
    assert_special("::ffff:198.51.100.7", "this host's own address");
    assert_special("198.51.100.8", NULL);
    /* A special class is reported before ownership. */
    struct net_ip lo = { .family = AF_INET, .b = { 127, 0, 0, 1 } };
    addr_own_override(&lo, 1);
    assert_special("127.0.0.1", "loopback");
    assert_special(own_public, NULL);
    setup_own(state);
}

static void test_own_from_getifaddrs(void **state)
{
    (void)state;
    addr_own_override(NULL, 0);
    struct ifaddrs *list;
    assert_int_equal(getifaddrs(&list), 0);
    size_t seen = 0;
    for (struct ifaddrs *ifa = list; ifa; ifa = ifa->ifa_next) {
        if (!ifa->ifa_addr || (ifa->ifa_addr->sa_family != AF_INET &&
                               ifa->ifa_addr->sa_family != AF_INET6))
            continue;
        assert_true(addr_is_own(ifa->ifa_addr));
        assert_non_null(addr_special(ifa->ifa_addr));
        seen++;
    }
    freeifaddrs(list);
    assert_true(seen > 0); /* at least loopback */
    struct sockaddr_storage ss = sa_of("93.184.216.34");
    assert_false(addr_is_own((struct sockaddr *)&ss));
    setup_own(state);
}

static void test_not_ip(void **state)
{
    (void)state;
    struct sockaddr_storage ss = { .ss_family = AF_UNIX };
    assert_string_equal(addr_special((struct sockaddr *)&ss), "not an IP address");
    assert_string_equal(addr_special(NULL), "not an IP address");
    struct net_ip ip;
    assert_int_not_equal(net_ip_from_sockaddr((struct sockaddr *)&ss, &ip), 0);
}

static void test_prefix(void **state)
{
    (void)state;
    struct net_ip net = { .family = AF_INET, .b = { 172, 16 } };
    struct net_ip a = { .family = AF_INET, .b = { 172, 31, 1, 1 } };
    struct net_ip b6 = { .family = AF_INET6, .b = { 172, 31, 1, 1 } };
    assert_true(net_ip_in_prefix(&a, &net, 12));
    assert_false(net_ip_in_prefix(&a, &net, 13));
    assert_true(net_ip_in_prefix(&a, &net, 0));
    assert_false(net_ip_in_prefix(&a, &net, 33));
    assert_false(net_ip_in_prefix(&b6, &net, 0)); /* families differ */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_classes),
        cmocka_unit_test(test_ipv6_classes),
        cmocka_unit_test(test_ipv6_embedding_ipv4),
        cmocka_unit_test(test_own_addresses),
        cmocka_unit_test(test_own_from_getifaddrs),
        cmocka_unit_test(test_not_ip),
        cmocka_unit_test(test_prefix),
    };
    return cmocka_run_group_tests(tests, setup_own, teardown_own);
}
