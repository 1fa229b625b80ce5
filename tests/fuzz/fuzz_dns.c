/* libFuzzer harness for the DNS filter's message code: the input is read
 * as a query (and, when it parses, answered with an error reply that must
 * itself parse back), as an upstream response to a fixed question (the
 * id taken from the input so the fuzzer gets past the id check), and for
 * the names it carries, also after a TCP length prefix. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "net/dns_msg.h"

static void on_answer(const struct dns_answer *a, void *data)
{
    size_t *n = data;
    /* Touch everything the callback is promised. */
    assert(a->family == AF_INET || a->family == AF_INET6);
    *n += strlen(a->owner) + a->ttl % 2;
}

static void on_name(const char *name, void *data)
{
    size_t *n = data;
    assert(strlen(name) <= DNS_NAME_TEXT_MAX);
    *n += strlen(name);
}

static void query_and_reply(const uint8_t *data, size_t size)
{
    struct dns_question q, back;
    uint8_t out[512];

    if (dns_parse_query(data, size, &q) < 0)
        return;
    assert(strlen(q.name) <= DNS_NAME_TEXT_MAX);
    int n = dns_build_error(&q, DNS_RCODE_NXDOMAIN, out, sizeof out);
    assert(n > 0);
    /* The reply answers the query: same id and question, no addresses. */
    assert(dns_parse_answers(out, (size_t)n, &q, NULL, NULL) == 0);
    /* And the name survives a round trip. */
    n = dns_build_query(q.id, q.name, q.qtype, out, sizeof out);
    assert(n > 0);
    assert(dns_parse_query(out, (size_t)n, &back) == 0);
    assert(strcmp(back.name, q.name) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct dns_question fixed = {
        .qtype = DNS_TYPE_A, .qclass = DNS_CLASS_IN, .name = "a.www.x.test",
    };
    size_t n = 0;

    query_and_reply(data, size);
    if (size >= 2)
        fixed.id = (uint16_t)(data[0] << 8 | data[1]);
    dns_parse_answers(data, size, &fixed, on_answer, &n);
    fixed.qtype = DNS_TYPE_AAAA;
    dns_parse_answers(data, size, &fixed, on_answer, &n);
    dns_message_names(data, size, on_name, &n);
    int m = dns_tcp_frame_len(data, size);
    if (m >= 0 && (size_t)m <= size - 2)
        dns_message_names(data + 2, (size_t)m, on_name, &n);
    return 0;
}
