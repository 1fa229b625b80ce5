/* The domain matcher: normalisation of wire names, wildcard and exact
 * rules, blocked over trusted, IP and CIDR rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "net/domain.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ---- */

static void assert_norm(const char *in, const char *want)
{
    char out[DOMAIN_BUF_SIZE];
    int rc = domain_normalize(in, out, sizeof out);
    if (rc != 0)
        fail_msg("domain_normalize(\"%s\") = %d, want \"%s\"", in, rc, want);
    assert_string_equal(out, want);
}

static void assert_norm_rejects(const char *in)
{
    char out[DOMAIN_BUF_SIZE];
    int rc = domain_normalize(in, out, sizeof out);
    if (rc != -EINVAL)
        fail_msg("domain_normalize(\"%s\") = %d (\"%s\"), want -EINVAL", in, rc,
                 rc == 0 ? out : "");
}

static struct domain_rules *rules(const char *const *t, size_t nt, const char *const *b, size_t nb)
{
    struct domain_rules *r = domain_rules_build(t, nt, b, nb);
    assert_non_null(r);
    return r;
}

/* Match after normalising, as the proxies will. */
static enum domain_verdict verdict(const struct domain_rules *r, const char *wire, const char **rule)
{
    char name[DOMAIN_BUF_SIZE];
    assert_int_equal(domain_normalize(wire, name, sizeof name), 0);
    return domain_rules_match(r, name, rule);
}

static void assert_verdict(const struct domain_rules *r, const char *wire,
                           enum domain_verdict want, const char *want_rule)
{
    const char *rule = "unset";
    enum domain_verdict got = verdict(r, wire, &rule);
    if (got != want)
        fail_msg("%s: verdict %d, want %d (rule %s)", wire, got, want, rule ? rule : "(null)");
    if (want_rule)
        assert_string_equal(rule, want_rule);
    else
        assert_null(rule);
}

static struct sockaddr_storage sa_of(const char *ip)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *in = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
        in->sin_family = AF_INET;
    } else {
        assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
        in6->sin6_family = AF_INET6;
    }
    return ss;
}

static void assert_ip_verdict(const struct domain_rules *r, const char *ip,
                              enum domain_verdict want, const char *want_rule)
{
    struct sockaddr_storage ss = sa_of(ip);
    const char *rule = "unset";
    enum domain_verdict got = domain_rules_match_ip(r, (struct sockaddr *)&ss, &rule);
    if (got != want)
        fail_msg("%s: verdict %d, want %d (rule %s)", ip, got, want, rule ? rule : "(null)");
    if (want_rule)
        assert_string_equal(rule, want_rule);
    else
        assert_null(rule);
}

/* ---- normalisation ---- */

static void test_normalize_case_and_dot(void **state)
{
    (void)state;
    assert_norm("Example.COM", "example.com");
    assert_norm("example.com.", "example.com");
    assert_norm("WWW.Example.Com.", "www.example.com");
    assert_norm("_dmarc.example.com", "_dmarc.example.com");
    assert_norm("a-b.c0", "a-b.c0");
    assert_norm("localhost", "localhost");
    assert_norm("93.184.216.34", "93.184.216.34");
    assert_norm_rejects("");
    assert_norm_rejects(".");
    assert_norm_rejects("example.com..");
    assert_norm_rejects(".example.com");
    assert_norm_rejects("a..example.com");
    assert_norm_rejects("*.example.com");
    assert_norm_rejects("exa mple.com");
    assert_norm_rejects("example.com:443");
    assert_norm_rejects("example.com/");
    assert_norm_rejects("::1");
    assert_norm_rejects("ex\tample.com");
    assert_norm_rejects("example.com\r\nX-Injected: 1");
}

static void test_normalize_lengths(void **state)
{
    (void)state;
    char label[80], name[400], want[420];
    memset(label, 'a', 63);
    label[63] = '\0';
    snprintf(name, sizeof name, "%s.com", label);
    assert_norm(name, name);
    memset(label, 'a', 64);
    label[64] = '\0';
    snprintf(name, sizeof name, "%s.com", label);
    assert_norm_rejects(name);
    /* 253 characters: 4 x 62-character labels + 4 dots + "x" (253). */
    memset(label, 'b', 62);
    label[62] = '\0';
    snprintf(name, sizeof name, "%s.%s.%s.%s.x", label, label, label, label);
    assert_int_equal(strlen(name), 253);
    assert_norm(name, name);
    snprintf(want, sizeof want, "%s.", name); /* trailing dot is not counted */
    assert_norm(want, name);
    snprintf(name, sizeof name, "%s.%s.%s.%s.xy", label, label, label, label);
    assert_norm_rejects(name);
    char out[8];
    assert_int_equal(domain_normalize("example.com", out, sizeof out), -ENOSPC);
    assert_int_equal(domain_normalize(NULL, out, sizeof out), -EINVAL);
}

static void test_normalize_idna(void **state)
{
    (void)state;
    assert_norm("bücher.example", "xn--bcher-kva.example");
    assert_norm("Bücher.Example.", "xn--bcher-kva.example");
    assert_norm("BÜCHER.example", "xn--bcher-kva.example");
    assert_norm("xn--bcher-kva.example", "xn--bcher-kva.example");
    assert_norm("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example");
    assert_norm("faß.de", "xn--fa-hia.de");          /* IDNA2008, not fass.de */
    assert_norm("公司.cn", "xn--55qx5d.cn");
    assert_norm("日本語テキスト.jp", "xn--nckya0bk5909dcvb2w6i.jp"); /* Han + Katakana */
    assert_norm("한국어abc.kr", "xn--abc-lt8l948gbwt.kr");           /* Hangul + Latin */
    assert_norm("ｅｘａｍｐｌｅ。ｃｏｍ", "example.com"); /* full-width forms map to ASCII */
    /* Mixed scripts in one label: Latin "p ypal" with a Cyrillic "а". */
    assert_norm_rejects("pаypal.com");
    assert_norm_rejects("xn--pypal-4ve.com");
    /* Latin with Greek omicron. */
    assert_norm_rejects("gοogle.com");
    /* Invalid A-labels and disallowed code points. */
    assert_norm_rejects("xn--zz.com");
    assert_norm_rejects("xn--.com");
    assert_norm_rejects("xn--a.com");
    assert_norm_rejects("xn--ls8h.la");     /* an emoji: disallowed in IDNA2008 */
    assert_norm_rejects("💩.la");
    assert_norm_rejects("-bü.com");
    assert_norm_rejects("\xff\xfe.com");    /* not UTF-8 */
    assert_norm_rejects("b\xc3.com");       /* truncated UTF-8 */
}

/* ---- domain rules ---- */

static void test_wildcard_edges(void **state)
{
    (void)state;
    static const char *const t[] = { "*.example.com" };
    struct domain_rules *r = rules(t, N(t), NULL, 0);
    assert_verdict(r, "a.example.com", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "a.b.example.com", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "A.Example.Com.", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "example.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "evilexample.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "a.evilexample.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "example.com.evil.net", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "a.example.com.evil.net", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "example.co", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "xexample.com", DOMAIN_UNLISTED, NULL);
    domain_rules_free(r);
}

static void test_exact_rules(void **state)
{
    (void)state;
    static const char *const t[] = { "github.com", "Api.GitHub.com.", "*.npmjs.org", "npmjs.org" };
    struct domain_rules *r = rules(t, N(t), NULL, 0);
    assert_verdict(r, "github.com", DOMAIN_TRUSTED, "github.com");
    assert_verdict(r, "GITHUB.COM.", DOMAIN_TRUSTED, "github.com");
    assert_verdict(r, "api.github.com", DOMAIN_TRUSTED, "api.github.com");
    assert_verdict(r, "www.github.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "x.api.github.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "notgithub.com", DOMAIN_UNLISTED, NULL);
    assert_verdict(r, "npmjs.org", DOMAIN_TRUSTED, "npmjs.org");
    assert_verdict(r, "registry.npmjs.org", DOMAIN_TRUSTED, "*.npmjs.org");
    size_t nip = 99;
    assert_int_equal(domain_rules_count(r, &nip), 3);
    assert_int_equal(nip, 0);
    domain_rules_free(r);
}

static void test_blocked_beats_trusted(void **state)
{
    (void)state;
    static const char *const t[] = { "*.example.com", "good.example.com", "both.org", "*.deep.example.com" };
    static const char *const b[] = { "bad.example.com", "*.evil.example.com", "both.org", "*.example.com" };
    struct domain_rules *r = rules(t, N(t), b, N(b));
    /* Identical pattern in both lists: blocked. */
    assert_verdict(r, "x.example.com", DOMAIN_BLOCKED, "*.example.com");
    /* An exact trusted name under a blocked wildcard stays blocked. */
    assert_verdict(r, "good.example.com", DOMAIN_BLOCKED, "*.example.com");
    assert_verdict(r, "both.org", DOMAIN_BLOCKED, "both.org");
    /* The most specific blocked rule is reported. */
    assert_verdict(r, "a.evil.example.com", DOMAIN_BLOCKED, "*.evil.example.com");
    assert_verdict(r, "bad.example.com", DOMAIN_BLOCKED, "bad.example.com");
    assert_verdict(r, "a.deep.example.com", DOMAIN_BLOCKED, "*.example.com");
    assert_verdict(r, "example.com", DOMAIN_UNLISTED, NULL);
    domain_rules_free(r);

    static const char *const t2[] = { "*.example.com" };
    static const char *const b2[] = { "bad.example.com", "*.ads.example.com" };
    r = rules(t2, N(t2), b2, N(b2));
    assert_verdict(r, "ok.example.com", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "bad.example.com", DOMAIN_BLOCKED, "bad.example.com");
    assert_verdict(r, "x.bad.example.com", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "ads.example.com", DOMAIN_TRUSTED, "*.example.com");
    assert_verdict(r, "t.ads.example.com", DOMAIN_BLOCKED, "*.ads.example.com");
    domain_rules_free(r);
}

static void test_idna_rules(void **state)
{
    (void)state;
    static const char *const t[] = { "xn--bcher-kva.example", "*.bücher.de" };
    struct domain_rules *r = rules(t, N(t), NULL, 0);
    assert_verdict(r, "bücher.example", DOMAIN_TRUSTED, "xn--bcher-kva.example");
    assert_verdict(r, "BÜCHER.example.", DOMAIN_TRUSTED, "xn--bcher-kva.example");
    assert_verdict(r, "www.xn--bcher-kva.de", DOMAIN_TRUSTED, "*.xn--bcher-kva.de");
    assert_verdict(r, "bucher.example", DOMAIN_UNLISTED, NULL);
    domain_rules_free(r);
}

static void test_match_robust(void **state)
{
    (void)state;
    static const char *const t[] = { "example.com", "*.example.com" };
    struct domain_rules *r = rules(t, N(t), NULL, 0);
    const char *rule = "unset";
    assert_int_equal(domain_rules_match(r, "", &rule), DOMAIN_UNLISTED);
    assert_null(rule);
    assert_int_equal(domain_rules_match(r, NULL, NULL), DOMAIN_UNLISTED);
    assert_int_equal(domain_rules_match(NULL, "example.com", NULL), DOMAIN_UNLISTED);
    /* Not normalised: no match (callers must normalise). */
    assert_int_equal(domain_rules_match(r, "EXAMPLE.COM", NULL), DOMAIN_UNLISTED);
    char longname[400];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(domain_rules_match(r, longname, NULL), DOMAIN_UNLISTED);
    domain_rules_free(r);
    /* Empty lists. */
    r = rules(NULL, 0, NULL, 0);
    assert_int_equal(domain_rules_match(r, "example.com", NULL), DOMAIN_UNLISTED);
    domain_rules_free(r);
    domain_rules_free(NULL);
}

static void test_many_rules(void **state)
{
    (void)state;
    enum { COUNT = 20000 };
    char **v = calloc(COUNT, sizeof *v);
    assert_non_null(v);
    for (size_t i = 0; i < COUNT; i++) {
        v[i] = malloc(32);
        assert_non_null(v[i]);
        snprintf(v[i], 32, i % 2 ? "*.d%zu.test" : "d%zu.test", i);
    }
    struct domain_rules *r = rules(NULL, 0, (const char *const *)v, COUNT);
    assert_int_equal(domain_rules_count(r, NULL), COUNT);
    char name[64];
    for (size_t i = 0; i < COUNT; i++) {
        snprintf(name, sizeof name, "d%zu.test", i);
        assert_int_equal(domain_rules_match(r, name, NULL), i % 2 ? DOMAIN_UNLISTED : DOMAIN_BLOCKED);
        snprintf(name, sizeof name, "x.d%zu.test", i);
        assert_int_equal(domain_rules_match(r, name, NULL), i % 2 ? DOMAIN_BLOCKED : DOMAIN_UNLISTED);
        snprintf(name, sizeof name, "d%zux.test", i);
        assert_int_equal(domain_rules_match(r, name, NULL), DOMAIN_UNLISTED);
    }
    domain_rules_free(r);
    for (size_t i = 0; i < COUNT; i++)
        free(v[i]);
    free(v);
}

/* ---- IP rules ---- */

static void test_ip_rules(void **state)
{
    (void)state;
    static const char *const t[] = { "127.0.0.1", "10.0.0.0/8", "fd00::/8", "::1", "2001:db8::/32",
                                     "example.com" };
    static const char *const b[] = { "10.1.0.0/16", "2001:db8:bad::/48", "192.0.2.66" };
    struct domain_rules *r = rules(t, N(t), b, N(b));
    size_t nip = 0;
    assert_int_equal(domain_rules_count(r, &nip), 1);
    assert_int_equal(nip, 8);
    assert_ip_verdict(r, "127.0.0.1", DOMAIN_TRUSTED, "127.0.0.1");
    assert_ip_verdict(r, "127.0.0.2", DOMAIN_UNLISTED, NULL);
    assert_ip_verdict(r, "10.2.3.4", DOMAIN_TRUSTED, "10.0.0.0/8");
    assert_ip_verdict(r, "10.1.3.4", DOMAIN_BLOCKED, "10.1.0.0/16");
    assert_ip_verdict(r, "11.0.0.1", DOMAIN_UNLISTED, NULL);
    assert_ip_verdict(r, "192.0.2.66", DOMAIN_BLOCKED, "192.0.2.66");
    assert_ip_verdict(r, "fd12::1", DOMAIN_TRUSTED, "fd00::/8");
    assert_ip_verdict(r, "fe80::1", DOMAIN_UNLISTED, NULL);
    assert_ip_verdict(r, "::1", DOMAIN_TRUSTED, "::1");
    assert_ip_verdict(r, "::2", DOMAIN_UNLISTED, NULL);
    assert_ip_verdict(r, "2001:db8:1::5", DOMAIN_TRUSTED, "2001:db8::/32");
    assert_ip_verdict(r, "2001:db8:bad::5", DOMAIN_BLOCKED, "2001:db8:bad::/48");
    /* IPv4-mapped IPv6 matches the IPv4 rules. */
    assert_ip_verdict(r, "::ffff:10.2.3.4", DOMAIN_TRUSTED, "10.0.0.0/8");
    assert_ip_verdict(r, "::ffff:10.1.0.1", DOMAIN_BLOCKED, "10.1.0.0/16");
    assert_ip_verdict(r, "::ffff:127.0.0.1", DOMAIN_TRUSTED, "127.0.0.1");
    assert_ip_verdict(r, "::ffff:93.184.216.34", DOMAIN_UNLISTED, NULL);
    /* An IP rule is not a domain, and a domain never matches an IP. */
    assert_int_equal(domain_rules_match(r, "127.0.0.1", NULL), DOMAIN_UNLISTED);
    assert_int_equal(domain_rules_match(r, "10.2.3.4", NULL), DOMAIN_UNLISTED);
    /* Not an IP family. */
    struct sockaddr_storage ss = { .ss_family = AF_UNIX };
    assert_int_equal(domain_rules_match_ip(r, (struct sockaddr *)&ss, NULL), DOMAIN_UNLISTED);
    domain_rules_free(r);
}

static void test_ip_rule_forms(void **state)
{
    (void)state;
    /* A mapped-IPv6 rule covers IPv4 addresses; host bits in a CIDR are
     * ignored; /0 covers the family; the longest prefix is reported. */
    static const char *const t[] = { "::ffff:192.168.0.0/112", "172.16.9.9/12", "0.0.0.0/0" };
    static const char *const b[] = { "100.64.0.0/10", "::ffff:192.168.7.0/120" };
    struct domain_rules *r = rules(t, N(t), b, N(b));
    assert_ip_verdict(r, "192.168.4.4", DOMAIN_TRUSTED, "::ffff:192.168.0.0/112");
    assert_ip_verdict(r, "192.168.7.4", DOMAIN_BLOCKED, "::ffff:192.168.7.0/120");
    assert_ip_verdict(r, "172.20.0.1", DOMAIN_TRUSTED, "172.16.9.9/12");
    assert_ip_verdict(r, "172.32.0.1", DOMAIN_TRUSTED, "0.0.0.0/0");
    assert_ip_verdict(r, "100.100.1.1", DOMAIN_BLOCKED, "100.64.0.0/10");
    assert_ip_verdict(r, "2001:db8::1", DOMAIN_UNLISTED, NULL);
    domain_rules_free(r);
    /* ::/0 covers ::ffff:0:0/96 and so every IPv4 address too; a longer
     * trusted prefix does not beat a blocked one. */
    static const char *const t2[] = { "93.184.216.34" };
    static const char *const b2[] = { "::/0" };
    r = rules(t2, N(t2), b2, N(b2));
    assert_ip_verdict(r, "93.184.216.34", DOMAIN_BLOCKED, "::/0");
    assert_ip_verdict(r, "2001:db8::1", DOMAIN_BLOCKED, "::/0");
    domain_rules_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_case_and_dot),
        cmocka_unit_test(test_normalize_lengths),
        cmocka_unit_test(test_normalize_idna),
        cmocka_unit_test(test_wildcard_edges),
        cmocka_unit_test(test_exact_rules),
        cmocka_unit_test(test_blocked_beats_trusted),
        cmocka_unit_test(test_idna_rules),
        cmocka_unit_test(test_match_robust),
        cmocka_unit_test(test_many_rules),
        cmocka_unit_test(test_ip_rules),
        cmocka_unit_test(test_ip_rule_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
