/* Protocol sniffing from a client's first bytes; see sniff.h. */
#include "net/sniff.h"

#include <string.h>

enum match { M_NO, M_PARTIAL, M_YES };

/* Does buf[0..len) start with lit, or is it a proper prefix of it? */
static enum match match_lit(const uint8_t *buf, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    size_t k = len < n ? len : n;
    if (memcmp(buf, lit, k) != 0)
        return M_NO;
    return len >= n ? M_YES : M_PARTIAL;
}

/* The best of several literal patterns: YES beats PARTIAL beats NO. */
static enum match match_any(const uint8_t *buf, size_t len, const char *const *lits)
{
    enum match best = M_NO;
    for (; *lits; lits++) {
        enum match m = match_lit(buf, len, *lits);
        if (m > best)
            best = m;
    }
    return best;
}

static enum match match_tls(const uint8_t *buf, size_t len)
{
    if (buf[0] != 0x16)
        return M_NO;
    if (len >= 2 && buf[1] != 0x03)
        return M_NO;
    if (len >= 3 && buf[2] > 0x04)
        return M_NO;
    return len >= 3 ? M_YES : M_PARTIAL;
}

static enum match match_http(const uint8_t *buf, size_t len)
{
    static const char *const methods[] = {
        "GET ", "HEAD ", "POST ", "PUT ", "DELETE ", "CONNECT ", "OPTIONS ",
        "TRACE ", "PATCH ", "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ",
        "MOVE ", "LOCK ", "UNLOCK ", "REPORT ", "SEARCH ", "PRI * HTTP/2.0",
        NULL,
    };
    return match_any(buf, len, methods);
}

static enum match match_ssh(const uint8_t *buf, size_t len)
{
    static const char *const versions[] = { "SSH-2.0-", "SSH-1.99-", NULL };
    return match_any(buf, len, versions);
}

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* git:// (git-daemon): "00xxgit-upload-pack /repo\0host=...\0". */
static enum match match_git(const uint8_t *buf, size_t len)
{
    static const char *const services[] = {
        "git-upload-pack ", "git-receive-pack ", "git-upload-archive ", NULL,
    };
    for (size_t i = 0; i < 4 && i < len; i++)
        if (!is_hex(buf[i]))
            return M_NO;
    if (len <= 4)
        return M_PARTIAL;
    return match_any(buf + 4, len - 4, services);
}

enum sniffed_proto sniff_protocol(const uint8_t *buf, size_t len)
{
    static const struct {
        enum match (*fn)(const uint8_t *, size_t);
        enum sniffed_proto proto;
    } sniffers[] = {
        { match_tls, PROTO_TLS },
        { match_http, PROTO_HTTP },
        { match_ssh, PROTO_SSH },
        { match_git, PROTO_GIT },
    };
    if (!buf || len == 0)
        return PROTO_NEED_MORE;
    bool partial = false;
    for (size_t i = 0; i < sizeof sniffers / sizeof sniffers[0]; i++) {
        enum match m = sniffers[i].fn(buf, len);
        if (m == M_YES)
            return sniffers[i].proto;
        partial |= m == M_PARTIAL;
    }
    return partial ? PROTO_NEED_MORE : PROTO_UNKNOWN;
}

const char *sniffed_proto_name(enum sniffed_proto p)
{
    switch (p) {
    case PROTO_TLS: return "tls";
    case PROTO_HTTP: return "http";
    case PROTO_SSH: return "ssh";
    case PROTO_GIT: return "git";
    case PROTO_NEED_MORE: return "need-more";
    case PROTO_UNKNOWN: break;
    }
    return "unknown";
}

static bool host_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

bool net_host_normalize(const char *in, size_t n, char *out, size_t size)
{
    size_t body = n > 0 && in[n - 1] == '.' ? n - 1 : n; /* without the trailing dot */
    if (body == 0 || body > 253 || n >= size)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < body; i++) {
        char c = in[i];
        if (!host_char_ok(c))
            return false;
        if (c == '.') {
            if (label == 0)
                return false; /* empty label: leading dot or ".." */
            label = 0;
        } else if (++label > 63) {
            return false;
        }
    }
    if (label == 0)
        return false; /* "x.." */
    for (size_t i = 0; i < n; i++)
        out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
    out[n] = '\0';
    return true;
}
