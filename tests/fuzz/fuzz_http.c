/* libFuzzer harness: HTTP request heads (proxy and transparent parses) and
 * protocol sniffing. The input is copied to an exact-size heap buffer so
 * ASan catches any read past len. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http_req.h"
#include "net/sniff.h"

static void check(const struct http_request *req, size_t len)
{
    if (req->head_len > len || req->head_len > HTTP_MAX_HEAD || req->line_len > req->head_len)
        abort();
    if (strnlen(req->host, sizeof req->host) == sizeof req->host ||
        strnlen(req->path, sizeof req->path) == sizeof req->path ||
        strnlen(req->method, sizeof req->method) == sizeof req->method)
        abort();
    if (req->connect && req->port == 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    struct http_request req;
    if (http_parse_request(buf, size, &req) == HTTP_OK)
        check(&req, size);
    if (http_parse_host(buf, size, &req) == HTTP_OK)
        check(&req, size);
    (void)sniffed_proto_name(sniff_protocol((const uint8_t *)buf, size));
    free(buf);
    return 0;
}
