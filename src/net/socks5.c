/* SOCKS5 server-side parsing; see socks5.h. */
#include "net/socks5.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/sniff.h"

enum socks_parse socks5_parse_greeting(const uint8_t *buf, size_t len, size_t *consumed)
{
    *consumed = 0;
    if (len < 1)
        return SOCKS_NEED_MORE;
    if (buf[0] != 5)
        return SOCKS_ERROR;
    if (len < 2)
        return SOCKS_NEED_MORE;
    size_t n = buf[1];
    if (len < 2 + n)
        return SOCKS_NEED_MORE;
    *consumed = 2 + n;
    return memchr(buf + 2, 0x00, n) ? SOCKS_OK : SOCKS_ERROR;
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static void set_v4(struct socks5_request *req, const uint8_t *a)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)&req->addr;
    sin->sin_family = AF_INET;
    memcpy(&sin->sin_addr, a, 4);
    sin->sin_port = htons(req->port);
    inet_ntop(AF_INET, a, req->host, sizeof req->host);
}

static void set_v6(struct socks5_request *req, const uint8_t *a)
{
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&req->addr;
    sin6->sin6_family = AF_INET6;
    memcpy(&sin6->sin6_addr, a, 16);
    sin6->sin6_port = htons(req->port);
    inet_ntop(AF_INET6, a, req->host, sizeof req->host);
}

/* A domain field: a validated name, or an IP literal a client put there. */
static enum socks_parse set_domain(struct socks5_request *req, const uint8_t *d, size_t n)
{
    char text[256];
    uint8_t a[16];
    memcpy(text, d, n);
    text[n] = '\0';
    if (memchr(text, '\0', n))
        return SOCKS_ERROR;
    if (inet_pton(AF_INET6, text, a) == 1) {
        set_v6(req, a);
        return SOCKS_OK;
    }
    if (!net_host_normalize(text, n, req->host, sizeof req->host))
        return SOCKS_ERROR;
    if (inet_pton(AF_INET, req->host, a) == 1)
        set_v4(req, a);
    return SOCKS_OK;
}

enum socks_parse socks5_parse_request(const uint8_t *buf, size_t len, struct socks5_request *req)
{
    memset(req, 0, sizeof *req);
    req->addr.ss_family = AF_UNSPEC;
    if (len >= 1 && buf[0] != 5)
        return SOCKS_ERROR;
    if (len >= 3 && buf[2] != 0)
        return SOCKS_ERROR;
    if (len < 4)
        return SOCKS_NEED_MORE;
    req->cmd = buf[1];
    req->atyp = buf[3];
    size_t alen;
    switch (req->atyp) {
    case SOCKS5_ATYP_IPV4: alen = 4; break;
    case SOCKS5_ATYP_IPV6: alen = 16; break;
    case SOCKS5_ATYP_DOMAIN:
        if (len < 5)
            return SOCKS_NEED_MORE;
        alen = 1 + (size_t)buf[4];
        if (alen == 1)
            return SOCKS_ERROR;
        break;
    default: return SOCKS_ERROR;
    }
    if (len < 4 + alen + 2)
        return SOCKS_NEED_MORE;
    req->port = get_be16(buf + 4 + alen);
    req->consumed = 4 + alen + 2;
    if (req->atyp == SOCKS5_ATYP_IPV4)
        set_v4(req, buf + 4);
    else if (req->atyp == SOCKS5_ATYP_IPV6)
        set_v6(req, buf + 4);
    else
        return set_domain(req, buf + 5, alen - 1);
    return SOCKS_OK;
}

size_t socks5_build_reply(uint8_t rep, uint8_t *out)
{
    static const uint8_t tmpl[10] = { 5, 0, 0, SOCKS5_ATYP_IPV4, 0, 0, 0, 0, 0, 0 };
    memcpy(out, tmpl, sizeof tmpl);
    out[1] = rep;
    return sizeof tmpl;
}
