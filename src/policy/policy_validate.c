/* Checks and canonical forms for the values a policy file may hold:
 * paths (with variables), domain patterns, addresses, variable names. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_internal.h"
#include "util/fileutil.h"
#include "util/log.h"

const char *const policy_protocol_words[] = {
    "http", "https", "tls", "ssh", "git", "ftp", "telnet", "smtp", "dns", NULL,
};

#define QUOTE_MAX 96

const char *policy_quote(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    if (n < 8)
        return "\"...\"";
    buf[o++] = '"';
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (o + 8 >= n || i >= QUOTE_MAX) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        else if (c == '"' || c == '\\')
            o += (size_t)snprintf(buf + o, n - o, "\\%c", c);
        else
            buf[o++] = (char)c;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return buf;
}

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *find_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return s;
    return NULL;
}

/* ---- paths ---- */

struct sbuf {
    char *s;
    size_t n, cap;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static const char *const path_vars_hint =
    "an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}";

/* The value of ${name}, or NULL when unknown (why filled). */
static const char *path_var(const char *name, size_t n, const struct policy_env *env,
                            const char *workspace, char *why, size_t whylen)
{
    const char *v = NULL;
    if (n == 4 && memcmp(name, "HOME", 4) == 0) {
        v = env ? env->home : NULL;
        if (!v)
            fail(why, whylen, "${HOME} is used but HOME is not set; expected %s",
                 path_vars_hint);
        return v;
    }
    if (n == 9 && memcmp(name, "WORKSPACE", 9) == 0)
        return workspace;
    if (n == 6 && memcmp(name, "TMPDIR", 6) == 0)
        return env && env->tmpdir ? env->tmpdir : "/tmp";
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%.*s", (int)(n > 64 ? 64 : n), name);
    fail(why, whylen, "unknown variable ${%s}; expected ${HOME}, ${WORKSPACE} or ${TMPDIR}",
         tmp);
    return NULL;
}

static int expand_vars(const char *in, const struct policy_env *env,
                       const char *workspace, struct sbuf *b, char *why, size_t whylen)
{
    const char *s = in;
    if (s[0] == '~') {
        if (s[1] != '\0' && s[1] != '/')
            return fail(why, whylen, "~user is not supported; expected %s", path_vars_hint);
        if (!env || !env->home)
            return fail(why, whylen, "~ is used but HOME is not set; expected %s",
                        path_vars_hint);
        sbuf_add(b, env->home, strlen(env->home));
        s++;
    }
    while (*s) {
        const char *d = strstr(s, "${");
        if (!d) {
            sbuf_add(b, s, strlen(s));
            break;
        }
        sbuf_add(b, s, (size_t)(d - s));
        const char *end = strchr(d + 2, '}');
        if (!end)
            return fail(why, whylen, "unterminated ${; expected ${HOME}, ${WORKSPACE} or ${TMPDIR}");
        const char *v = path_var(d + 2, (size_t)(end - d - 2), env, workspace, why, whylen);
        if (!v)
            return -1;
        sbuf_add(b, v, strlen(v));
        s = end + 1;
    }
    return 0;
}

int policy_expand_path(const char *in, const struct policy_env *env,
                       const char *workspace, char **out, char *why, size_t whylen)
{
    char q[128];
    if (!in[0])
        return fail(why, whylen, "empty path; expected %s", path_vars_hint);
    const char *ctl = find_control(in);
    if (ctl)
        return fail(why, whylen, "path contains control character 0x%02x; expected %s",
                    (unsigned char)*ctl, path_vars_hint);
    struct sbuf b = { 0 };
    sbuf_add(&b, "", 0);
    if (expand_vars(in, env, workspace, &b, why, whylen) < 0) {
        free(b.s);
        return -1;
    }
    /* Variables come from the caller's environment, so check again. */
    if (b.s[0] != '/' || find_control(b.s)) {
        fail(why, whylen, "%s %s; expected %s", policy_quote(b.s, q, sizeof q),
             b.s[0] != '/' ? "is not an absolute path" : "contains a control character",
             path_vars_hint);
        free(b.s);
        return -1;
    }
    *out = path_normalize(b.s);
    free(b.s);
    return 0;
}

/* ---- addresses ---- */

static bool parse_port(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

/* Which address family s (exactly n bytes) parses as: 4, 6 or 0. */
static int ip_family(const char *s, size_t n)
{
    char tmp[INET6_ADDRSTRLEN + 1];
    unsigned char addr[16];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET, tmp, addr) == 1)
        return 4;
    if (inet_pton(AF_INET6, tmp, addr) == 1)
        return 6;
    return 0;
}

int policy_check_ip(const char *in, char *why, size_t whylen)
{
    char q[128];
    if (ip_family(in, strlen(in)))
        return 0;
    return fail(why, whylen, "%s is not an IP address; expected an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
                policy_quote(in, q, sizeof q));
}

/* "addr" or "addr/prefix". */
static int check_cidr(const char *in, char *why, size_t whylen)
{
    char q[128];
    const char *slash = strchr(in, '/');
    size_t alen = slash ? (size_t)(slash - in) : strlen(in);
    int fam = ip_family(in, alen);
    if (!fam)
        return fail(why, whylen, "%s is not a valid IP address or CIDR; expected e.g. 10.0.0.0/8 or fd00::/8",
                    policy_quote(in, q, sizeof q));
    if (!slash)
        return 0;
    const char *pfx = slash + 1;
    size_t plen = strlen(pfx);
    unsigned v = 0;
    bool ok = plen >= 1 && plen <= 3;
    for (size_t i = 0; ok && i < plen; i++) {
        ok = isdigit((unsigned char)pfx[i]);
        v = v * 10 + (unsigned)(pfx[i] - '0');
    }
    if (!ok || v > (fam == 4 ? 32u : 128u))
        return fail(why, whylen, "%s has an invalid prefix length; expected /0 to /%u",
                    policy_quote(in, q, sizeof q), fam == 4 ? 32u : 128u);
    return 0;
}

static bool looks_like_ip(const char *s)
{
    if (strchr(s, ':'))
        return true;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s) && *s != '.' && *s != '/')
            return false;
    return true;
}

int policy_check_upstream(const char *in, char *why, size_t whylen)
{
    char q[128];
    const char *colon = strrchr(in, ':');
    bool ok;
    if (in[0] == '[') {
        const char *close = strchr(in, ']');
        ok = close && ip_family(in + 1, (size_t)(close - in - 1)) == 6 &&
             (close[1] == '\0' || (close[1] == ':' && parse_port(close + 2, strlen(close + 2))));
    } else if (colon && strchr(in, ':') == colon) {
        /* Exactly one colon: IPv4 with a port. */
        ok = ip_family(in, (size_t)(colon - in)) == 4 &&
             parse_port(colon + 1, strlen(colon + 1));
    } else {
        ok = ip_family(in, strlen(in)) != 0;
    }
    if (ok)
        return 0;
    return fail(why, whylen, "%s is not a DNS server address; expected \"IP\", \"IPv4:port\" or \"[IPv6]:port\"",
                policy_quote(in, q, sizeof q));
}

/* ---- domains ---- */

static const char *const domain_hint =
    "a domain name (letters, digits, '-', '.'), \"*.suffix\", an IP address or a CIDR";

static int check_label_char(const char *in, size_t i, char *why, size_t whylen)
{
    char q[128];
    unsigned char c = (unsigned char)in[i];
    if (isalnum(c) || c == '-' || c == '_')
        return 0;
    if (c == '*')
        return fail(why, whylen, "%s: a wildcard is only accepted as a leading \"*.\" (e.g. \"*.example.com\"); expected %s",
                    policy_quote(in, q, sizeof q), domain_hint);
    if (c >= 0x20 && c < 0x7f)
        return fail(why, whylen, "invalid character '%c' in domain %s; expected %s", c,
                    policy_quote(in, q, sizeof q), domain_hint);
    return fail(why, whylen, "invalid byte 0x%02x in domain %s; expected %s", c,
                policy_quote(in, q, sizeof q), domain_hint);
}

/* Labels of 1..63 characters, not starting or ending with '-'. */
static int check_hostname(const char *in, const char *name, size_t n,
                          char *why, size_t whylen)
{
    char q[128];
    if (n == 0 || n > 253)
        return fail(why, whylen, "%s is not a valid domain name length; expected 1 to 253 characters",
                    policy_quote(in, q, sizeof q));
    size_t label = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || name[i] == '.') {
            if (label == 0 || label > 63)
                return fail(why, whylen, "%s has an empty or over-long label; expected %s",
                            policy_quote(in, q, sizeof q), domain_hint);
            if (name[i - label] == '-' || name[i - 1] == '-')
                return fail(why, whylen, "%s has a label starting or ending with '-'; expected %s",
                            policy_quote(in, q, sizeof q), domain_hint);
            label = 0;
            continue;
        }
        if (check_label_char(in, (size_t)(name - in) + i, why, whylen) < 0)
            return -1;
        label++;
    }
    return 0;
}

static char *lower_copy(const char *s, size_t n)
{
    char *o = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        o[i] = (char)tolower((unsigned char)s[i]);
    o[n] = '\0';
    return o;
}

/* Mistakes with a likely intent get a message that names it. */
static int domain_shape_errors(const char *in, char *why, size_t whylen)
{
    char q[128];
    if (!in[0])
        return fail(why, whylen, "empty domain; expected %s", domain_hint);
    if (strcmp(in, "*") == 0)
        return fail(why, whylen, "a lone \"*\" would trust every destination; use network.mode \"host\" to turn filtering off, or \"*.example.com\" for the subdomains of one domain");
    if (strstr(in, "://"))
        return fail(why, whylen, "%s is a URL; expected a bare domain such as \"github.com\" (no scheme, port or path)",
                    policy_quote(in, q, sizeof q));
    const char *colon = strchr(in, ':');
    if (colon && colon == strrchr(in, ':') && parse_port(colon + 1, strlen(colon + 1)))
        return fail(why, whylen, "%s has a port; expected a domain without one (ports go in network.allowed_ports)",
                    policy_quote(in, q, sizeof q));
    if (strchr(in, '/') && !looks_like_ip(in))
        return fail(why, whylen, "%s has a path; expected a bare domain such as \"github.com\"",
                    policy_quote(in, q, sizeof q));
    return 0;
}

int policy_check_domain(const char *in, bool allow_ip, char **out, char *why, size_t whylen)
{
    if (domain_shape_errors(in, why, whylen) < 0)
        return -1;
    if (allow_ip && looks_like_ip(in)) {
        if (check_cidr(in, why, whylen) < 0)
            return -1;
        *out = lower_copy(in, strlen(in));
        return 0;
    }
    size_t skip = strncmp(in, "*.", 2) == 0 ? 2 : 0;
    size_t n = strlen(in + skip);
    /* "example.com." is the same name as "example.com". */
    if (n > 1 && in[skip + n - 1] == '.')
        n--;
    if (check_hostname(in, in + skip, n, why, whylen) < 0)
        return -1;
    *out = lower_copy(in, skip + n);
    return 0;
}

/* ---- environment variable names ---- */

int policy_check_env_pattern(const char *in, char *why, size_t whylen)
{
    char q[128];
    bool ok = in[0] != '\0';
    for (const char *s = in; ok && *s; s++)
        ok = isalnum((unsigned char)*s) || *s == '_' || *s == '*' || *s == '?';
    if (ok)
        return 0;
    return fail(why, whylen, "%s is not a variable name pattern; expected letters, digits, '_' and the wildcards '*' and '?'",
                policy_quote(in, q, sizeof q));
}

int policy_check_env_name(const char *in, char *why, size_t whylen)
{
    char q[128];
    bool ok = isalpha((unsigned char)in[0]) || in[0] == '_';
    for (const char *s = in; ok && *s; s++)
        ok = isalnum((unsigned char)*s) || *s == '_';
    if (ok)
        return 0;
    return fail(why, whylen, "%s is not a variable name; expected letters, digits and '_', not starting with a digit",
                policy_quote(in, q, sizeof q));
}
