/* HTTP/1.x request-head parsing for the proxies; see http_req.h. */
#include "net/http_req.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "net/sniff.h"

struct span {
    const char *p;
    size_t n;
};

static bool span_eq_ci(struct span s, const char *lit)
{
    return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

static struct span span_trim(struct span s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* One byte of the head: CR and LF only as CRLF; no other control bytes
 * except HTAB. */
static bool head_byte_ok(const char *buf, size_t i, size_t scan)
{
    unsigned char c = (unsigned char)buf[i];
    if (c == '\n')
        return i > 0 && buf[i - 1] == '\r';
    if (c == '\r')
        return i + 1 >= scan || buf[i + 1] == '\n';
    return (c >= 0x20 || c == '\t') && c != 0x7f;
}

/* Find the request line and the end of the head (CRLFCRLF). */
static enum http_parse scan_head(const char *buf, size_t len, struct http_request *req)
{
    size_t scan = len < HTTP_MAX_HEAD ? len : HTTP_MAX_HEAD;
    for (size_t i = 0; i < scan; i++) {
        if (!head_byte_ok(buf, i, scan))
            return HTTP_ERROR;
        if (!req->line_len && i + 1 >= HTTP_MAX_LINE && buf[i] != '\n')
            return HTTP_ERROR; /* request line too long */
        if (buf[i] != '\n')
            continue;
        if (!req->line_len)
            req->line_len = i + 1;
        else if (buf[i - 2] == '\n') { /* "\r\n\r\n": i >= 3 here */
            req->head_len = i + 1;
            return HTTP_OK;
        }
    }
    return scan == HTTP_MAX_HEAD ? HTTP_ERROR : HTTP_NEED_MORE;
}

static bool copy_span(struct span s, char *out, size_t size)
{
    if (s.n >= size)
        return false;
    memcpy(out, s.p, s.n);
    out[s.n] = '\0';
    return true;
}

/* "1".."65535"; an empty port is refused. */
static bool parse_port(struct span s, uint16_t *port)
{
    unsigned v = 0;
    if (s.n == 0 || s.n > 5)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s.p[i] - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    *port = (uint16_t)v;
    return true;
}

/* "[v6]" -> "v6" lower-cased, checked with inet_pton; no zone ids. */
static bool parse_v6_host(struct span s, char *out, size_t size)
{
    char text[INET6_ADDRSTRLEN];
    struct in6_addr a;
    if (s.n < 2 || s.p[0] != '[' || s.p[s.n - 1] != ']' || s.n - 2 >= sizeof text)
        return false;
    memcpy(text, s.p + 1, s.n - 2);
    text[s.n - 2] = '\0';
    if (inet_pton(AF_INET6, text, &a) != 1)
        return false;
    for (char *c = text; *c; c++)
        if (*c >= 'A' && *c <= 'F')
            *c = (char)(*c - 'A' + 'a');
    return copy_span((struct span){ text, s.n - 2 }, out, size);
}

/* host[:port] or [v6][:port]. port stays untouched when absent. */
static bool parse_authority(struct span a, char *host, size_t size, uint16_t *port, bool *has_port)
{
    struct span h = a, p = { NULL, 0 };
    *has_port = false;
    if (a.n == 0 || memchr(a.p, '@', a.n))
        return false; /* userinfo is never accepted */
    const char *colon;
    if (a.p[0] == '[') {
        const char *rb = memchr(a.p, ']', a.n);
        if (!rb)
            return false;
        h.n = (size_t)(rb - a.p) + 1;
        colon = h.n < a.n ? rb + 1 : NULL;
        if (colon && *colon != ':')
            return false;
    } else {
        colon = memchr(a.p, ':', a.n);
        if (colon)
            h.n = (size_t)(colon - a.p);
    }
    if (colon) {
        p = (struct span){ colon + 1, a.n - h.n - 1 };
        if (!parse_port(p, port))
            return false;
        *has_port = true;
    }
    if (h.p[0] == '[')
        return parse_v6_host(h, host, size);
    return net_host_normalize(h.p, h.n, host, size);
}

static bool method_ok(struct span m)
{
    if (m.n == 0 || m.n > 15)
        return false;
    for (size_t i = 0; i < m.n; i++)
        if (m.p[i] < 'A' || m.p[i] > 'Z')
            return false;
    return true;
}

/* Visible ASCII only, and no fragment. */
static bool target_ok(struct span t)
{
    if (t.n == 0)
        return false;
    for (size_t i = 0; i < t.n; i++) {
        unsigned char c = (unsigned char)t.p[i];
        if (c < 0x21 || c > 0x7e || c == '#')
            return false;
    }
    return true;
}

/* Origin-form path into req->path; a '?'-only tail gets a leading '/'. */
static bool set_path(struct span rest, struct http_request *req, bool lenient)
{
    size_t pre = rest.n == 0 || rest.p[0] == '?' ? 1 : 0;
    if (pre + rest.n >= sizeof req->path) {
        req->path[0] = '\0';
        return lenient;
    }
    req->path[0] = '/';
    memcpy(req->path + pre, rest.p, rest.n);
    req->path[pre + rest.n] = '\0';
    return true;
}

static bool parse_absolute(struct span t, struct http_request *req, bool lenient)
{
    static const char scheme[] = "http://";
    const size_t sl = sizeof scheme - 1;
    if (t.n <= sl || strncasecmp(t.p, scheme, sl) != 0)
        return false;
    struct span auth = { t.p + sl, t.n - sl };
    size_t i = 0;
    while (i < auth.n && auth.p[i] != '/' && auth.p[i] != '?')
        i++;
    struct span rest = { auth.p + i, auth.n - i };
    auth.n = i;
    bool has_port;
    req->port = 80;
    req->absolute_form = true;
    return parse_authority(auth, req->host, sizeof req->host, &req->port, &has_port) &&
           set_path(rest, req, lenient);
}

static bool parse_target(struct span m, struct span t, struct http_request *req, bool lenient)
{
    if (!target_ok(t))
        return false;
    if (span_eq_ci(m, "CONNECT")) {
        bool has_port;
        req->connect = true;
        return parse_authority(t, req->host, sizeof req->host, &req->port, &has_port) &&
               has_port;
    }
    if (t.p[0] == '/')
        return set_path(t, req, lenient);
    if (t.n == 1 && t.p[0] == '*' && span_eq_ci(m, "OPTIONS"))
        return copy_span(t, req->path, sizeof req->path);
    return parse_absolute(t, req, lenient);
}

/* "METHOD SP target SP HTTP/1.x" (line without its CRLF). */
static bool parse_request_line(struct span line, struct http_request *req, bool lenient)
{
    const char *sp1 = memchr(line.p, ' ', line.n);
    if (!sp1)
        return false;
    struct span m = { line.p, (size_t)(sp1 - line.p) };
    struct span rest = { sp1 + 1, line.n - m.n - 1 };
    const char *sp2 = memchr(rest.p, ' ', rest.n);
    if (!sp2)
        return false;
    struct span t = { rest.p, (size_t)(sp2 - rest.p) };
    struct span v = { sp2 + 1, rest.n - t.n - 1 };
    if (!method_ok(m) || !copy_span(m, req->method, sizeof req->method))
        return false;
    if (v.n != 8 || memcmp(v.p, "HTTP/1.", 7) != 0 || (v.p[7] != '0' && v.p[7] != '1'))
        return false;
    req->http_minor = (uint8_t)(v.p[7] - '0');
    return parse_target(m, t, req, lenient);
}

/* Header fields that matter to the proxy. */
struct fields {
    bool host_seen, te_seen;
    char host[256];
    uint16_t port;
};

static bool token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool parse_content_length(struct span v, struct http_request *req)
{
    long long n = 0;
    if (v.n == 0 || v.n > 15)
        return false;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return false;
        n = n * 10 + (v.p[i] - '0');
    }
    if (req->content_length >= 0 && req->content_length != n)
        return false;
    req->content_length = n;
    return true;
}

/* The last transfer coding must be chunked (RFC 9112 6.3). */
static bool parse_transfer_encoding(struct span v, struct http_request *req, struct fields *f)
{
    const char *comma = v.n ? memrchr(v.p, ',', v.n) : NULL;
    struct span last = comma ? (struct span){ comma + 1, v.n - (size_t)(comma + 1 - v.p) } : v;
    f->te_seen = true;
    req->chunked = span_eq_ci(span_trim(last), "chunked");
    return req->chunked;
}

static bool parse_field(struct span line, struct http_request *req, struct fields *f)
{
    const char *colon = memchr(line.p, ':', line.n);
    if (!colon || colon == line.p)
        return false;
    struct span name = { line.p, (size_t)(colon - line.p) };
    for (size_t i = 0; i < name.n; i++)
        if (!token_char(name.p[i]))
            return false; /* also whitespace before the colon */
    struct span v = span_trim((struct span){ colon + 1, line.n - name.n - 1 });
    bool has_port;
    if (span_eq_ci(name, "host")) {
        if (f->host_seen)
            return false;
        f->host_seen = true;
        f->port = 80;
        return parse_authority(v, f->host, sizeof f->host, &f->port, &has_port);
    }
    if (span_eq_ci(name, "content-length"))
        return parse_content_length(v, req);
    if (span_eq_ci(name, "transfer-encoding"))
        return !f->te_seen && parse_transfer_encoding(v, req, f);
    return true;
}

/* Header lines between the request line and the final CRLF. */
static bool parse_fields(const char *buf, struct http_request *req, struct fields *f)
{
    size_t off = req->line_len, end = req->head_len - 2;
    while (off < end) {
        const char *nl = memchr(buf + off, '\n', end - off);
        size_t n = (size_t)(nl - (buf + off)) - 1; /* without CRLF; nl exists */
        if (buf[off] == ' ' || buf[off] == '\t')
            return false; /* obs-fold */
        if (!parse_field((struct span){ buf + off, n }, req, f))
            return false;
        off += n + 2;
    }
    return !(f->te_seen && req->content_length >= 0);
}

/* Host: the target's authority wins; the header must agree with it. */
static bool settle_host(struct http_request *req, const struct fields *f)
{
    if (req->connect || req->absolute_form) {
        req->host_mismatch = f->host_seen && strcmp(f->host, req->host) != 0;
        return true;
    }
    if (!f->host_seen) {
        req->port = 80;
        return req->http_minor == 0;
    }
    memcpy(req->host, f->host, sizeof req->host);
    req->port = f->port;
    return true;
}

static enum http_parse parse(const char *buf, size_t len, struct http_request *req, bool lenient)
{
    struct fields f = { 0 };
    memset(req, 0, sizeof *req);
    req->content_length = -1;
    if (!buf)
        return len ? HTTP_ERROR : HTTP_NEED_MORE;
    enum http_parse r = scan_head(buf, len, req);
    if (r != HTTP_OK)
        return r;
    struct span line = { buf, req->line_len - 2 };
    if (!parse_request_line(line, req, lenient) || !parse_fields(buf, req, &f) ||
        !settle_host(req, &f))
        return HTTP_ERROR;
    return HTTP_OK;
}

enum http_parse http_parse_request(const char *buf, size_t len, struct http_request *req)
{
    return parse(buf, len, req, false);
}

enum http_parse http_parse_host(const char *buf, size_t len, struct http_request *req)
{
    return parse(buf, len, req, true);
}
