/* Unit tests for the network parsers: HTTP request heads, SOCKS5, the TLS
 * ClientHello SNI and protocol sniffing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "net/http_req.h"
#include "net/sniff.h"
#include "net/socks5.h"
#include "net/tls_sni.h"

/* ---- TLS ClientHellos captured on loopback: `openssl s_client -connect
 * 127.0.0.1:PORT -servername Example.COM` (OpenSSL 3.0.19), and the same
 * with -noservername, against a python3 listener on 127.0.0.1 that saved
 * the first flight. */
static const uint8_t hello_sni[317] = {
    0x16, 0x03, 0x01, 0x01, 0x38, 0x01, 0x00, 0x01, 0x34, 0x03, 0x03, 0x34,
    0x7a, 0xa7, 0xd5, 0x0d, 0xbc, 0xd9, 0x92, 0x15, 0x64, 0x68, 0xdc, 0x74,
    0x88, 0xaa, 0x41, 0xe8, 0xb8, 0xdd, 0x76, 0xb0, 0xa6, 0xc6, 0xb6, 0xb8,
    0xdb, 0x95, 0x39, 0x0e, 0xae, 0xa7, 0x0e, 0x20, 0xa9, 0xfd, 0x4e, 0xfd,
    0x79, 0xb5, 0x09, 0xcc, 0x99, 0xe5, 0xa9, 0x46, 0xbc, 0xe2, 0xf5, 0x89,
    0x57, 0xbf, 0x66, 0x29, 0xeb, 0x68, 0xd1, 0x1a, 0xe4, 0xa7, 0x80, 0x88,
    0x33, 0xf9, 0x2a, 0xaa, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
    0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
    0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
    0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
    0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
    0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0xad,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00, 0x00, 0x0b, 0x45, 0x78, 0x61,
    0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x43, 0x4f, 0x4d, 0x00, 0x0b, 0x00, 0x04,
    0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x14, 0x00, 0x1d,
    0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18, 0x01, 0x00, 0x01, 0x01,
    0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x23, 0x00, 0x00, 0x00, 0x16,
    0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d, 0x00, 0x2a, 0x00, 0x28,
    0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08, 0x08, 0x08, 0x09,
    0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08, 0x06, 0x04, 0x01,
    0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03, 0x02, 0x04, 0x02,
    0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x09, 0x08, 0x03, 0x04, 0x03,
    0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00,
    0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0xe8, 0x91, 0x7b,
    0x2d, 0x4d, 0x72, 0x6e, 0x87, 0xba, 0x46, 0x35, 0xc4, 0xc0, 0x7f, 0x29,
    0xbd, 0xbe, 0xc6, 0x24, 0xdf, 0xbb, 0xa9, 0xa2, 0xa6, 0x9f, 0x2d, 0x47,
    0x1b, 0xa0, 0x5a, 0x4e, 0x37,
};
static const uint8_t hello_nosni[297] = {
    0x16, 0x03, 0x01, 0x01, 0x24, 0x01, 0x00, 0x01, 0x20, 0x03, 0x03, 0xc9,
    0xe2, 0x24, 0x4f, 0xea, 0xe1, 0xaf, 0x74, 0x6a, 0xaf, 0x83, 0x62, 0x96,
    0xc6, 0x97, 0xb5, 0xa1, 0xe3, 0x30, 0x06, 0x42, 0xd1, 0x1b, 0x4b, 0x57,
    0xf8, 0xb8, 0xd9, 0x40, 0xe6, 0xe7, 0x99, 0x20, 0x95, 0x6c, 0xab, 0x27,
    0x1e, 0x91, 0xd7, 0x0f, 0x30, 0xcc, 0x10, 0x8e, 0xa2, 0x67, 0x47, 0xe3,
    0x58, 0x91, 0xbf, 0x2e, 0xb7, 0xb4, 0x3e, 0x50, 0x3f, 0x82, 0x0a, 0x3f,
    0xab, 0x8e, 0xea, 0x5f, 0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
    0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f, 0xcc, 0xa9, 0xcc, 0xa8, 0xcc, 0xaa,
    0xc0, 0x2b, 0xc0, 0x2f, 0x00, 0x9e, 0xc0, 0x24, 0xc0, 0x28, 0x00, 0x6b,
    0xc0, 0x23, 0xc0, 0x27, 0x00, 0x67, 0xc0, 0x0a, 0xc0, 0x14, 0x00, 0x39,
    0xc0, 0x09, 0xc0, 0x13, 0x00, 0x33, 0x00, 0x9d, 0x00, 0x9c, 0x00, 0x3d,
    0x00, 0x3c, 0x00, 0x35, 0x00, 0x2f, 0x00, 0xff, 0x01, 0x00, 0x00, 0x99,
    0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01, 0x02, 0x00, 0x0a, 0x00, 0x16,
    0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x1e, 0x00, 0x19, 0x00, 0x18,
    0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01, 0x03, 0x01, 0x04, 0x00, 0x23,
    0x00, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d,
    0x00, 0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07,
    0x08, 0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05,
    0x08, 0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01,
    0x03, 0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x09,
    0x08, 0x03, 0x04, 0x03, 0x03, 0x03, 0x02, 0x03, 0x01, 0x00, 0x2d, 0x00,
    0x02, 0x01, 0x01, 0x00, 0x33, 0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00,
    0x20, 0xeb, 0xf5, 0xed, 0x80, 0xfb, 0xf0, 0xa5, 0xec, 0x53, 0x0b, 0x7b,
    0x83, 0x4e, 0xf1, 0xb1, 0xfb, 0x0d, 0xb8, 0xf1, 0xea, 0xf4, 0x0f, 0xa5,
    0x76, 0x7b, 0x0b, 0x86, 0x17, 0xe2, 0xc6, 0x07, 0x6c,
};

/* ---------------------------------------------------------------- HTTP */

static enum http_parse parse_str(const char *s, struct http_request *req)
{
    return http_parse_request(s, strlen(s), req);
}

static void test_http_connect(void **state)
{
    (void)state;
    struct http_request req;
    const char *s = "CONNECT github.com:443 HTTP/1.1\r\nHost: GitHub.com:443\r\n"
                    "User-Agent: curl/8\r\n\r\nPAYLOAD";
    assert_int_equal(parse_str(s, &req), HTTP_OK);
    assert_true(req.connect);
    assert_false(req.absolute_form);
    assert_string_equal(req.method, "CONNECT");
    assert_string_equal(req.host, "github.com");
    assert_int_equal(req.port, 443);
    assert_false(req.host_mismatch);
    assert_int_equal(req.head_len, strlen(s) - strlen("PAYLOAD"));
    assert_int_equal(req.line_len, strlen("CONNECT github.com:443 HTTP/1.1\r\n"));
    assert_int_equal(req.http_minor, 1);
}

static void test_http_connect_ipv6(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(parse_str("CONNECT [::1]:443 HTTP/1.1\r\n\r\n", &req), HTTP_OK);
    assert_true(req.connect);
    assert_string_equal(req.host, "::1");
    assert_int_equal(req.port, 443);
    assert_int_equal(parse_str("CONNECT [2001:DB8::A]:8443 HTTP/1.1\r\n\r\n", &req), HTTP_OK);
    assert_string_equal(req.host, "2001:db8::a");
    assert_int_equal(req.port, 8443);
    /* Not an address, a zone id, no closing bracket, junk after it. */
    assert_int_equal(parse_str("CONNECT [::g]:443 HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("CONNECT [fe80::1%25eth0]:443 HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("CONNECT [::1:443 HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("CONNECT [::1]x:443 HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("CONNECT [::1] HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
}

static void test_http_absolute(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(parse_str("GET http://Example.com/a/b?c=d HTTP/1.1\r\n"
                               "Host: example.com\r\nAccept: */*\r\n\r\n", &req), HTTP_OK);
    assert_true(req.absolute_form);
    assert_false(req.connect);
    assert_string_equal(req.method, "GET");
    assert_string_equal(req.host, "example.com");
    assert_int_equal(req.port, 80);
    assert_string_equal(req.path, "/a/b?c=d");
    assert_false(req.host_mismatch);
    assert_int_equal(req.content_length, -1);

    assert_int_equal(parse_str("POST HTTP://example.com:8080 HTTP/1.0\r\n"
                               "Content-Length: 5\r\n\r\nhello", &req), HTTP_OK);
    assert_true(req.absolute_form);
    assert_string_equal(req.host, "example.com");
    assert_int_equal(req.port, 8080);
    assert_string_equal(req.path, "/");
    assert_int_equal(req.http_minor, 0);
    assert_int_equal(req.content_length, 5);

    assert_int_equal(parse_str("GET http://example.com:81?q HTTP/1.1\r\n\r\n", &req), HTTP_OK);
    assert_int_equal(req.port, 81);
    assert_string_equal(req.path, "/?q");
    /* Only http:// is proxied in absolute form. */
    assert_int_equal(parse_str("GET https://example.com/ HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("GET ftp://example.com/ HTTP/1.1\r\n\r\n", &req), HTTP_ERROR);
}

static void test_http_origin_form(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(parse_str("GET /x HTTP/1.1\r\nhost:  Api.Example.COM:8000 \r\n\r\n", &req),
                     HTTP_OK);
    assert_false(req.absolute_form);
    assert_false(req.connect);
    assert_string_equal(req.host, "api.example.com");
    assert_int_equal(req.port, 8000);
    assert_string_equal(req.path, "/x");
    /* HTTP/1.1 requires Host; 1.0 may go without. */
    assert_int_equal(parse_str("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", &req), HTTP_ERROR);
    assert_int_equal(parse_str("GET / HTTP/1.0\r\n\r\n", &req), HTTP_OK);
    assert_string_equal(req.host, "");
    assert_int_equal(parse_str("OPTIONS * HTTP/1.1\r\nHost: a.b\r\n\r\n", &req), HTTP_OK);
    assert_string_equal(req.path, "*");
    assert_int_equal(parse_str("GET * HTTP/1.1\r\nHost: a.b\r\n\r\n", &req), HTTP_ERROR);
}

static void test_http_host_mismatch(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(parse_str("GET http://allowed.example/ HTTP/1.1\r\n"
                               "Host: evil.example\r\n\r\n", &req), HTTP_OK);
    assert_true(req.host_mismatch);
    assert_string_equal(req.host, "allowed.example");
    assert_int_equal(parse_str("CONNECT github.com:443 HTTP/1.1\r\nHost: evil.com:443\r\n\r\n",
                               &req), HTTP_OK);
    assert_true(req.host_mismatch);
    /* Case and a missing port in CONNECT's Host are no mismatch. */
    assert_int_equal(parse_str("GET http://a.example:8080/ HTTP/1.1\r\n"
                               "Host: A.EXAMPLE:8080\r\n\r\n", &req), HTTP_OK);
    assert_false(req.host_mismatch);
    assert_int_equal(parse_str("CONNECT github.com:443 HTTP/1.1\r\nHost: github.com\r\n\r\n",
                               &req), HTTP_OK);
    assert_false(req.host_mismatch);
    /* Two Host headers are refused outright. */
    assert_int_equal(parse_str("GET http://a.example/ HTTP/1.1\r\nHost: a.example\r\n"
                               "Host: b.example\r\n\r\n", &req), HTTP_ERROR);
}

static void test_http_bad(void **state)
{
    (void)state;
    struct http_request req;
    static const char *const bad[] = {
        "CONNECT github.com HTTP/1.1\r\n\r\n",             /* no port */
        "CONNECT github.com: HTTP/1.1\r\n\r\n",            /* empty port */
        "CONNECT github.com:0 HTTP/1.1\r\n\r\n",
        "CONNECT github.com:65536 HTTP/1.1\r\n\r\n",
        "CONNECT github.com:44x HTTP/1.1\r\n\r\n",
        "CONNECT user:pw@github.com:443 HTTP/1.1\r\n\r\n", /* userinfo */
        "GET http://user@example.com/ HTTP/1.1\r\n\r\n",
        "GET http://u:p@example.com/ HTTP/1.1\r\n\r\n",
        "GET http://exa mple.com/ HTTP/1.1\r\n\r\n",
        "GET http://exa%2fmple.com/ HTTP/1.1\r\n\r\n",     /* invalid host chars */
        "GET http://exa..mple.com/ HTTP/1.1\r\n\r\n",
        "GET http:/// HTTP/1.1\r\n\r\n",
        "GET http://a.com/#frag HTTP/1.1\r\n\r\n",
        "CONNECT /x HTTP/1.1\r\n\r\n",
        "GET a.com:443 HTTP/1.1\r\n\r\n",                 /* authority form, not CONNECT */
        "get / HTTP/1.1\r\nHost: a\r\n\r\n",              /* method */
        "G3T / HTTP/1.1\r\nHost: a\r\n\r\n",
        "VERYLONGMETHODNAME / HTTP/1.1\r\nHost: a\r\n\r\n",
        " GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
        "GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",   /* obs-fold */
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",             /* space before colon */
        "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",         /* bare LF */
        "GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n",         /* bare CR */
        "GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a_b!\r\n\r\n",
        "GET / HTTP/1.1\r\nHost:\r\n\r\n",
        "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        NULL,
    };
    for (size_t i = 0; bad[i]; i++) {
        if (parse_str(bad[i], &req) != HTTP_ERROR)
            fail_msg("accepted: %s", bad[i]);
    }
    /* A NUL inside the head. */
    static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
    assert_int_equal(http_parse_request(nul, sizeof nul - 1, &req), HTTP_ERROR);
    /* Chunked is fine, also after another coding; equal Content-Lengths too. */
    assert_int_equal(parse_str("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n",
                               &req), HTTP_OK);
    assert_true(req.chunked);
    assert_int_equal(parse_str("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
                               "Content-Length: 3\r\n\r\n", &req), HTTP_OK);
    assert_int_equal(req.content_length, 3);
}

static void test_http_oversize(void **state)
{
    (void)state;
    struct http_request req;
    static char buf[HTTP_MAX_HEAD + 64];
    /* Headers that never end: NEED_MORE below 16 KiB, ERROR at it. */
    size_t n = (size_t)snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: a\r\n");
    while (n + 12 < sizeof buf)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "X-Pad: abc\r\n");
    assert_int_equal(http_parse_request(buf, HTTP_MAX_HEAD - 1, &req), HTTP_NEED_MORE);
    assert_int_equal(http_parse_request(buf, n, &req), HTTP_ERROR);
    /* A request line over 8 KiB, even before it ends. */
    memcpy(buf, "GET /", 5);
    memset(buf + 5, 'a', HTTP_MAX_LINE);
    assert_int_equal(http_parse_request(buf, HTTP_MAX_LINE - 1, &req), HTTP_NEED_MORE);
    assert_int_equal(http_parse_request(buf, HTTP_MAX_LINE + 5, &req), HTTP_ERROR);
    /* A 3000-byte path fits the line but not req.path: an error for the
     * proxy, fine for the transparent path's Host lookup. */
    n = (size_t)snprintf(buf, sizeof buf, "GET /%03000d HTTP/1.1\r\nHost: Long.Example\r\n\r\n", 7);
    assert_int_equal(http_parse_request(buf, n, &req), HTTP_ERROR);
    assert_int_equal(http_parse_host(buf, n, &req), HTTP_OK);
    assert_string_equal(req.host, "long.example");
    assert_string_equal(req.path, "");
}

static void test_http_byte_by_byte(void **state)
{
    (void)state;
    struct http_request req;
    const char *s = "GET http://example.org:8080/p HTTP/1.1\r\nHost: example.org:8080\r\n"
                    "Content-Length: 0\r\n\r\n";
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(http_parse_request(s, i, &req), HTTP_NEED_MORE);
    assert_int_equal(http_parse_request(s, n, &req), HTTP_OK);
    assert_int_equal(req.head_len, n);
    assert_string_equal(req.host, "example.org");
    assert_int_equal(req.port, 8080);
    /* An error shows as soon as the offending byte arrives. */
    assert_int_equal(http_parse_request("GET /\0", 6, &req), HTTP_ERROR);
    assert_int_equal(http_parse_request("GET /\n", 6, &req), HTTP_ERROR);
}

/* -------------------------------------------------------------- SOCKS5 */

static void test_socks_greeting(void **state)
{
    (void)state;
    size_t used = 99;
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"", 0, &used), SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x05", 1, &used), SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x05\x02\x02", 3, &used),
                     SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x05\x02\x02\x00XX", 6, &used),
                     SOCKS_OK);
    assert_int_equal(used, 4);
    /* Well-formed, without "no authentication": consumed says so. */
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x05\x01\x02", 3, &used),
                     SOCKS_ERROR);
    assert_int_equal(used, 3);
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x05\x00", 2, &used), SOCKS_ERROR);
    /* Not SOCKS5 at all. */
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"\x04\x01\x00", 3, &used),
                     SOCKS_ERROR);
    assert_int_equal(used, 0);
    assert_int_equal(socks5_parse_greeting((const uint8_t *)"GET ", 4, &used), SOCKS_ERROR);
}

static void test_socks_request_ipv4(void **state)
{
    (void)state;
    static const uint8_t m[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0x01, 0xbb, 'x' };
    struct socks5_request req;
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(socks5_parse_request(m, i, &req), SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_request(m, sizeof m, &req), SOCKS_OK);
    assert_int_equal(req.cmd, 1);
    assert_int_equal(req.atyp, 1);
    assert_string_equal(req.host, "127.0.0.1");
    assert_int_equal(req.port, 443);
    assert_int_equal(req.consumed, 10);
    const struct sockaddr_in *sin = (const struct sockaddr_in *)&req.addr;
    assert_int_equal(sin->sin_family, AF_INET);
    assert_int_equal(ntohs(sin->sin_port), 443);
    assert_int_equal(ntohl(sin->sin_addr.s_addr), 0x7f000001);
}

static void test_socks_request_ipv6(void **state)
{
    (void)state;
    uint8_t m[22] = { 5, 1, 0, 4 };
    m[4 + 15] = 1; /* ::1 */
    m[20] = 0x1f, m[21] = 0x90;
    struct socks5_request req;
    assert_int_equal(socks5_parse_request(m, 21, &req), SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_request(m, 22, &req), SOCKS_OK);
    assert_int_equal(req.atyp, 4);
    assert_string_equal(req.host, "::1");
    assert_int_equal(req.port, 8080);
    assert_int_equal(req.consumed, 22);
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&req.addr;
    assert_int_equal(sin6->sin6_family, AF_INET6);
    assert_true(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
}

static void test_socks_request_domain(void **state)
{
    (void)state;
    static const uint8_t m[] = { 5, 1, 0, 3, 10, 'G', 'i', 't', 'H', 'u', 'b', '.', 'c', 'o', 'm',
                                 0x00, 0x16 };
    struct socks5_request req;
    for (size_t i = 0; i < sizeof m; i++)
        assert_int_equal(socks5_parse_request(m, i, &req), SOCKS_NEED_MORE);
    assert_int_equal(socks5_parse_request(m, sizeof m, &req), SOCKS_OK);
    assert_int_equal(req.atyp, 3);
    assert_string_equal(req.host, "github.com");
    assert_int_equal(req.port, 22);
    assert_int_equal(req.consumed, sizeof m);
    assert_int_equal(req.addr.ss_family, AF_UNSPEC);
    /* An IP literal in the domain field is flagged as an address. */
    static const uint8_t lit[] = { 5, 1, 0, 3, 8, '1', '0', '.', '0', '.', '0', '.', '1', 0, 80 };
    assert_int_equal(socks5_parse_request(lit, sizeof lit, &req), SOCKS_OK);
    assert_int_equal(req.addr.ss_family, AF_INET);
    assert_string_equal(req.host, "10.0.0.1");
}

static void test_socks_request_bad(void **state)
{
    (void)state;
    struct socks5_request req;
    static const uint8_t ver[] = { 4, 1, 0, 1, 1, 2, 3, 4, 0, 80 };
    assert_int_equal(socks5_parse_request(ver, sizeof ver, &req), SOCKS_ERROR);
    static const uint8_t rsv[] = { 5, 1, 1, 1, 1, 2, 3, 4, 0, 80 };
    assert_int_equal(socks5_parse_request(rsv, sizeof rsv, &req), SOCKS_ERROR);
    static const uint8_t atyp[] = { 5, 1, 0, 9, 1, 2, 3, 4, 0, 80 };
    assert_int_equal(socks5_parse_request(atyp, sizeof atyp, &req), SOCKS_ERROR);
    assert_int_equal(req.atyp, 9); /* the caller answers 8 */
    static const uint8_t empty[] = { 5, 1, 0, 3, 0, 0, 80 };
    assert_int_equal(socks5_parse_request(empty, sizeof empty, &req), SOCKS_ERROR);
    static const uint8_t badname[] = { 5, 1, 0, 3, 3, 'a', '/', 'b', 0, 80 };
    assert_int_equal(socks5_parse_request(badname, sizeof badname, &req), SOCKS_ERROR);
    static const uint8_t nul[] = { 5, 1, 0, 3, 3, 'a', 0, 'b', 0, 80 };
    assert_int_equal(socks5_parse_request(nul, sizeof nul, &req), SOCKS_ERROR);
    /* Other commands parse; the caller answers 7. */
    static const uint8_t bind[] = { 5, 2, 0, 1, 1, 2, 3, 4, 0, 80 };
    assert_int_equal(socks5_parse_request(bind, sizeof bind, &req), SOCKS_OK);
    assert_int_equal(req.cmd, 2);
}

static void test_socks_reply(void **state)
{
    (void)state;
    uint8_t out[10];
    static const uint8_t want[10] = { 5, 2, 0, 1, 0, 0, 0, 0, 0, 0 };
    memset(out, 0xaa, sizeof out);
    assert_int_equal(socks5_build_reply(2, out), 10);
    assert_memory_equal(out, want, 10);
}

/* ----------------------------------------------------------------- TLS */

static void test_tls_sni(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(tls_parse_client_hello_sni(hello_sni, sizeof hello_sni, out, sizeof out),
                     TLS_OK);
    assert_string_equal(out, "example.com");
    /* Too small an output buffer is an error, not a truncation. */
    char small[8];
    assert_int_equal(tls_parse_client_hello_sni(hello_sni, sizeof hello_sni, small, sizeof small),
                     TLS_ERROR);
    assert_string_equal(small, "");
}

static void test_tls_no_sni(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(tls_parse_client_hello_sni(hello_nosni, sizeof hello_nosni, out, sizeof out),
                     TLS_NO_SNI);
}

static void test_tls_truncated(void **state)
{
    (void)state;
    char out[256];
    for (size_t i = 0; i < sizeof hello_sni; i++)
        assert_int_equal(tls_parse_client_hello_sni(hello_sni, i, out, sizeof out), TLS_NEED_MORE);
}

/* Re-frame the captured hello into records of at most frag bytes. */
static size_t fragment(const uint8_t *rec, size_t len, size_t frag, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 5; i < len; i += frag) {
        size_t k = len - i < frag ? len - i : frag;
        out[o++] = 0x16, out[o++] = 0x03, out[o++] = 0x01;
        out[o++] = (uint8_t)(k >> 8), out[o++] = (uint8_t)k;
        memcpy(out + o, rec + i, k);
        o += k;
    }
    return o;
}

static void test_tls_fragmented(void **state)
{
    (void)state;
    static uint8_t buf[sizeof hello_sni * 6];
    char out[256];
    static const size_t frags[] = { 1, 3, 100, 200 };
    for (size_t f = 0; f < sizeof frags / sizeof frags[0]; f++) {
        size_t n = fragment(hello_sni, sizeof hello_sni, frags[f], buf);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(tls_parse_client_hello_sni(buf, i, out, sizeof out), TLS_NEED_MORE);
        assert_int_equal(tls_parse_client_hello_sni(buf, n, out, sizeof out), TLS_OK);
        assert_string_equal(out, "example.com");
    }
    /* An alert record in the middle of the hello. */
    size_t n = fragment(hello_sni, sizeof hello_sni, 100, buf);
    buf[105] = 0x15;
    assert_int_equal(tls_parse_client_hello_sni(buf, n, out, sizeof out), TLS_ERROR);
}

static void test_tls_not_tls(void **state)
{
    (void)state;
    char out[256];
    static const char *const junk[] = { "GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH\r\n", "\x16\x02",
                                        "\x16\x03\x05", NULL };
    for (size_t i = 0; junk[i]; i++)
        assert_int_equal(tls_parse_client_hello_sni((const uint8_t *)junk[i], strlen(junk[i]), out,
                                                    sizeof out), TLS_NOT_TLS);
    assert_int_equal(tls_parse_client_hello_sni((const uint8_t *)"\x16", 1, out, sizeof out),
                     TLS_NEED_MORE);
}

static void corrupt(uint8_t *m, size_t at, int delta)
{
    size_t v = ((size_t)m[at] << 8 | m[at + 1]) + (size_t)delta;
    m[at] = (uint8_t)(v >> 8), m[at + 1] = (uint8_t)v;
}

static void test_tls_malformed(void **state)
{
    (void)state;
    uint8_t m[sizeof hello_sni];
    char out[256];
    /* Offsets in the captured hello: record length 0x03, extensions length
     * 0x8e, server_name extension length 0x92, its list length 0x94, the
     * name length 0x97; "Example.COM" at 0x99. */
    static const struct { size_t at; int delta; } lens[] = {
        { 0x8e, +1 }, { 0x8e, -1 }, { 0x92, +1 }, { 0x92, -1 }, { 0x94, +1 }, { 0x94, -1 },
        { 0x97, +1 }, { 0x97, -1 }, { 0x97, -11 },
        { 0x03, -(int)(sizeof hello_sni - 5) }, /* empty record */
        { 0x03, 0x4000 },                       /* record over 16 KiB */
    };
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        memcpy(m, hello_sni, sizeof m);
        corrupt(m, lens[i].at, lens[i].delta);
        if (tls_parse_client_hello_sni(m, sizeof m, out, sizeof out) != TLS_ERROR)
            fail_msg("length case %zu accepted", i);
    }
    static const struct { size_t at; uint8_t v; } bytes[] = {
        { 0x2b, 33 },   /* session id longer than 32 */
        { 0x05, 2 },    /* a ServerHello from a client */
        { 0x06, 1 },    /* a handshake message over 64 KiB */
        { 0xa0, '/' },  /* "Example/COM" is no host name */
        { 0xa5, 0x00 }, /* the next extension becomes a second server_name */
    };
    for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++) {
        memcpy(m, hello_sni, sizeof m);
        m[bytes[i].at] = bytes[i].v;
        if (tls_parse_client_hello_sni(m, sizeof m, out, sizeof out) != TLS_ERROR)
            fail_msg("byte case %zu accepted", i);
    }
    /* Sanity: the untouched copy still parses. */
    memcpy(m, hello_sni, sizeof m);
    assert_int_equal(tls_parse_client_hello_sni(m, sizeof m, out, sizeof out), TLS_OK);
}

/* A minimal ClientHello around the given extensions (NULL: none). */
static size_t build_hello(const uint8_t *ext, size_t ext_len, uint8_t *out)
{
    static const uint8_t body[] = {
        0x03, 0x03, /* legacy_version */
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
        17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
        0,                /* session id */
        0x00, 0x02, 0x13, 0x01, /* one cipher suite */
        0x01, 0x00,       /* null compression */
    };
    size_t blen = sizeof body + (ext ? 2 + ext_len : 0);
    size_t o = 0;
    out[o++] = 0x16, out[o++] = 0x03, out[o++] = 0x01;
    out[o++] = (uint8_t)((blen + 4) >> 8), out[o++] = (uint8_t)(blen + 4);
    out[o++] = 1, out[o++] = 0, out[o++] = (uint8_t)(blen >> 8), out[o++] = (uint8_t)blen;
    memcpy(out + o, body, sizeof body);
    o += sizeof body;
    if (ext) {
        out[o++] = (uint8_t)(ext_len >> 8), out[o++] = (uint8_t)ext_len;
        memcpy(out + o, ext, ext_len);
        o += ext_len;
    }
    return o;
}

static void test_tls_built(void **state)
{
    (void)state;
    uint8_t m[256];
    char out[256];
    size_t n = build_hello(NULL, 0, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_NO_SNI);
    static const uint8_t one[] = { 0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', '.', 'B' };
    n = build_hello(one, sizeof one, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_OK);
    assert_string_equal(out, "a.b");
    /* Two host_name entries (RFC 6066 forbids it). */
    static const uint8_t two[] = { 0, 0, 0, 14, 0, 12, 0, 0, 3, 'a', '.', 'b', 0, 0, 3, 'c', '.', 'd' };
    n = build_hello(two, sizeof two, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_ERROR);
    /* Only an entry of another name type: no SNI. */
    static const uint8_t other[] = { 0, 0, 0, 8, 0, 6, 7, 0, 3, 'a', '.', 'b' };
    n = build_hello(other, sizeof other, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_NO_SNI);
    /* An empty name, and an empty server_name list. */
    static const uint8_t empty[] = { 0, 0, 0, 5, 0, 3, 0, 0, 0 };
    n = build_hello(empty, sizeof empty, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_ERROR);
    static const uint8_t nolist[] = { 0, 0, 0, 2, 0, 0 };
    n = build_hello(nolist, sizeof nolist, m);
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_ERROR);
    /* A trailing byte after the extensions. */
    n = build_hello(one, sizeof one, m);
    m[4]++, m[8]++, m[n++] = 0;
    assert_int_equal(tls_parse_client_hello_sni(m, n, out, sizeof out), TLS_ERROR);
}

/* ------------------------------------------------------------- sniffing */

static enum sniffed_proto sniff_str(const char *s)
{
    return sniff_protocol((const uint8_t *)s, strlen(s));
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(sniff_protocol(hello_sni, sizeof hello_sni), PROTO_TLS);
    assert_int_equal(sniff_protocol(hello_sni, 3), PROTO_TLS);
    assert_int_equal(sniff_protocol(hello_sni, 2), PROTO_NEED_MORE);
    assert_int_equal(sniff_str("GET / HTTP/1.1\r\n"), PROTO_HTTP);
    assert_int_equal(sniff_str("POST /x HTTP/1.1\r\n"), PROTO_HTTP);
    assert_int_equal(sniff_str("PROPFIND / HTTP/1.1\r\n"), PROTO_HTTP);
    assert_int_equal(sniff_str("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), PROTO_HTTP);
    assert_int_equal(sniff_str("PO"), PROTO_NEED_MORE);
    assert_int_equal(sniff_str("SSH-2.0-OpenSSH_9.2p1\r\n"), PROTO_SSH);
    assert_int_equal(sniff_str("SSH-1.99-x\r\n"), PROTO_SSH);
    assert_int_equal(sniff_str("SSH-2."), PROTO_NEED_MORE);
    assert_int_equal(sniff_str("SSH-1.5-old\r\n"), PROTO_UNKNOWN);
    assert_int_equal(sniff_str("0032git-upload-pack /project.git\0host=a.b\0"), PROTO_GIT);
    assert_int_equal(sniff_str("003Agit-receive-pack /p.git"), PROTO_GIT);
    assert_int_equal(sniff_str("0033git-upload-archive /p.git"), PROTO_GIT);
    assert_int_equal(sniff_str("0032git-up"), PROTO_NEED_MORE);
    assert_int_equal(sniff_str("0032"), PROTO_NEED_MORE);
    assert_int_equal(sniff_str("003zgit-upload-pack /"), PROTO_UNKNOWN);
    assert_int_equal(sniff_str("0032git-fetch-pack /"), PROTO_UNKNOWN);
    assert_int_equal(sniff_str("EHLO a.b\r\n"), PROTO_UNKNOWN);
    assert_int_equal(sniff_str("get / HTTP/1.1\r\n"), PROTO_UNKNOWN);
    assert_int_equal(sniff_str("GETX"), PROTO_UNKNOWN);
    assert_int_equal(sniff_protocol((const uint8_t *)"\x16\x03\x05", 3), PROTO_UNKNOWN);
    assert_int_equal(sniff_protocol(NULL, 0), PROTO_NEED_MORE);
    assert_string_equal(sniffed_proto_name(PROTO_TLS), "tls");
    assert_string_equal(sniffed_proto_name(PROTO_HTTP), "http");
    assert_string_equal(sniffed_proto_name(PROTO_SSH), "ssh");
    assert_string_equal(sniffed_proto_name(PROTO_GIT), "git");
    assert_string_equal(sniffed_proto_name(PROTO_UNKNOWN), "unknown");
}

static void test_host_normalize(void **state)
{
    (void)state;
    char out[256];
    assert_true(net_host_normalize("A-b_c.EXAMPLE.com.", 18, out, sizeof out));
    assert_string_equal(out, "a-b_c.example.com.");
    assert_false(net_host_normalize("", 0, out, sizeof out));
    assert_false(net_host_normalize(".", 1, out, sizeof out));
    assert_false(net_host_normalize(".a", 2, out, sizeof out));
    assert_false(net_host_normalize("a..b", 4, out, sizeof out));
    assert_false(net_host_normalize("a..", 3, out, sizeof out));
    assert_false(net_host_normalize("a b", 3, out, sizeof out));
    char label[70];
    memset(label, 'x', sizeof label);
    assert_true(net_host_normalize(label, 63, out, sizeof out));
    assert_false(net_host_normalize(label, 64, out, sizeof out));
    assert_false(net_host_normalize("abc", 3, out, 3));
    assert_true(net_host_normalize("abc", 3, out, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_connect),
        cmocka_unit_test(test_http_connect_ipv6),
        cmocka_unit_test(test_http_absolute),
        cmocka_unit_test(test_http_origin_form),
        cmocka_unit_test(test_http_host_mismatch),
        cmocka_unit_test(test_http_bad),
        cmocka_unit_test(test_http_oversize),
        cmocka_unit_test(test_http_byte_by_byte),
        cmocka_unit_test(test_socks_greeting),
        cmocka_unit_test(test_socks_request_ipv4),
        cmocka_unit_test(test_socks_request_ipv6),
        cmocka_unit_test(test_socks_request_domain),
        cmocka_unit_test(test_socks_request_bad),
        cmocka_unit_test(test_socks_reply),
        cmocka_unit_test(test_tls_sni),
        cmocka_unit_test(test_tls_no_sni),
        cmocka_unit_test(test_tls_truncated),
        cmocka_unit_test(test_tls_fragmented),
        cmocka_unit_test(test_tls_not_tls),
        cmocka_unit_test(test_tls_malformed),
        cmocka_unit_test(test_tls_built),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_host_normalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
