/* SOCKS5 (RFC 1928) server side: greeting, request, reply. Incremental
 * parsers over a caller-owned buffer; no allocation; never read past len. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum socks_parse { SOCKS_NEED_MORE, SOCKS_OK, SOCKS_ERROR };

/* Greeting: VER=5, NMETHODS (>= 1), METHODS. OK when "no authentication"
 * (0x00) is offered; *consumed = 2 + NMETHODS, the caller answers 05 00.
 * ERROR with *consumed > 0: a well-formed greeting without method 0 (answer
 * 05 FF); ERROR with *consumed == 0: not SOCKS5. */
enum socks_parse socks5_parse_greeting(const uint8_t *buf, size_t len, size_t *consumed);

enum { SOCKS5_CMD_CONNECT = 1, SOCKS5_CMD_BIND = 2, SOCKS5_CMD_UDP = 3 };
enum { SOCKS5_ATYP_IPV4 = 1, SOCKS5_ATYP_DOMAIN = 3, SOCKS5_ATYP_IPV6 = 4 };
enum {
    SOCKS5_REP_OK = 0, SOCKS5_REP_FAILURE = 1, SOCKS5_REP_NOT_ALLOWED = 2,
    SOCKS5_REP_HOST_UNREACHABLE = 4, SOCKS5_REP_REFUSED = 5,
    SOCKS5_REP_CMD_UNSUPPORTED = 7, SOCKS5_REP_ATYP_UNSUPPORTED = 8,
};

struct socks5_request {
    uint8_t cmd;   /* 1 CONNECT; any value is returned, the caller answers 7 */
    uint8_t atyp;  /* set as soon as 4 bytes are in, even on ERROR */
    char host[256]; /* domain (lower-case, validated) or address text ("::1") */
    /* AF_INET/AF_INET6 with the port when the destination is an address
     * (ATYP 1/4, or a domain field that holds an IP literal); AF_UNSPEC for
     * a name. */
    struct sockaddr_storage addr;
    uint16_t port; /* host order */
    size_t consumed; /* bytes of the request; what follows is payload */
};

/* VER=5 CMD RSV=0 ATYP DST.ADDR DST.PORT. ERROR on a bad version or RSV, an
 * empty or invalid domain; when req->atyp is not 1, 3 or 4 afterwards the
 * caller answers 8 (address type not supported), else 1. */
enum socks_parse socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *req);

/* VER=5 REP RSV=0 ATYP=1 BND=0.0.0.0:0. Writes 10 bytes, returns 10. */
size_t socks5_build_reply(uint8_t rep, uint8_t *out /* >= 10 */);
