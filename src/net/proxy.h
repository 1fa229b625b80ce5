/* The proxy-aware path of the filtering network: an HTTP proxy (CONNECT
 * and absolute-form requests) and a SOCKS5 proxy whose listening sockets
 * live inside the sandbox's network namespace (made there by init, passed
 * to us) while we accept, decide and dial out from the host's. One epoll
 * set, driven from the supervisor's event loop; no threads, no helpers. */
#pragma once
#include <stdint.h>

#include "net/decide.h"

struct audit_log;

/* Where the listeners sit inside the sandbox. */
#define PROXY_HTTP_PORT 3128
#define PROXY_SOCKS_PORT 1080

struct proxy;

struct proxy *proxy_new(const struct policy *p, struct audit_log *log, bool quiet);
/* Take a listening socket (accepting connections from inside). */
int proxy_add_listener(struct proxy *px, int fd, bool socks);
/* The epoll fd to poll for readability; then call proxy_dispatch. */
int proxy_fd(const struct proxy *px);
void proxy_dispatch(struct proxy *px);
void proxy_free(struct proxy *px);
