/* DNS wire format (RFC 1035), just what the DNS filter needs. Written by
 * hand rather than with libldns/c-ares: the filter needs a strict,
 * allocation-free reader of one question and the answer section, with the
 * exact name rules below, and the whole of it is a few hundred lines that
 * the fuzzer covers end to end. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "net/dns_msg.h"

#define CHAIN_MAX 16

struct header {
    uint16_t id, flags, qdcount, ancount, nscount, arcount;
};

struct rr {
    char owner[256];
    uint16_t type, rclass;
    uint32_t ttl;
    size_t rdoff;
    uint16_t rdlen;
};

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static int read_header(const uint8_t *msg, size_t len, struct header *h)
{
    if (!msg || len < DNS_HEADER_LEN)
        return -EINVAL;
    h->id = get16(msg);
    h->flags = get16(msg + 2);
    h->qdcount = get16(msg + 4);
    h->ancount = get16(msg + 6);
    h->nscount = get16(msg + 8);
    h->arcount = get16(msg + 10);
    return 0;
}

/* The host-name alphabet, upper case folded; 0 for anything else. */
static char name_char(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_')
        return (char)c;
    return 0;
}

/* Append one label to the presentation form at out[*olen]. The caller has
 * checked the wire length, which bounds the text to 253 characters. */
static int append_label(const uint8_t *label, size_t n, char *out,
                        size_t *olen)
{
    if (*olen)
        out[(*olen)++] = '.';
    for (size_t i = 0; i < n; i++) {
        char c = name_char(label[i]);
        if (!c)
            return -EINVAL;
        out[(*olen)++] = c;
    }
    return 0;
}

/* Follow a compression pointer at msg[pos]. The target must lie past the
 * header and strictly before the start of the label run being read
 * (*limit), which strictly decreases: no loop can form. */
static int follow_pointer(const uint8_t *msg, size_t len, size_t *pos,
                          size_t *limit)
{
    if (*pos + 1 >= len)
        return -EINVAL;
    size_t target = (size_t)(msg[*pos] & 0x3f) << 8 | msg[*pos + 1];
    if (target < DNS_HEADER_LEN || target >= *limit)
        return -EINVAL;
    *limit = target;
    *pos = target;
    return 0;
}

/* Read a (possibly compressed) name at *off into out (256 bytes) and move
 * *off past the name as it sits in place. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out)
{
    size_t pos = *off, limit = *off, end = 0, wire = 0, olen = 0;

    for (;;) {
        if (pos >= len)
            return -EINVAL;
        uint8_t c = msg[pos];
        if ((c & 0xc0) == 0xc0) {
            if (!end)
                end = pos + 2;
            if (follow_pointer(msg, len, &pos, &limit) < 0)
                return -EINVAL;
            continue;
        }
        if (c & 0xc0)           /* 0x40, 0x80: extended/obsolete types */
            return -EINVAL;
        wire += 1u + c;
        if (wire > DNS_NAME_WIRE_MAX)
            return -EINVAL;
        if (c == 0)
            break;
        if (len - pos - 1 < c)
            return -EINVAL;
        if (append_label(msg + pos + 1, c, out, &olen) < 0)
            return -EINVAL;
        pos += 1u + c;
    }
    out[olen] = '\0';
    *off = end ? end : pos + 1;
    return 0;
}

/* Read the question at *off: name, type, class. */
static int read_question(const uint8_t *msg, size_t len, size_t *off,
                         struct dns_question *q)
{
    if (read_name(msg, len, off, q->name) < 0)
        return -EINVAL;
    if (len - *off < 4)
        return -EINVAL;
    q->qtype = get16(msg + *off);
    q->qclass = get16(msg + *off + 2);
    *off += 4;
    return 0;
}

/* Read one resource record's fixed part; rdata is left in place. */
static int read_rr(const uint8_t *msg, size_t len, size_t *off, struct rr *rr)
{
    if (read_name(msg, len, off, rr->owner) < 0)
        return -EINVAL;
    if (len - *off < 10)
        return -EINVAL;
    const uint8_t *p = msg + *off;
    rr->type = get16(p);
    rr->rclass = get16(p + 2);
    rr->ttl = get32(p + 4);
    if (rr->ttl & 0x80000000u)  /* RFC 2181 8 */
        rr->ttl = 0;
    rr->rdlen = get16(p + 8);
    rr->rdoff = *off + 10;
    if (len - rr->rdoff < rr->rdlen)
        return -EINVAL;
    *off = rr->rdoff + rr->rdlen;
    return 0;
}

/* The target of a CNAME record, which must fill its rdata exactly. */
static int read_cname(const uint8_t *msg, const struct rr *rr, char *target)
{
    size_t off = rr->rdoff;
    size_t end = rr->rdoff + rr->rdlen;
    if (read_name(msg, end, &off, target) < 0 || off != end)
        return -EINVAL;
    return 0;
}

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *q)
{
    struct header h;
    size_t off = DNS_HEADER_LEN;

    if (!q || read_header(msg, len, &h) < 0)
        return -EINVAL;
    if ((h.flags & DNS_FLAG_QR) || DNS_OPCODE(h.flags) != 0 ||
        h.qdcount != 1 || h.ancount || h.nscount)
        return -EPROTO;
    if (read_question(msg, len, &off, q) < 0)
        return -EINVAL;
    q->id = h.id;
    q->flags = h.flags;
    return 0;
}

/* Header and echoed question of a reply; returns the length or -errno. */
static int put_header_question(const struct dns_question *q, uint16_t flags,
                               uint8_t *out, size_t size)
{
    if (!q || !out)
        return -EINVAL;
    if (size < DNS_HEADER_LEN)
        return -ENOSPC;
    memset(out, 0, DNS_HEADER_LEN);
    put16(out, q->id);
    put16(out + 2, flags);
    put16(out + 4, 1);
    int n = dns_encode_name(q->name, out + DNS_HEADER_LEN,
                            size - DNS_HEADER_LEN);
    if (n < 0)
        return n;
    size_t off = DNS_HEADER_LEN + (size_t)n;
    if (size - off < 4)
        return -ENOSPC;
    put16(out + off, q->qtype);
    put16(out + off + 2, q->qclass);
    return (int)(off + 4);
}

int dns_build_error(const struct dns_question *q, int rcode, uint8_t *out,
                    size_t size)
{
    if (rcode < 0 || rcode > 15 || !q)
        return -EINVAL;
    uint16_t flags = DNS_FLAG_QR | DNS_FLAG_RA | (uint16_t)rcode |
                     (q->flags & (DNS_FLAG_RD | DNS_FLAG_CD));
    return put_header_question(q, flags, out, size);
}

int dns_build_query(uint16_t id, const char *name, uint16_t qtype,
                    uint8_t *out, size_t size)
{
    struct dns_question q = { .id = id, .qtype = qtype,
                              .qclass = DNS_CLASS_IN };
    if (!name || strlen(name) >= sizeof q.name)
        return -EINVAL;
    strcpy(q.name, name);
    return put_header_question(&q, DNS_FLAG_RD, out, size);
}

/* Check that a response answers q; leaves *off after the question. */
static int check_response(const uint8_t *msg, size_t len,
                          const struct dns_question *q, struct header *h,
                          size_t *off)
{
    struct dns_question rq;

    if (!q || read_header(msg, len, h) < 0)
        return -EINVAL;
    if (!(h->flags & DNS_FLAG_QR) || h->id != q->id || h->qdcount != 1)
        return -EPROTO;
    *off = DNS_HEADER_LEN;
    if (read_question(msg, len, off, &rq) < 0)
        return -EINVAL;
    if (strcmp(rq.name, q->name) != 0 || rq.qtype != q->qtype ||
        rq.qclass != q->qclass)
        return -EPROTO;
    return 0;
}

struct chain {
    size_t n;
    struct {
        char name[256];
        uint32_t ttl;           /* smallest CNAME TTL from the question */
        int parent;
    } e[CHAIN_MAX];
};

static int chain_find(const struct chain *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->e[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void chain_add(struct chain *c, const char *name, uint32_t ttl,
                      int parent)
{
    strcpy(c->e[c->n].name, name);
    c->e[c->n].ttl = ttl;
    c->e[c->n].parent = parent;
    c->n++;
}

/* One pass over the answer section, adding the targets of CNAMEs owned by
 * chain names. Returns how many were added, or -EINVAL. */
static int chain_pass(const uint8_t *msg, size_t len, size_t off,
                      uint16_t ancount, struct chain *c)
{
    struct rr rr;
    char target[256];
    int added = 0;

    for (uint16_t i = 0; i < ancount; i++) {
        if (read_rr(msg, len, &off, &rr) < 0)
            return -EINVAL;
        if (rr.type != DNS_TYPE_CNAME || rr.rclass != DNS_CLASS_IN)
            continue;
        if (read_cname(msg, &rr, target) < 0)
            return -EINVAL;
        int from = chain_find(c, rr.owner);
        if (from < 0 || chain_find(c, target) >= 0 || c->n == CHAIN_MAX)
            continue;
        uint32_t ttl = c->e[from].ttl < rr.ttl ? c->e[from].ttl : rr.ttl;
        chain_add(c, target, ttl, from);
        added++;
    }
    return added;
}

static int build_chain(const uint8_t *msg, size_t len, size_t off,
                       uint16_t ancount, const char *qname, struct chain *c)
{
    c->n = 0;
    chain_add(c, qname, UINT32_MAX, -1);
    for (;;) {
        int added = chain_pass(msg, len, off, ancount, c);
        if (added < 0)
            return added;
        if (added == 0 || c->n == CHAIN_MAX)
            return 0;
    }
}

/* Report one address record owned by chain name k, once per name from k
 * back to the question name. */
static void report(const struct chain *c, int k, const struct rr *rr,
                   const uint8_t *rdata, dns_answer_cb cb, void *data)
{
    struct dns_answer a;

    memset(&a, 0, sizeof a);
    if (rr->type == DNS_TYPE_A) {
        a.family = AF_INET;
        memcpy(&a.addr.v4, rdata, 4);
    } else {
        a.family = AF_INET6;
        memcpy(&a.addr.v6, rdata, 16);
    }
    a.ttl = c->e[k].ttl < rr->ttl ? c->e[k].ttl : rr->ttl;
    for (int j = k; j >= 0; j = c->e[j].parent) {
        a.owner = c->e[j].name;
        cb(&a, data);
    }
}

static bool is_address(const struct rr *rr)
{
    if (rr->rclass != DNS_CLASS_IN)
        return false;
    return (rr->type == DNS_TYPE_A && rr->rdlen == 4) ||
           (rr->type == DNS_TYPE_AAAA && rr->rdlen == 16);
}

int dns_parse_answers(const uint8_t *msg, size_t len,
                      const struct dns_question *q, dns_answer_cb cb,
                      void *data)
{
    struct header h;
    struct chain c;
    struct rr rr;
    size_t off;

    int r = check_response(msg, len, q, &h, &off);
    if (r < 0)
        return r;
    if (build_chain(msg, len, off, h.ancount, q->name, &c) < 0)
        return -EINVAL;
    for (uint16_t i = 0; i < h.ancount; i++) {
        if (read_rr(msg, len, &off, &rr) < 0)
            return -EINVAL;
        int k = chain_find(&c, rr.owner);
        if (k >= 0 && is_address(&rr) && cb)
            report(&c, k, &rr, msg + rr.rdoff, cb, data);
    }
    return 0;
}

int dns_message_names(const uint8_t *msg, size_t len, dns_name_cb cb,
                      void *data)
{
    struct header h;
    struct dns_question q;
    struct rr rr;
    char target[256];
    size_t off = DNS_HEADER_LEN;

    if (read_header(msg, len, &h) < 0)
        return -EINVAL;
    for (uint16_t i = 0; i < h.qdcount; i++) {
        if (read_question(msg, len, &off, &q) < 0)
            return -EINVAL;
        if (cb)
            cb(q.name, data);
    }
    for (uint16_t i = 0; i < h.ancount; i++) {
        if (read_rr(msg, len, &off, &rr) < 0)
            return -EINVAL;
        if (rr.type != DNS_TYPE_CNAME || rr.rclass != DNS_CLASS_IN)
            continue;
        if (read_cname(msg, &rr, target) < 0)
            return -EINVAL;
        if (cb)
            cb(target, data);
    }
    return 0;
}

/* Length of the label starting at s (up to '.' or the end). */
static size_t label_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '.')
        n++;
    return n;
}

int dns_encode_name(const char *name, uint8_t *out, size_t size)
{
    size_t o = 0;

    if (!name || !out)
        return -EINVAL;
    if (strcmp(name, ".") == 0)
        name = "";
    while (*name) {
        size_t n = label_len(name);
        if (n == 0 || n > DNS_LABEL_MAX || o + 1 + n + 1 > DNS_NAME_WIRE_MAX)
            return -EINVAL;
        if (size - o < 1 + n)
            return -ENOSPC;
        out[o++] = (uint8_t)n;
        for (size_t i = 0; i < n; i++) {
            char c = name_char((uint8_t)name[i]);
            if (!c)
                return -EINVAL;
            out[o++] = (uint8_t)c;
        }
        name += n;
        if (*name == '.')
            name++;
    }
    if (size - o < 1)
        return -ENOSPC;
    out[o++] = 0;
    return (int)o;
}

int dns_tcp_frame_len(const uint8_t *buf, size_t avail)
{
    if (!buf || avail < 2)
        return -EAGAIN;
    return get16(buf);
}

int dns_tcp_put_len(size_t msglen, uint8_t *out, size_t size)
{
    if (msglen > 0xffff)
        return -EINVAL;
    if (!out || size < 2)
        return -ENOSPC;
    put16(out, (uint16_t)msglen);
    return 2;
}
