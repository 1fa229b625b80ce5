/* DNS messages (RFC 1035 wire format) for the DNS filter: parse a query,
 * build an error reply, extract the addresses of an upstream answer,
 * encode names. No allocation; every read is bounds-checked.
 *
 * Names are handled in presentation form: lower-case, labels joined with
 * '.', no trailing dot, "" for the root. Only the host-name alphabet is
 * accepted in a label (a-z, 0-9, '-', '_'; upper case is folded), so a
 * label can never carry a '.' or any byte that would need escaping: what
 * the domain matcher sees is exactly what goes on the wire. A name whose
 * labels hold anything else is rejected as malformed (-EINVAL). */
#ifndef SANDBOXCTL_NET_DNS_MSG_H
#define SANDBOXCTL_NET_DNS_MSG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER_LEN 12
#define DNS_NAME_WIRE_MAX 255   /* octets on the wire, length bytes included */
#define DNS_LABEL_MAX 63
#define DNS_NAME_TEXT_MAX 253   /* presentation form, without the NUL */

#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1

#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_REFUSED 5

/* Header flag bits (the 16-bit word after the id). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xf)
#define DNS_RCODE(flags) ((flags) & 0xf)

struct dns_question {
    uint16_t id;
    uint16_t qtype;
    uint16_t qclass;
    uint16_t flags;     /* the query's header flags word, as received */
    char name[256];     /* presentation form, lower-case, no trailing dot,
                         * "" for the root */
};

/* Parse a query: exactly one question, QR=0, opcode QUERY, empty answer
 * and authority sections (the additional section, e.g. an EDNS OPT
 * record, is allowed and not inspected). Names may be compressed; a
 * compression pointer must point strictly before the label run that holds
 * it and past the header (so no loops, no forward or out-of-range
 * pointers). Returns 0; -EINVAL for a malformed or truncated message or
 * name (bad pointer, label over 63, name over 255 octets, a byte outside
 * the host-name alphabet); -EPROTO for a well-formed message that is not
 * a plain one-question query. */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *q);

/* Build a reply to q with no records and the given RCODE (0..15; 3 =
 * NXDOMAIN, 5 = REFUSED, 2 = SERVFAIL): header with QR=1, opcode 0, RD
 * and CD copied from the query, RA=1, the question echoed uncompressed
 * (in q->name's lower-case form). Returns the length written, -ENOSPC if
 * size is too small, -EINVAL for a bad rcode or name. */
int dns_build_error(const struct dns_question *q, int rcode, uint8_t *out,
                    size_t size);

struct dns_answer {
    int family;                 /* AF_INET or AF_INET6 */
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } addr;
    uint32_t ttl;
    const char *owner;          /* presentation form; valid during the call */
};
typedef void (*dns_answer_cb)(const struct dns_answer *a, void *data);

/* Addresses of an upstream response to remember (IP -> name, with TTL).
 * Checks the response (QR=1, one question, same id, name, type and class
 * as q: else -EPROTO), then walks the answer section: the CNAME chain is
 * followed from the question name (records in any order, at most 16
 * names), and for each IN A/AAAA record whose owner is on the chain cb is
 * called once per chain name from that owner back to the question name —
 * so for www.x CNAME x, x A 1.2.3.4 it is called for (1.2.3.4, "x") and
 * (1.2.3.4, "www.x"). The ttl is the smallest of the record's and the
 * CNAMEs' on the way (a TTL with the top bit set counts as 0). Records
 * owned by any other name are ignored (bailiwick). Any RCODE is accepted
 * (an NXDOMAIN simply yields nothing). Returns 0, or -EINVAL for a
 * malformed message, -EPROTO for a mismatch. */
int dns_parse_answers(const uint8_t *msg, size_t len,
                      const struct dns_question *q, dns_answer_cb cb,
                      void *data);

/* The names a message carries, for deciding on responses too: each
 * question name, then the target of every IN CNAME record in the answer
 * section (on the chain or not). Returns 0 or -EINVAL. */
typedef void (*dns_name_cb)(const char *name, void *data);
int dns_message_names(const uint8_t *msg, size_t len, dns_name_cb cb,
                      void *data);

/* Encode a name in presentation form (one trailing dot tolerated; "" or
 * "." is the root; upper case folded to lower) into wire form at out,
 * uncompressed. Returns the length written; -EINVAL for an empty label,
 * a label over 63 octets, a name over 255 octets or a byte outside the
 * host-name alphabet; -ENOSPC if size is too small. */
int dns_encode_name(const char *name, uint8_t *out, size_t size);

/* A query with one question (class IN, RD set), for tests and probes.
 * Returns the length written, -EINVAL or -ENOSPC. */
int dns_build_query(uint16_t id, const char *name, uint16_t qtype,
                    uint8_t *out, size_t size);

/* TCP DNS framing (RFC 1035 4.2.2): each message is preceded by its
 * length as 2 bytes, big-endian.
 * dns_tcp_frame_len: the length of the message starting at buf+2, or
 * -EAGAIN if fewer than 2 bytes are available.
 * dns_tcp_put_len: write the prefix for a message of msglen bytes;
 * returns 2, -EINVAL if msglen > 65535, -ENOSPC if size < 2. */
int dns_tcp_frame_len(const uint8_t *buf, size_t avail);
int dns_tcp_put_len(size_t msglen, uint8_t *out, size_t size);

#endif
