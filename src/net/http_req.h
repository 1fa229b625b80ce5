/* HTTP/1.x request heads, for the proxy (CONNECT, absolute-form) and the
 * transparent path (origin-form + Host). No allocation; never reads past
 * len. Re-run on the whole buffer as more bytes arrive. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum http_parse { HTTP_NEED_MORE, HTTP_OK, HTTP_ERROR };

#define HTTP_MAX_HEAD 16384 /* request line + headers + CRLFCRLF */
#define HTTP_MAX_LINE 8192  /* request line, CRLF included */

struct http_request {
    char method[16];
    /* From the CONNECT authority, the absolute-form URI, or the Host header
     * (origin-form); lower-case, no port; an IPv6 literal without brackets
     * ("::1"). Empty only for an HTTP/1.0 origin-form request without Host. */
    char host[256];
    uint16_t port;       /* explicit, else 80; CONNECT requires one */
    bool connect;        /* CONNECT host:port */
    bool absolute_form;  /* "GET http://host[:port]/path HTTP/1.1" */
    char path[2048];     /* origin-form path+query ("*" for OPTIONS *; empty for CONNECT) */
    size_t head_len;     /* bytes of the request head, through CRLFCRLF */
    /* CONNECT or absolute-form whose Host header names another host (the
     * port is not compared: clients omit it in CONNECT's Host). */
    bool host_mismatch;
    /* Additions beyond the issue's API: */
    size_t line_len;     /* bytes of the request line, CRLF included */
    uint8_t http_minor;  /* HTTP/1.<minor>: 0 or 1 */
    long long content_length; /* -1 when absent */
    bool chunked;        /* Transfer-Encoding ends in "chunked" */
};

/* Parse a request head (HTTP/1.0 or 1.1) from buf[0..len).
 * NEED_MORE until CRLFCRLF; ERROR as soon as the bytes seen are invalid:
 * - head > HTTP_MAX_HEAD, request line > HTTP_MAX_LINE, path > 2047 bytes;
 * - a NUL or other control byte, a bare LF or bare CR (lines end in CRLF
 *   only: a stricter choice than RFC 9112 allows, against smuggling), a
 *   leading empty line, obs-fold (a header line starting with SP or HTAB),
 *   whitespace before a header's colon;
 * - a method that is not 1..15 of [A-Z], a version other than HTTP/1.0 or
 *   HTTP/1.1, a target with bytes outside 0x21..0x7e or a fragment;
 * - CONNECT without host:port; authority-form with another method;
 *   absolute-form with a scheme other than http://; userinfo ("@");
 *   a host that is not a DNS name ([A-Za-z0-9-_.]) or a bracketed IPv6
 *   literal; a port outside 1..65535 or an empty one;
 * - two Host headers; HTTP/1.1 origin-form without Host; an invalid or
 *   conflicting Content-Length; Transfer-Encoding not ending in chunked, or
 *   together with Content-Length. */
enum http_parse http_parse_request(const char *buf, size_t len, struct http_request *req);

/* For the transparent path: the same parse and limits, except that a path
 * too long for req->path is not an error (req->path is left empty). The
 * host comes from the Host header for origin-form requests. */
enum http_parse http_parse_host(const char *buf, size_t len, struct http_request *req);
