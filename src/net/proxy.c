#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "net/http_req.h"
#include "net/proxy.h"
#include "net/sniff.h"
#include "net/socks5.h"
#include "net/tls_sni.h"
#include "util/log.h"

#define HEAD_MAX 16384
#define RELAY_BUF 65536

enum conn_state { ST_HEAD, ST_CONNECTING, ST_RELAY };

struct conn;

/* An epoll registration: a listener, or one side of a connection. */
struct endpoint {
    int fd;
    struct conn *conn;  /* NULL for a listener */
    bool socks;         /* listener kind */
    bool upstream;
};

struct pipe_buf {
    char data[RELAY_BUF];
    size_t len;
    bool eof;
};

struct conn {
    struct proxy *px;
    struct endpoint client, up;
    enum conn_state st;
    bool socks, socks_greeted;
    char head[HEAD_MAX];
    size_t head_len;
    struct pipe_buf c2u, u2c;  /* client to upstream, upstream to client */
    struct net_decision d;
    uint16_t port;
    uint64_t bytes_up, bytes_down;
    bool answer_connect;     /* CONNECT: say "200 Connection established" */
    bool first_bytes_checked; /* protocol and SNI of the client's first bytes */
    struct timespec started;
    struct conn *next;
};

struct proxy {
    int ep;
    struct net_policy np;
    struct audit_log *log;
    bool quiet;
    struct endpoint listeners[4];
    size_t n_listeners;
    struct conn *conns;
    unsigned denials_said;
};

static void watch(struct proxy *px, struct endpoint *e, uint32_t events, int op)
{
    struct epoll_event ev = {.events = events, .data.ptr = e};
    epoll_ctl(px->ep, op, e->fd, &ev);
}

struct proxy *proxy_new(const struct policy *p, struct audit_log *log, bool quiet)
{
    struct proxy *px = xcalloc(1, sizeof *px);
    px->ep = epoll_create1(EPOLL_CLOEXEC);
    px->log = log;
    px->quiet = quiet;
    if (px->ep < 0 || net_policy_init(&px->np, p) < 0) {
        proxy_free(px);
        return NULL;
    }
    return px;
}

int proxy_fd(const struct proxy *px)
{
    return px->ep;
}

int proxy_add_listener(struct proxy *px, int fd, bool socks)
{
    if (px->n_listeners == sizeof px->listeners / sizeof px->listeners[0])
        return -ENOSPC;
    struct endpoint *e = &px->listeners[px->n_listeners++];
    *e = (struct endpoint){.fd = fd, .socks = socks};
    fcntl(fd, F_SETFL, O_NONBLOCK);
    watch(px, e, EPOLLIN, EPOLL_CTL_ADD);
    return 0;
}

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void record(struct conn *c, const char *event)
{
    if (!c->px->log)
        return;
    char ip[INET6_ADDRSTRLEN] = "";
    if (c->d.addr_len) {
        const struct sockaddr *sa = (const struct sockaddr *)&c->d.addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
    }
    audit_event_queue(c->px->log, event,
                      json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I, s:f}", "domain", c->d.host,
                                "ip", ip, "port", c->port, "via",
                                c->socks ? "socks5" : "http-proxy", "rule", c->d.rule,
                                "bytes_up", (json_int_t)c->bytes_up, "bytes_down",
                                (json_int_t)c->bytes_down, "duration_ms",
                                ms_since(&c->started)));
}

static void conn_free(struct conn *c)
{
    struct proxy *px = c->px;
    if (c->st == ST_RELAY && c->d.allow)
        record(c, "net.close");
    for (struct conn **pp = &px->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    if (c->client.fd >= 0)
        close(c->client.fd);
    if (c->up.fd >= 0)
        close(c->up.fd);
    free(c);
}

static void say_denial(struct conn *c)
{
    /* One line per denied destination on stderr, at most a few dozen a run. */
    if (c->px->quiet || c->px->denials_said >= 32)
        return;
    c->px->denials_said++;
    log_error("network: denied %s:%u (%s)", c->d.host, c->port, c->d.rule);
}

static void send_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static void refuse(struct conn *c)
{
    record(c, "net.deny");
    say_denial(c);
    if (c->socks) {
        uint8_t rep[10];
        size_t n = socks5_build_reply(2 /* not allowed by ruleset */, rep);
        send_all(c->client.fd, (char *)rep, n);
    } else {
        char body[512], msg[1024];
        int bl = snprintf(body, sizeof body,
                          "sandboxctl: connection to %s:%u denied by the sandbox policy (%s)\n",
                          c->d.host, c->port, c->d.rule);
        int ml = snprintf(msg, sizeof msg,
                          "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                          "Content-Length: %d\r\nConnection: close\r\n"
                          "X-Sandboxctl-Rule: %s\r\n\r\n%s",
                          bl, c->d.rule, body);
        send_all(c->client.fd, msg, (size_t)ml);
    }
    conn_free(c);
}

static void start_connect(struct conn *c)
{
    int fd = socket(c->d.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(c->d.rule, sizeof c->d.rule, "socket: %s", strerror(errno));
        c->d.allow = false;
        refuse(c);
        return;
    }
    c->up = (struct endpoint){.fd = fd, .conn = c, .upstream = true};
    if (connect(fd, (struct sockaddr *)&c->d.addr, c->d.addr_len) < 0 && errno != EINPROGRESS) {
        snprintf(c->d.rule, sizeof c->d.rule, "connect: %s", strerror(errno));
        c->d.allow = false;
        refuse(c);
        return;
    }
    c->st = ST_CONNECTING;
    watch(c->px, &c->up, EPOLLOUT, EPOLL_CTL_ADD);
    watch(c->px, &c->client, 0, EPOLL_CTL_MOD);
}

/* An absolute-form request becomes an origin-form one, sent with
 * "Connection: close" so that one proxy connection carries one request:
 * a second request to another host cannot ride on it. */
static void rewrite_http_request(struct conn *c, const struct http_request *req)
{
    char out[HEAD_MAX + 256];
    size_t o = (size_t)snprintf(out, sizeof out, "%s %s HTTP/1.1\r\n", req->method, req->path);
    /* Copy the header lines, without the hop-by-hop ones we replace. */
    const char *p = memchr(c->head, '\n', req->head_len);
    const char *end = c->head + req->head_len;
    for (p = p ? p + 1 : end; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        bool hop = !strncasecmp(p, "proxy-connection:", 17) ||
                   !strncasecmp(p, "connection:", 11) || !strncasecmp(p, "keep-alive:", 11) ||
                   !strncasecmp(p, "proxy-authorization:", 20) || n <= 2;
        if (!hop && o + n < sizeof out) {
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
    }
    o += (size_t)snprintf(out + o, sizeof out - o, "Connection: close\r\n\r\n");
    /* Pending: the rewritten head, then whatever body bytes followed it. */
    size_t rest = c->head_len - req->head_len;
    if (o + rest > sizeof c->c2u.data)
        rest = sizeof c->c2u.data - o;
    memcpy(c->c2u.data, out, o);
    memcpy(c->c2u.data + o, c->head + req->head_len, rest);
    c->c2u.len = o + rest;
}

static void on_head(struct conn *c)
{
    if (c->socks) {
        if (!c->socks_greeted) {
            size_t used = 0;
            enum socks_parse r = socks5_parse_greeting((uint8_t *)c->head, c->head_len, &used);
            if (r == SOCKS_NEED_MORE)
                return;
            if (r != SOCKS_OK) {
                send_all(c->client.fd, "\x05\xff", 2);
                conn_free(c);
                return;
            }
            send_all(c->client.fd, "\x05\x00", 2);
            memmove(c->head, c->head + used, c->head_len - used);
            c->head_len -= used;
            c->socks_greeted = true;
        }
        struct socks5_request req;
        enum socks_parse r = socks5_parse_request((uint8_t *)c->head, c->head_len, &req);
        if (r == SOCKS_NEED_MORE)
            return;
        if (r != SOCKS_OK || req.cmd != 1) {
            /* 7 command not supported, 8 address type not supported, 1
             * general failure for anything else malformed. */
            uint8_t rep[10];
            uint8_t code = r == SOCKS_OK ? 7
                           : (req.atyp != 1 && req.atyp != 3 && req.atyp != 4) ? 8 : 1;
            send_all(c->client.fd, (char *)rep, socks5_build_reply(code, rep));
            conn_free(c);
            return;
        }
        c->port = req.port;
        net_decide(&c->px->np, req.host, req.port, &c->d);
        /* Bytes the client sent after the request go upstream. */
        c->c2u.len = c->head_len - req.consumed;
        memcpy(c->c2u.data, c->head + req.consumed, c->c2u.len);
    } else {
        struct http_request req;
        enum http_parse r = http_parse_request(c->head, c->head_len, &req);
        if (r == HTTP_NEED_MORE)
            return;
        if (r != HTTP_OK || (!req.connect && !req.absolute_form) || req.host_mismatch) {
            snprintf(c->d.host, sizeof c->d.host, "%s", r == HTTP_OK ? req.host : "?");
            snprintf(c->d.rule, sizeof c->d.rule, "%s",
                     r != HTTP_OK ? "malformed proxy request"
                     : req.host_mismatch ? "Host header differs from the request target"
                                         : "not a proxy request (CONNECT or absolute URI)");
            refuse(c);
            return;
        }
        c->port = req.port;
        net_decide(&c->px->np, req.host, req.port, &c->d);
        if (c->d.allow && req.connect) {
            c->c2u.len = c->head_len - req.head_len;
            memcpy(c->c2u.data, c->head + req.head_len, c->c2u.len);
        } else if (c->d.allow) {
            rewrite_http_request(c, &req);
        }
        c->answer_connect = req.connect;
    }
    if (!c->d.allow) {
        refuse(c);
        return;
    }
    start_connect(c);
}

static void update_watches(struct conn *c)
{
    uint32_t ce = 0, ue = 0;
    if (!c->c2u.eof && c->c2u.len < sizeof c->c2u.data)
        ce |= EPOLLIN;
    if (c->u2c.len)
        ce |= EPOLLOUT;
    if (!c->u2c.eof && c->u2c.len < sizeof c->u2c.data)
        ue |= EPOLLIN;
    if (c->c2u.len && c->first_bytes_checked) /* held until checked */
        ue |= EPOLLOUT;
    watch(c->px, &c->client, ce, EPOLL_CTL_MOD);
    watch(c->px, &c->up, ue, EPOLL_CTL_MOD);
}

static void on_relay(struct conn *c, struct endpoint *e, uint32_t events);

static void on_connected(struct conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->up.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        snprintf(c->d.rule, sizeof c->d.rule, "connect: %s", strerror(err));
        if (c->socks) {
            uint8_t rep[10];
            send_all(c->client.fd, (char *)rep, socks5_build_reply(5, rep));
        } else {
            static const char bad[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
                                      "Connection: close\r\n\r\n";
            send_all(c->client.fd, bad, sizeof bad - 1);
        }
        record(c, "net.fail");
        conn_free(c);
        return;
    }
    record(c, "net.allow");
    if (c->socks) {
        uint8_t rep[10];
        send_all(c->client.fd, (char *)rep, socks5_build_reply(0, rep));
    } else if (c->answer_connect) {
        static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
        send_all(c->client.fd, ok, sizeof ok - 1);
    }
    c->st = ST_RELAY;
    /* Bytes already held (a rewritten request, data sent with the request
     * head) are checked and forwarded now: the client may wait for us. */
    on_relay(c, &c->up, 0);
}

/* Read from one side when it is readable, then send whatever is buffered
 * to the other (a full socket just says EAGAIN); false on an error. */
static bool pump(int from, int to, struct pipe_buf *b, uint64_t *count, bool readable)
{
    if (readable && !b->eof && b->len < sizeof b->data) {
        ssize_t n = recv(from, b->data + b->len, sizeof b->data - b->len, 0);
        if (n > 0) {
            b->len += (size_t)n;
            *count += (uint64_t)n;
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            b->eof = true;
        }
    }
    if (b->len) {
        ssize_t n = send(to, b->data, b->len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            memmove(b->data, b->data + n, b->len - (size_t)n);
            b->len -= (size_t)n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
            return false;
        }
    }
    if (b->eof && !b->len)
        shutdown(to, SHUT_WR);
    return true;
}

/* Before the client's first bytes go upstream: what protocol they speak,
 * and for TLS whether the name in the ClientHello is the one that was
 * decided on (an SNI of another name would be domain fronting). Returns
 * false to hold the bytes (more needed) or after refusing. */
enum check { CHECK_HOLD, CHECK_PASS, CHECK_FREED };

static enum check check_first_bytes(struct conn *c)
{
    if (c->first_bytes_checked)
        return CHECK_PASS;
    if (!c->c2u.len)
        return CHECK_HOLD;
    enum sniffed_proto p = sniff_protocol((uint8_t *)c->c2u.data, c->c2u.len);
    if (p == PROTO_NEED_MORE && c->c2u.len < sizeof c->c2u.data)
        return CHECK_HOLD;
    const char *why = net_protocol_refusal(&c->px->np, p);
    char sni[256];
    if (!why && p == PROTO_TLS) {
        enum tls_parse t = tls_parse_client_hello_sni((uint8_t *)c->c2u.data, c->c2u.len, sni,
                                                      sizeof sni);
        if (t == TLS_NEED_MORE && c->c2u.len < sizeof c->c2u.data)
            return CHECK_HOLD;
        if (t == TLS_OK && strcmp(sni, c->d.host) != 0)
            why = "TLS server name differs from the requested host (domain fronting)";
    }
    c->first_bytes_checked = true;
    if (why) {
        snprintf(c->d.rule, sizeof c->d.rule, "%s (%s)", why, sniffed_proto_name(p));
        c->d.allow = false;
        c->st = ST_HEAD; /* not a relay any more: no net.close */
        record(c, "net.deny");
        say_denial(c);
        conn_free(c);
        return CHECK_FREED;
    }
    return CHECK_PASS;
}

static void on_relay(struct conn *c, struct endpoint *e, uint32_t events)
{
    bool from_client = e == &c->client;
    bool in = events & (EPOLLIN | EPOLLHUP | EPOLLERR);
    if (!c->first_bytes_checked) {
        /* Hold the client's bytes until they show what they are; the
         * server may speak first meanwhile. */
        if (from_client && in && !c->c2u.eof && c->c2u.len < sizeof c->c2u.data) {
            ssize_t n = recv(c->client.fd, c->c2u.data + c->c2u.len,
                             sizeof c->c2u.data - c->c2u.len, 0);
            if (n > 0) {
                c->c2u.len += (size_t)n;
                c->bytes_up += (uint64_t)n;
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                c->c2u.eof = true;
            }
            in = false;
        }
        enum check k = check_first_bytes(c);
        if (k == CHECK_FREED)
            return;
        if (k == CHECK_HOLD) {
            if (!pump(c->up.fd, c->client.fd, &c->u2c, &c->bytes_down, !from_client && in) ||
                (c->c2u.eof && !c->c2u.len)) {
                conn_free(c);
                return;
            }
            update_watches(c);
            return;
        }
        /* checked: what was held is forwarded below */
    }
    bool ok = true;
    if (from_client) {
        ok &= pump(c->client.fd, c->up.fd, &c->c2u, &c->bytes_up, in);
        ok &= pump(c->up.fd, c->client.fd, &c->u2c, &c->bytes_down, false);
    } else {
        ok &= pump(c->up.fd, c->client.fd, &c->u2c, &c->bytes_down, in);
        ok &= pump(c->client.fd, c->up.fd, &c->c2u, &c->bytes_up, false);
    }
    if (!ok || (c->c2u.eof && c->u2c.eof && !c->c2u.len && !c->u2c.len)) {
        conn_free(c);
        return;
    }
    update_watches(c);
}

static void on_accept(struct proxy *px, struct endpoint *l)
{
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct conn *c = xcalloc(1, sizeof *c);
        c->px = px;
        c->socks = l->socks;
        c->client = (struct endpoint){.fd = fd, .conn = c};
        c->up = (struct endpoint){.fd = -1, .conn = c, .upstream = true};
        clock_gettime(CLOCK_MONOTONIC, &c->started);
        c->next = px->conns;
        px->conns = c;
        watch(px, &c->client, EPOLLIN, EPOLL_CTL_ADD);
    }
}

void proxy_dispatch(struct proxy *px)
{
    struct epoll_event evs[64];
    int n = epoll_wait(px->ep, evs, 64, 0);
    for (int i = 0; i < n; i++) {
        struct endpoint *e = evs[i].data.ptr;
        if (!e->conn) {
            on_accept(px, e);
            continue;
        }
        struct conn *c = e->conn;
        /* A connection freed earlier in this batch: skip stale events. */
        bool live = false;
        for (struct conn *k = px->conns; k && !live; k = k->next)
            live = k == c;
        if (!live)
            continue;
        if (c->st == ST_HEAD) {
            ssize_t r = recv(c->client.fd, c->head + c->head_len, sizeof c->head - c->head_len, 0);
            if (r <= 0 || c->head_len + (size_t)r >= sizeof c->head) {
                conn_free(c);
                continue;
            }
            c->head_len += (size_t)r;
            on_head(c);
        } else if (c->st == ST_CONNECTING && e == &c->up) {
            on_connected(c);
        } else if (c->st == ST_RELAY) {
            on_relay(c, e, evs[i].events);
        }
    }
}

void proxy_free(struct proxy *px)
{
    if (!px)
        return;
    while (px->conns)
        conn_free(px->conns);
    for (size_t i = 0; i < px->n_listeners; i++)
        close(px->listeners[i].fd);
    if (px->ep >= 0)
        close(px->ep);
    net_policy_free(&px->np);
    free(px);
}
