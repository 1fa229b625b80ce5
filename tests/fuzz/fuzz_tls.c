/* libFuzzer harness: the ClientHello SNI parser, with a full-size and a
 * small output buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/sniff.h"
#include "net/tls_sni.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    char out[256], small[12];
    enum tls_parse r = tls_parse_client_hello_sni(buf, size, out, sizeof out);
    if (r == TLS_OK && (out[0] == '\0' || strnlen(out, sizeof out) == sizeof out))
        abort();
    if (r != TLS_OK && out[0] != '\0')
        abort();
    r = tls_parse_client_hello_sni(buf, size, small, sizeof small);
    if (r == TLS_OK && strnlen(small, sizeof small) == sizeof small)
        abort();
    (void)sniff_protocol(buf, size);
    free(buf);
    return 0;
}
