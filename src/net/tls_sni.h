/* The server name (SNI) of a TLS ClientHello, from the first bytes a
 * client sent. No allocation (a 16 KiB scratch buffer on the stack); never
 * reads past len. */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum tls_parse { TLS_NEED_MORE, TLS_OK, TLS_NO_SNI, TLS_NOT_TLS, TLS_ERROR };

/* Largest ClientHello handshake message accepted, header included. */
#define TLS_MAX_HELLO 16384

/* buf[0..len) holds one or more TLS handshake records (0x16 0x03 0x00..04)
 * carrying a ClientHello, which may be fragmented over several records
 * (large post-quantum key shares do that); the message is reassembled up to
 * TLS_MAX_HELLO bytes. The host_name entry of server_name is validated as a
 * DNS name and copied lower-cased into out[size] (256 is enough).
 *   TLS_NEED_MORE  the hello is not complete yet
 *   TLS_OK         out holds the name
 *   TLS_NO_SNI     a complete hello without server_name (or without a
 *                  host_name entry)
 *   TLS_NOT_TLS    the first record header is not a TLS handshake
 *   TLS_ERROR      a TLS record but a malformed or oversized hello, another
 *                  handshake message, a record of another type before the
 *                  hello is complete, a duplicate server_name, an invalid
 *                  name or one that does not fit in out. */
enum tls_parse tls_parse_client_hello_sni(const uint8_t *buf, size_t len, char *out, size_t size);
