/* The DNS message reader/writer of the DNS filter: queries, error replies,
 * answers with CNAME chains, compression pointers and the limits of names.
 * The real_* messages were captured from dnsmasq 2.90 (glibc's resolver
 * and a python client as the senders), loopback only, in a private
 * network namespace:
 *   dnsmasq --host-record=x.test,1.2.3.4,2001:db8::4 --cname=www.x.test,x.test
 *           --cname=a.www.x.test,www.x.test --address=/blocked.test/
 *           --local-ttl=300 --no-resolv ... */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/dns_msg.h"

static const uint8_t real_query_edns[] = {
    0x45, 0xb9, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x01, 0x61, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xb0, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t real_resp_chain_a[] = {
    0x45, 0xb9, 0x85, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
    0x01, 0x61, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x0c, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78,
    0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x2a, 0x00, 0x05, 0x00, 0x01,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0xc0, 0x42, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
    0x00, 0x04, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t real_resp_chain_aaaa[] = {
    0x27, 0xbb, 0x85, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
    0x01, 0x61, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0x00, 0x1c, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x0c, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78,
    0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x2a, 0x00, 0x05, 0x00, 0x01,
    0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0xc0, 0x42, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
    0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t real_resp_mixed_case[] = {
    0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x03, 0x57, 0x57, 0x57, 0x01, 0x58, 0x04, 0x54, 0x65, 0x73, 0x74, 0x00,
    0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00,
    0x01, 0x2c, 0x00, 0x08, 0x01, 0x78, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00,
    0xc0, 0x28, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x04,
    0x01, 0x02, 0x03, 0x04,
};
static const uint8_t real_resp_refused[] = {
    0x4b, 0x2c, 0x81, 0x85, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x08, 0x6e, 0x6f, 0x6e, 0x65, 0x78, 0x69, 0x73, 0x74, 0x04, 0x74, 0x65,
    0x73, 0x74, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x00, 0x0f, 0x00, 0x02, 0x00, 0x0e,
};
static const uint8_t real_resp_nxdomain[] = {
    0x12, 0x36, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x07, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x65, 0x64, 0x04, 0x74, 0x65, 0x73,
    0x74, 0x00, 0x00, 0x01, 0x00, 0x01,
};
static const uint8_t real_tcp_resp[] = {
    0x00, 0x5a, 0x43, 0x21, 0x85, 0x80, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x61, 0x03, 0x77, 0x77, 0x77, 0x01, 0x78, 0x04, 0x74,
    0x65, 0x73, 0x74, 0x00, 0x00, 0x01, 0x00, 0x01, 0xc0, 0x0c, 0x00, 0x05,
    0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x0c, 0x03, 0x77, 0x77, 0x77,
    0x01, 0x78, 0x04, 0x74, 0x65, 0x73, 0x74, 0x00, 0xc0, 0x2a, 0x00, 0x05,
    0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x08, 0x01, 0x78, 0x04, 0x74,
    0x65, 0x73, 0x74, 0x00, 0xc0, 0x42, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0x01, 0x2c, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04,
};

/* ---- a small message builder for hand-made messages ---- */

struct mb {
    uint8_t b[2048];
    size_t n;
};

static void mb_u8(struct mb *m, uint8_t v)
{
    assert_true(m->n < sizeof m->b);
    m->b[m->n++] = v;
}

static void mb_u16(struct mb *m, uint16_t v)
{
    mb_u8(m, (uint8_t)(v >> 8));
    mb_u8(m, (uint8_t)v);
}

static void mb_u32(struct mb *m, uint32_t v)
{
    mb_u16(m, (uint16_t)(v >> 16));
    mb_u16(m, (uint16_t)v);
}

static void mb_bytes(struct mb *m, const void *p, size_t n)
{
    assert_true(n <= sizeof m->b - m->n);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void mb_header(struct mb *m, uint16_t id, uint16_t flags, uint16_t qd,
                      uint16_t an, uint16_t ns, uint16_t ar)
{
    m->n = 0;
    mb_u16(m, id);
    mb_u16(m, flags);
    mb_u16(m, qd);
    mb_u16(m, an);
    mb_u16(m, ns);
    mb_u16(m, ar);
}

/* Append a name, uncompressed; returns its offset. */
static size_t mb_name(struct mb *m, const char *name)
{
    size_t at = m->n;
    int r = dns_encode_name(name, m->b + m->n, sizeof m->b - m->n);
    assert_true(r > 0);
    m->n += (size_t)r;
    return at;
}

static void mb_ptr(struct mb *m, size_t off)
{
    mb_u16(m, (uint16_t)(0xc000 | off));
}

static void mb_question(struct mb *m, const char *name, uint16_t type)
{
    mb_name(m, name);
    mb_u16(m, type);
    mb_u16(m, DNS_CLASS_IN);
}

/* Type, class, TTL of a record whose owner was just appended. */
static void mb_rr_fixed(struct mb *m, uint16_t type, uint32_t ttl)
{
    mb_u16(m, type);
    mb_u16(m, DNS_CLASS_IN);
    mb_u32(m, ttl);
}

static void mb_a(struct mb *m, const char *owner, uint32_t ttl,
                 const char *ip)
{
    uint8_t a[4];
    assert_int_equal(inet_pton(AF_INET, ip, a), 1);
    mb_name(m, owner);
    mb_rr_fixed(m, DNS_TYPE_A, ttl);
    mb_u16(m, 4);
    mb_bytes(m, a, 4);
}

static void mb_cname(struct mb *m, const char *owner, uint32_t ttl,
                     const char *target)
{
    uint8_t w[256];
    int n = dns_encode_name(target, w, sizeof w);
    assert_true(n > 0);
    mb_name(m, owner);
    mb_rr_fixed(m, DNS_TYPE_CNAME, ttl);
    mb_u16(m, (uint16_t)n);
    mb_bytes(m, w, (size_t)n);
}

/* ---- collecting answers ---- */

struct got {
    size_t n;
    struct {
        char ip[INET6_ADDRSTRLEN];
        char owner[256];
        uint32_t ttl;
    } a[16];
};

static void collect(const struct dns_answer *a, void *data)
{
    struct got *g = data;
    assert_true(g->n < 16);
    inet_ntop(a->family, &a->addr, g->a[g->n].ip, sizeof g->a[g->n].ip);
    snprintf(g->a[g->n].owner, sizeof g->a[g->n].owner, "%s", a->owner);
    g->a[g->n].ttl = a->ttl;
    g->n++;
}

static bool has(const struct got *g, const char *ip, const char *owner)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->a[i].ip, ip) == 0 && strcmp(g->a[i].owner, owner) == 0)
            return true;
    return false;
}

static struct dns_question question(uint16_t id, const char *name,
                                    uint16_t type)
{
    struct dns_question q = { .id = id, .qtype = type,
                              .qclass = DNS_CLASS_IN, .flags = DNS_FLAG_RD };
    snprintf(q.name, sizeof q.name, "%s", name);
    return q;
}

/* A label of n copies of c. */
static void label(char *out, size_t n, char c)
{
    memset(out, c, n);
    out[n] = '\0';
}

/* ---- queries ---- */

static void test_query_round_trip(void **state)
{
    (void)state;
    uint8_t buf[512];
    struct dns_question q;
    int n = dns_build_query(0xbeef, "www.Example.COM.", DNS_TYPE_AAAA, buf,
                            sizeof buf);
    assert_int_equal(n, 12 + 17 + 4);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
    assert_int_equal(q.id, 0xbeef);
    assert_int_equal(q.qtype, DNS_TYPE_AAAA);
    assert_int_equal(q.qclass, DNS_CLASS_IN);
    assert_true(q.flags & DNS_FLAG_RD);
    assert_string_equal(q.name, "www.example.com");

    assert_int_equal(dns_build_query(1, "a..b", 1, buf, sizeof buf), -EINVAL);
    assert_int_equal(dns_build_query(1, "example.com", 1, buf, 20), -ENOSPC);
    assert_int_equal(dns_build_query(1, "example.com", 1, buf, 8), -ENOSPC);
}

static void test_query_root_and_real(void **state)
{
    (void)state;
    uint8_t buf[64];
    struct dns_question q;
    int n = dns_build_query(7, "", 2, buf, sizeof buf);
    assert_int_equal(n, 17);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
    assert_string_equal(q.name, "");
    assert_int_equal(dns_build_query(7, ".", 2, buf, sizeof buf), 17);

    /* glibc's query with an EDNS OPT record in the additional section. */
    assert_int_equal(dns_parse_query(real_query_edns, sizeof real_query_edns,
                                     &q), 0);
    assert_string_equal(q.name, "a.www.x.test");
    assert_int_equal(q.id, 0x45b9);
    assert_int_equal(q.qtype, DNS_TYPE_A);
}

static void test_query_upper_case_folded(void **state)
{
    (void)state;
    static const uint8_t msg[] = {
        0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 3, 'W', 'w', 'W', 7, 'G', 'i', 't', 'H', 'u', 'B', '_', 3,
        'C', 'O', 'M', 0, 0x00, 0x01, 0x00, 0x01,
    };
    struct dns_question q;
    assert_int_equal(dns_parse_query(msg, sizeof msg, &q), 0);
    assert_string_equal(q.name, "www.github_.com");
}

static void test_query_not_a_query(void **state)
{
    (void)state;
    struct mb m;
    struct dns_question q;

    mb_header(&m, 1, 0x0100, 2, 0, 0, 0);       /* two questions */
    mb_question(&m, "a.com", 1);
    mb_question(&m, "b.com", 1);
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EPROTO);

    mb_header(&m, 1, 0x0100, 0, 0, 0, 0);       /* none */
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EPROTO);

    mb_header(&m, 1, 0x8100, 1, 0, 0, 0);       /* QR=1 */
    mb_question(&m, "a.com", 1);
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EPROTO);

    mb_header(&m, 1, 0x2900, 1, 0, 0, 0);       /* opcode 5, UPDATE */
    mb_question(&m, "a.com", 1);
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EPROTO);

    mb_header(&m, 1, 0x0100, 1, 1, 0, 0);       /* an answer in a query */
    mb_question(&m, "a.com", 1);
    mb_a(&m, "a.com", 1, "1.2.3.4");
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EPROTO);

    assert_int_equal(dns_parse_query(NULL, 0, &q), -EINVAL);
    assert_int_equal(dns_parse_query(m.b, 11, &q), -EINVAL);
}

static void test_query_truncated(void **state)
{
    (void)state;
    uint8_t buf[512];
    struct dns_question q;
    int n = dns_build_query(9, "www.example.com", 1, buf, sizeof buf);
    assert_true(n > 0);
    for (int len = 0; len < n; len++)
        assert_int_equal(dns_parse_query(buf, (size_t)len, &q), -EINVAL);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
}

static void test_label_63_ok_64_rejected(void **state)
{
    (void)state;
    char l63[64], l64[65], name[200];
    uint8_t buf[512];
    struct dns_question q;

    label(l63, 63, 'a');
    label(l64, 64, 'b');
    snprintf(name, sizeof name, "%s.com", l63);
    int n = dns_build_query(1, name, 1, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
    assert_string_equal(q.name, name);

    snprintf(name, sizeof name, "%s.com", l64);
    assert_int_equal(dns_encode_name(name, buf, sizeof buf), -EINVAL);

    /* On the wire a length of 64 is 0x40: the reserved extended type. */
    struct mb m;
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    mb_u8(&m, 64);
    mb_bytes(&m, l64, 64);
    mb_u8(&m, 0);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EINVAL);
}

/* A name of exactly `wire` octets on the wire: labels of 63 and a last
 * label to make up the length. */
static void name_of_wire_len(char *out, size_t wire)
{
    size_t left = wire - 1, o = 0;
    while (left > 0) {
        size_t n = left - 1 > 63 ? 63 : left - 1;
        if (left - (n + 1) == 1)        /* never leave a 0-length label */
            n--;
        if (o)
            out[o++] = '.';
        memset(out + o, 'a' + (char)(left % 26), n);
        o += n;
        left -= n + 1;
    }
    out[o] = '\0';
}

static void test_name_255_limit(void **state)
{
    (void)state;
    char name[300];
    uint8_t buf[600];
    struct dns_question q;

    name_of_wire_len(name, 255);
    assert_int_equal(strlen(name), 253);
    assert_int_equal(dns_encode_name(name, buf, sizeof buf), 255);
    int n = dns_build_query(3, name, 1, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
    assert_string_equal(q.name, name);

    /* 256 octets: refused by the encoder and by the parser. */
    name_of_wire_len(name, 256);
    assert_int_equal(strlen(name), 254);
    assert_int_equal(dns_encode_name(name, buf, sizeof buf), -EINVAL);
    struct mb m;
    mb_header(&m, 1, 0x0100, 1, 0, 0, 0);
    for (const char *p = name; *p;) {
        size_t l = strcspn(p, ".");
        mb_u8(&m, (uint8_t)l);
        mb_bytes(&m, p, l);
        p += l + (p[l] == '.');
    }
    mb_u8(&m, 0);
    mb_u16(&m, 1);
    mb_u16(&m, 1);
    assert_int_equal(dns_parse_query(m.b, m.n, &q), -EINVAL);
}

static void test_name_bad_bytes(void **state)
{
    (void)state;
    struct dns_question q;
    uint8_t buf[64];
    /* One label "a.b": would read as two labels if let through. */
    static const uint8_t dot[] = {
        0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        3, 'a', '.', 'b', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
    };
    static const uint8_t space[] = {
        0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        3, 'a', ' ', 'b', 0, 0, 1, 0, 1,
    };
    static const uint8_t high[] = {
        0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0,
        2, 0xc3, 0xa9, 0, 0, 1, 0, 1,
    };
    assert_int_equal(dns_parse_query(dot, sizeof dot, &q), -EINVAL);
    assert_int_equal(dns_parse_query(space, sizeof space, &q), -EINVAL);
    assert_int_equal(dns_parse_query(high, sizeof high, &q), -EINVAL);
    assert_int_equal(dns_encode_name("a b.com", buf, sizeof buf), -EINVAL);
    assert_int_equal(dns_encode_name(".com", buf, sizeof buf), -EINVAL);
    assert_int_equal(dns_encode_name("com..", buf, sizeof buf), -EINVAL);
    assert_int_equal(dns_encode_name("xn--bcher-kva.de", buf, sizeof buf), 18);
}

static void test_exfiltration_shape_parses(void **state)
{
    (void)state;
    char name[300], l[64];
    uint8_t buf[512];
    struct dns_question q;
    unsigned seed = 12345;
    size_t o = 0;

    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 63; j++) {
            seed = seed * 1103515245u + 12345u;
            l[j] = "abcdefghijklmnopqrstuvwxyz0123456789"[(seed >> 16) % 36];
        }
        l[63] = '\0';
        o += (size_t)sprintf(name + o, "%s.", l);
    }
    strcpy(name + o, "exfil.evil.test");
    int n = dns_build_query(5, name, DNS_TYPE_A, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(dns_parse_query(buf, (size_t)n, &q), 0);
    assert_string_equal(q.name, name);
}

/* ---- compression ---- */

static void test_compression_valid(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(0x77, "www.x.test", DNS_TYPE_A);

    mb_header(&m, 0x77, 0x8180, 1, 2, 0, 0);
    size_t qn = mb_name(&m, "www.x.test");
    mb_u16(&m, DNS_TYPE_A);
    mb_u16(&m, DNS_CLASS_IN);
    /* www.x.test CNAME x.test, target as a pointer into the question. */
    mb_ptr(&m, qn);
    mb_rr_fixed(&m, DNS_TYPE_CNAME, 60);
    mb_u16(&m, 2);
    mb_ptr(&m, qn + 4);
    /* x.test A 1.2.3.4, the owner a pointer to "x.test". */
    mb_ptr(&m, qn + 4);
    mb_rr_fixed(&m, DNS_TYPE_A, 30);
    mb_u16(&m, 4);
    mb_bytes(&m, "\x01\x02\x03\x04", 4);

    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_true(has(&g, "1.2.3.4", "x.test"));
    assert_true(has(&g, "1.2.3.4", "www.x.test"));
    assert_int_equal(g.a[0].ttl, 30);

    /* A label run then a pointer: "mail" + ptr(x.test). */
    struct mb n;
    mb_header(&n, 0x78, 0x8180, 1, 1, 0, 0);
    qn = mb_name(&n, "x.test");
    mb_u16(&n, DNS_TYPE_A);
    mb_u16(&n, DNS_CLASS_IN);
    mb_u8(&n, 4);
    mb_bytes(&n, "mail", 4);
    mb_ptr(&n, qn);
    mb_rr_fixed(&n, DNS_TYPE_A, 30);
    mb_u16(&n, 4);
    mb_bytes(&n, "\x05\x06\x07\x08", 4);
    q = question(0x78, "x.test", DNS_TYPE_A);
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(n.b, n.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 0);       /* mail.x.test is not on the chain */
}

/* A response to "a.test" A whose single answer's owner is `owner`. */
static void response_with_owner(struct mb *m, const uint8_t *owner,
                                size_t olen)
{
    mb_header(m, 1, 0x8180, 1, 1, 0, 0);
    mb_question(m, "a.test", DNS_TYPE_A);
    mb_bytes(m, owner, olen);
    mb_rr_fixed(m, DNS_TYPE_A, 1);
    mb_u16(m, 4);
    mb_bytes(m, "\x01\x02\x03\x04", 4);
}

static void test_compression_bad_pointers(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(1, "a.test", DNS_TYPE_A);
    const size_t ans = 12 + 8 + 4;      /* offset of the answer's owner */
    uint8_t p[4];

    /* Sanity: a pointer to the question name works. */
    p[0] = 0xc0;
    p[1] = 12;
    response_with_owner(&m, p, 2);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 1);

    /* Points at itself: a loop. */
    p[1] = (uint8_t)ans;
    response_with_owner(&m, p, 2);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* Label then a pointer back to the label: a loop through a label. */
    p[0] = 1;
    p[1] = 'z';
    p[2] = 0xc0;
    p[3] = (uint8_t)ans;
    response_with_owner(&m, p, 4);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* Forward pointer (into the record's own rdata). */
    p[0] = 0xc0;
    p[1] = (uint8_t)(ans + 12);
    response_with_owner(&m, p, 2);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* Beyond the end of the message. */
    p[0] = 0xc3;
    p[1] = 0xff;
    response_with_owner(&m, p, 2);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* Into the header. */
    p[0] = 0xc0;
    p[1] = 4;
    response_with_owner(&m, p, 2);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* Truncated pointer at the very end. */
    mb_header(&m, 1, 0x8180, 1, 1, 0, 0);
    mb_question(&m, "a.test", DNS_TYPE_A);
    mb_u8(&m, 0xc0);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);

    /* The question name of a query cannot point anywhere. */
    static const uint8_t qptr[] = {
        0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1,
    };
    struct dns_question qq;
    assert_int_equal(dns_parse_query(qptr, sizeof qptr, &qq), -EINVAL);
    assert_int_equal(g.n, 1);
}

static void test_compression_two_pointer_loop(void **state)
{
    (void)state;
    struct mb m;
    struct dns_question q = question(1, "a.test", DNS_TYPE_A);
    /* CNAME rdata ptr -> B; B is an A owner that points back to the
     * CNAME's rdata: each alone could look "backwards". */
    mb_header(&m, 1, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "a.test", DNS_TYPE_A);
    mb_ptr(&m, 12);
    mb_rr_fixed(&m, DNS_TYPE_CNAME, 1);
    mb_u16(&m, 2);
    size_t rd = m.n;
    mb_ptr(&m, rd + 2);                 /* forward, to the next owner */
    mb_ptr(&m, rd);                     /* and that one points back */
    mb_rr_fixed(&m, DNS_TYPE_A, 1);
    mb_u16(&m, 4);
    mb_bytes(&m, "\x01\x02\x03\x04", 4);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, NULL, NULL), -EINVAL);
}

static void test_compressed_name_over_255(void **state)
{
    (void)state;
    /* 200 + 63 octets reached only through a pointer. */
    struct mb m;
    char l[64];
    struct dns_question q = question(1, "a.test", DNS_TYPE_A);
    label(l, 63, 'q');

    mb_header(&m, 1, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "a.test", DNS_TYPE_A);
    /* a.test CNAME <l>.<l>.<l>.a.test: 3*64 + 8 = 200 octets */
    mb_ptr(&m, 12);
    mb_rr_fixed(&m, DNS_TYPE_CNAME, 1);
    mb_u16(&m, 3 * 64 + 2);
    size_t t = m.n;
    for (int i = 0; i < 3; i++) {
        mb_u8(&m, 63);
        mb_bytes(&m, l, 63);
    }
    mb_ptr(&m, 12);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, NULL, NULL), -EINVAL);
    /* (ancount says 2, only one is there: fix that, then add an owner
     * of 64 more octets in front of the 200: 264 > 255.) */
    mb_u8(&m, 63);
    mb_bytes(&m, l, 63);
    mb_ptr(&m, t);
    mb_rr_fixed(&m, DNS_TYPE_A, 1);
    mb_u16(&m, 4);
    mb_bytes(&m, "\x01\x02\x03\x04", 4);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, NULL, NULL), -EINVAL);
    assert_int_equal(dns_message_names(m.b, m.n, NULL, NULL), -EINVAL);
}

/* ---- error replies ---- */

static void test_build_error(void **state)
{
    (void)state;
    uint8_t buf[512];
    struct dns_question q;
    assert_int_equal(dns_parse_query(real_query_edns, sizeof real_query_edns,
                                     &q), 0);
    int n = dns_build_error(&q, DNS_RCODE_NXDOMAIN, buf, sizeof buf);
    assert_int_equal(n, 12 + 14 + 4);
    assert_int_equal(buf[0], 0x45);
    assert_int_equal(buf[1], 0xb9);
    assert_int_equal(buf[2], 0x81);            /* QR, RD */
    assert_int_equal(buf[3], 0x83);            /* RA, NXDOMAIN */
    static const uint8_t counts[] = { 0, 1, 0, 0, 0, 0, 0, 0 };
    assert_memory_equal(buf + 4, counts, 8);
    assert_memory_equal(buf + 12, real_query_edns + 12, 18);

    /* It answers the query: same id and question, no addresses. */
    struct got g = { 0 };
    assert_int_equal(dns_parse_answers(buf, (size_t)n, &q, collect, &g), 0);
    assert_int_equal(g.n, 0);

    q.flags = 0;
    n = dns_build_error(&q, DNS_RCODE_REFUSED, buf, sizeof buf);
    assert_int_equal(buf[2], 0x80);
    assert_int_equal(buf[3], 0x85);
    assert_int_equal(dns_build_error(&q, DNS_RCODE_SERVFAIL, buf, 29),
                     -ENOSPC);
    assert_int_equal(dns_build_error(&q, DNS_RCODE_SERVFAIL, buf, 30), 30);
    assert_int_equal(dns_build_error(&q, 16, buf, sizeof buf), -EINVAL);
    assert_int_equal(dns_build_error(&q, -1, buf, sizeof buf), -EINVAL);
}

/* ---- answers ---- */

struct names {
    int n;
    char v[4][256];
};

static void names_cb(const char *name, void *data)
{
    struct names *names = data;
    assert_true(names->n < 4);
    snprintf(names->v[names->n++], 256, "%s", name);
}

static void test_answers_cname_chain(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(42, "www.x", DNS_TYPE_A);

    /* Out of order: the A record first, then the CNAME. */
    mb_header(&m, 42, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "www.x", DNS_TYPE_A);
    mb_a(&m, "x", 600, "1.2.3.4");
    mb_cname(&m, "www.x", 120, "x");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_true(has(&g, "1.2.3.4", "x"));
    assert_true(has(&g, "1.2.3.4", "www.x"));
    assert_int_equal(g.a[0].ttl, 120);
    assert_int_equal(g.a[1].ttl, 120);

    /* The names a message carries: question and CNAME targets. */
    struct names names = { 0 };
    assert_int_equal(dns_message_names(m.b, m.n, names_cb, &names), 0);
    assert_int_equal(names.n, 2);
    assert_string_equal(names.v[0], "www.x");
    assert_string_equal(names.v[1], "x");
}

static void test_answers_bailiwick(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(42, "good.test", DNS_TYPE_A);

    mb_header(&m, 42, 0x8180, 1, 4, 0, 0);
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_a(&m, "evil.test", 600, "6.6.6.6");
    mb_a(&m, "good.test", 300, "1.1.1.1");
    mb_cname(&m, "other.test", 300, "good.test");   /* not on our chain */
    mb_a(&m, "sub.good.test", 300, "7.7.7.7");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 1);
    assert_true(has(&g, "1.1.1.1", "good.test"));
    assert_int_equal(g.a[0].ttl, 300);
}

static void test_answers_mismatch(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(42, "good.test", DNS_TYPE_A);

    mb_header(&m, 43, 0x8180, 1, 1, 0, 0);          /* wrong id */
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_a(&m, "good.test", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EPROTO);

    mb_header(&m, 42, 0x8180, 1, 1, 0, 0);          /* other name */
    mb_question(&m, "evil.test", DNS_TYPE_A);
    mb_a(&m, "good.test", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EPROTO);

    mb_header(&m, 42, 0x8180, 1, 1, 0, 0);          /* other type */
    mb_question(&m, "good.test", DNS_TYPE_AAAA);
    mb_a(&m, "good.test", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EPROTO);

    mb_header(&m, 42, 0x0100, 1, 1, 0, 0);          /* a query */
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_a(&m, "good.test", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EPROTO);

    mb_header(&m, 42, 0x8180, 0, 1, 0, 0);          /* no question */
    mb_a(&m, "good.test", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EPROTO);
    assert_int_equal(g.n, 0);

    /* Same name in other case is the same question. */
    mb_header(&m, 42, 0x8180, 1, 1, 0, 0);
    mb_question(&m, "GOOD.test", DNS_TYPE_A);
    mb_a(&m, "good.TEST", 300, "1.1.1.1");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 1);
}

static void test_answers_truncated_and_odd(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(42, "good.test", DNS_TYPE_A);

    mb_header(&m, 42, 0x8180, 1, 2, 0, 0);
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_cname(&m, "good.test", 300, "cdn.test");
    mb_a(&m, "cdn.test", 0x80000001u, "2.2.2.2");   /* top bit: TTL 0 */
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_int_equal(g.a[0].ttl, 0);
    for (size_t len = 0; len < m.n; len++)
        assert_true(dns_parse_answers(m.b, len, &q, collect, &g) < 0);
    assert_int_equal(g.n, 2);

    /* An A record with a 5-byte rdata is not an address: skipped. */
    mb_header(&m, 42, 0x8180, 1, 1, 0, 0);
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_name(&m, "good.test");
    mb_rr_fixed(&m, DNS_TYPE_A, 5);
    mb_u16(&m, 5);
    mb_bytes(&m, "\x01\x02\x03\x04\x05", 5);
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 0);

    /* A CNAME whose target overruns its rdata length. */
    mb_header(&m, 42, 0x8180, 1, 1, 0, 0);
    mb_question(&m, "good.test", DNS_TYPE_A);
    mb_name(&m, "good.test");
    mb_rr_fixed(&m, DNS_TYPE_CNAME, 5);
    mb_u16(&m, 3);
    mb_name(&m, "cdn.test");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), -EINVAL);
}

static void test_answers_cname_cycle(void **state)
{
    (void)state;
    struct mb m;
    struct got g = { 0 };
    struct dns_question q = question(42, "a.test", DNS_TYPE_A);

    mb_header(&m, 42, 0x8180, 1, 3, 0, 0);
    mb_question(&m, "a.test", DNS_TYPE_A);
    mb_cname(&m, "a.test", 300, "b.test");
    mb_cname(&m, "b.test", 300, "a.test");
    mb_a(&m, "b.test", 300, "3.3.3.3");
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_true(has(&g, "3.3.3.3", "b.test"));
    assert_true(has(&g, "3.3.3.3", "a.test"));

    /* A long chain: capped at 16 names, never more. */
    char owner[32], target[32];
    mb_header(&m, 42, 0x8180, 1, 41, 0, 0);
    mb_question(&m, "a.test", DNS_TYPE_A);
    mb_cname(&m, "a.test", 300, "c0.test");
    for (int i = 0; i < 40; i++) {
        snprintf(owner, sizeof owner, "c%d.test", i);
        snprintf(target, sizeof target, "c%d.test", i + 1);
        mb_cname(&m, owner, 300, target);
    }
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(m.b, m.n, &q, collect, &g), 0);
    assert_int_equal(g.n, 0);
}

/* ---- real messages from dnsmasq ---- */

static void test_real_responses(void **state)
{
    (void)state;
    struct got g = { 0 };
    struct dns_question q;

    assert_int_equal(dns_parse_query(real_query_edns, sizeof real_query_edns,
                                     &q), 0);
    assert_int_equal(dns_parse_answers(real_resp_chain_a,
                                       sizeof real_resp_chain_a, &q, collect,
                                       &g), 0);
    assert_int_equal(g.n, 3);
    assert_true(has(&g, "1.2.3.4", "x.test"));
    assert_true(has(&g, "1.2.3.4", "www.x.test"));
    assert_true(has(&g, "1.2.3.4", "a.www.x.test"));
    assert_int_equal(g.a[0].ttl, 300);

    q = question(0x27bb, "a.www.x.test", DNS_TYPE_AAAA);
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(real_resp_chain_aaaa,
                                       sizeof real_resp_chain_aaaa, &q,
                                       collect, &g), 0);
    assert_int_equal(g.n, 3);
    assert_true(has(&g, "2001:db8::4", "a.www.x.test"));

    /* The python client asked for "WWW.X.Test": dnsmasq echoes the case. */
    q = question(0x1234, "www.x.test", DNS_TYPE_A);
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(real_resp_mixed_case,
                                       sizeof real_resp_mixed_case, &q,
                                       collect, &g), 0);
    assert_int_equal(g.n, 2);
    assert_true(has(&g, "1.2.3.4", "www.x.test"));

    /* REFUSED with an EDNS extended error (dnsmasq had no upstream). */
    q = question(0x4b2c, "nonexist.test", DNS_TYPE_AAAA);
    memset(&g, 0, sizeof g);
    assert_int_equal(dns_parse_answers(real_resp_refused,
                                       sizeof real_resp_refused, &q,
                                       collect, &g), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(DNS_RCODE(real_resp_refused[3]), DNS_RCODE_REFUSED);

    /* NXDOMAIN for a name dnsmasq blocks (--address=/blocked.test/). */
    q = question(0x1236, "blocked.test", DNS_TYPE_A);
    assert_int_equal(dns_parse_answers(real_resp_nxdomain,
                                       sizeof real_resp_nxdomain, &q,
                                       collect, &g), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(DNS_RCODE(real_resp_nxdomain[3]), DNS_RCODE_NXDOMAIN);

    /* Our own NXDOMAIN for the same question, byte for byte what dnsmasq
     * sent (dnsmasq sets RA and copies RD too). */
    uint8_t buf[64];
    q.flags = DNS_FLAG_RD;
    int n = dns_build_error(&q, DNS_RCODE_NXDOMAIN, buf, sizeof buf);
    assert_int_equal(n, sizeof real_resp_nxdomain);
    assert_memory_equal(buf, real_resp_nxdomain, (size_t)n);
}

static void test_tcp_framing(void **state)
{
    (void)state;
    uint8_t p[2];
    struct got g = { 0 };
    int n = dns_tcp_frame_len(real_tcp_resp, sizeof real_tcp_resp);
    assert_int_equal(n, sizeof real_tcp_resp - 2);
    assert_int_equal(dns_tcp_frame_len(real_tcp_resp, 1), -EAGAIN);
    struct dns_question q = question(0x4321, "a.www.x.test", DNS_TYPE_A);
    assert_int_equal(dns_parse_answers(real_tcp_resp + 2, (size_t)n, &q,
                                       collect, &g), 0);
    assert_int_equal(g.n, 3);

    assert_int_equal(dns_tcp_put_len(0x1234, p, sizeof p), 2);
    assert_int_equal(p[0], 0x12);
    assert_int_equal(p[1], 0x34);
    assert_int_equal(dns_tcp_frame_len(p, 2), 0x1234);
    assert_int_equal(dns_tcp_put_len(65536, p, sizeof p), -EINVAL);
    assert_int_equal(dns_tcp_put_len(1, p, 1), -ENOSPC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_round_trip),
        cmocka_unit_test(test_query_root_and_real),
        cmocka_unit_test(test_query_upper_case_folded),
        cmocka_unit_test(test_query_not_a_query),
        cmocka_unit_test(test_query_truncated),
        cmocka_unit_test(test_label_63_ok_64_rejected),
        cmocka_unit_test(test_name_255_limit),
        cmocka_unit_test(test_name_bad_bytes),
        cmocka_unit_test(test_exfiltration_shape_parses),
        cmocka_unit_test(test_compression_valid),
        cmocka_unit_test(test_compression_bad_pointers),
        cmocka_unit_test(test_compression_two_pointer_loop),
        cmocka_unit_test(test_compressed_name_over_255),
        cmocka_unit_test(test_build_error),
        cmocka_unit_test(test_answers_cname_chain),
        cmocka_unit_test(test_answers_bailiwick),
        cmocka_unit_test(test_answers_mismatch),
        cmocka_unit_test(test_answers_truncated_and_odd),
        cmocka_unit_test(test_answers_cname_cycle),
        cmocka_unit_test(test_real_responses),
        cmocka_unit_test(test_tcp_framing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
