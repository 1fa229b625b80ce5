/* libFuzzer harness: SOCKS5 greeting then request, the way the proxy feeds
 * them (the request follows the bytes the greeting consumed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/socks5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    size_t used = 0;
    struct socks5_request req;
    socks5_parse_greeting(buf, size, &used);
    if (used > size)
        abort();
    /* Both the whole input and what follows the greeting as a request. */
    for (int pass = 0; pass < 2; pass++) {
        size_t off = pass ? used : 0;
        if (socks5_parse_request(buf + off, size - off, &req) == SOCKS_OK &&
            (req.consumed > size - off || strnlen(req.host, sizeof req.host) == sizeof req.host ||
             req.host[0] == '\0'))
            abort();
    }
    uint8_t rep[10];
    if (socks5_build_reply(size ? buf[0] : 0, rep) != 10)
        abort();
    free(buf);
    return 0;
}
