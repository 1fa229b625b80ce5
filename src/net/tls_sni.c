/* TLS ClientHello server_name extraction; see tls_sni.h. */
#include "net/tls_sni.h"

#include <stdbool.h>
#include <string.h>

#include "net/sniff.h"

#define REC_HDR 5
#define REC_MAX 16384       /* TLSPlaintext.length limit (RFC 8446 5.1) */
#define HS_CLIENT_HELLO 1
#define EXT_SERVER_NAME 0
#define SNI_HOST_NAME 0

/* A bounds-checked reader over a byte range. */
struct rd {
    const uint8_t *p;
    size_t n;
};

static bool rd_u8(struct rd *r, size_t *v)
{
    if (r->n < 1)
        return false;
    *v = r->p[0];
    r->p++, r->n--;
    return true;
}

static bool rd_u16(struct rd *r, size_t *v)
{
    if (r->n < 2)
        return false;
    *v = (size_t)r->p[0] << 8 | r->p[1];
    r->p += 2, r->n -= 2;
    return true;
}

static bool rd_skip(struct rd *r, size_t k)
{
    if (r->n < k)
        return false;
    r->p += k, r->n -= k;
    return true;
}

/* Split off the next k bytes as their own reader. */
static bool rd_sub(struct rd *r, size_t k, struct rd *sub)
{
    if (r->n < k)
        return false;
    *sub = (struct rd){ r->p, k };
    return rd_skip(r, k);
}

/* A vector with a length prefix of 1 or 2 bytes. */
static bool rd_vec(struct rd *r, int width, struct rd *sub)
{
    size_t k;
    if (!(width == 1 ? rd_u8(r, &k) : rd_u16(r, &k)))
        return false;
    return rd_sub(r, k, sub);
}

/* Record header checks: NOT_TLS for the first record, ERROR for later ones. */
static enum tls_parse check_header(const uint8_t *h, size_t have, bool first)
{
    enum tls_parse bad = first ? TLS_NOT_TLS : TLS_ERROR;
    if (have >= 1 && h[0] != 0x16)
        return bad;
    if (have >= 2 && h[1] != 0x03)
        return bad;
    if (have >= 3 && h[2] > 0x04)
        return bad;
    return have >= REC_HDR ? TLS_OK : TLS_NEED_MORE;
}

/* Gather the handshake message from the records into hs; *hs_len is its
 * full length once complete. */
static enum tls_parse reassemble(const uint8_t *buf, size_t len, uint8_t *hs, size_t *hs_len)
{
    size_t off = 0, have = 0, need = 0;
    for (;;) {
        enum tls_parse h = check_header(buf + off, len - off, off == 0);
        if (h != TLS_OK)
            return h;
        size_t rlen = (size_t)buf[off + 3] << 8 | buf[off + 4];
        if (rlen == 0 || rlen > REC_MAX)
            return TLS_ERROR;
        size_t avail = len - off - REC_HDR < rlen ? len - off - REC_HDR : rlen;
        size_t room = (need ? need : TLS_MAX_HELLO) - have;
        size_t take = avail < room ? avail : room;
        memcpy(hs + have, buf + off + REC_HDR, take);
        have += take;
        if (!need && have >= 4) {
            if (hs[0] != HS_CLIENT_HELLO)
                return TLS_ERROR;
            need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
            if (need > TLS_MAX_HELLO)
                return TLS_ERROR;
            if (have > need)
                have = need;
        }
        if (need && have == need) {
            *hs_len = need;
            return TLS_OK;
        }
        if (avail < rlen)
            return TLS_NEED_MORE;
        off += REC_HDR + rlen;
        if (off == len)
            return TLS_NEED_MORE;
    }
}

/* The server_name extension body: ServerNameList, parsed to its end; at
 * most one host_name entry (RFC 6066 3). */
static enum tls_parse parse_sni_ext(struct rd ext, char *out, size_t size)
{
    struct rd list;
    bool found = false;
    if (!rd_vec(&ext, 2, &list) || ext.n != 0 || list.n == 0)
        return TLS_ERROR;
    while (list.n) {
        size_t type;
        struct rd name;
        if (!rd_u8(&list, &type) || !rd_vec(&list, 2, &name))
            return TLS_ERROR;
        if (type != SNI_HOST_NAME)
            continue;
        if (found || !net_host_normalize((const char *)name.p, name.n, out, size))
            return TLS_ERROR;
        found = true;
    }
    return found ? TLS_OK : TLS_NO_SNI;
}

static enum tls_parse parse_extensions(struct rd exts, char *out, size_t size)
{
    enum tls_parse res = TLS_NO_SNI;
    bool seen = false;
    while (exts.n) {
        size_t type;
        struct rd body;
        if (!rd_u16(&exts, &type) || !rd_vec(&exts, 2, &body))
            return TLS_ERROR;
        if (type != EXT_SERVER_NAME)
            continue;
        if (seen)
            return TLS_ERROR; /* duplicate extension (RFC 8446 4.2) */
        seen = true;
        res = parse_sni_ext(body, out, size);
        if (res == TLS_ERROR)
            return res;
    }
    return res;
}

static enum tls_parse parse_hello(const uint8_t *hs, size_t n, char *out, size_t size)
{
    struct rd r = { hs + 4, n - 4 }, skip, exts;
    /* legacy_version, random, session_id, cipher_suites, compression */
    if (!rd_skip(&r, 2 + 32) || !rd_vec(&r, 1, &skip) || skip.n > 32 ||
        !rd_vec(&r, 2, &skip) || skip.n < 2 || skip.n % 2 ||
        !rd_vec(&r, 1, &skip) || skip.n < 1)
        return TLS_ERROR;
    if (r.n == 0)
        return TLS_NO_SNI; /* a hello without extensions */
    if (!rd_vec(&r, 2, &exts) || r.n != 0)
        return TLS_ERROR;
    return parse_extensions(exts, out, size);
}

enum tls_parse tls_parse_client_hello_sni(const uint8_t *buf, size_t len, char *out, size_t size)
{
    uint8_t hs[TLS_MAX_HELLO];
    size_t hs_len = 0;
    if (size)
        out[0] = '\0';
    if (!buf || len == 0)
        return TLS_NEED_MORE;
    enum tls_parse r = reassemble(buf, len, hs, &hs_len);
    if (r != TLS_OK)
        return r;
    r = parse_hello(hs, hs_len, out, size);
    if (r != TLS_OK && size)
        out[0] = '\0';
    return r;
}
