/* Network probes, inside the sandbox: loopback and unix sockets only; the
 * metadata address is only ever tried where it cannot leave the host (the
 * host side decides). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "selftest/inside.h"
#include "util/log.h"

/* Connect with a 1 s bound; 0 or an errno (ETIMEDOUT). */
static int connect_bounded(int fd, const struct sockaddr *sa, socklen_t len)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (poll(&p, 1, 1000) <= 0)
        return ETIMEDOUT;
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
    return err;
}

static enum in_outcome tcp_to(const char *ip, int port, const char *what, char *d, size_t n)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
        snprintf(d, n, "bad address %s", ip);
        return IN_ERROR;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return in_errno(errno, d, n, "socket(AF_INET)");
    int e = connect_bounded(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    if (e == 0) {
        snprintf(d, n, "%s: connected to %s:%d", what, ip, port);
        return IN_WORKED;
    }
    char w[300];
    snprintf(w, sizeof w, "%s: connect %s:%d", what, ip, port);
    return in_errno(e, d, n, w);
}

/* ARG "IP:PORT" */
static enum in_outcome p_tcp(const char *arg, char *d, size_t n)
{
    const char *port;
    char *ip = in_split(arg, &port);
    enum in_outcome o = tcp_to(ip, atoi(port), "tcp", d, n);
    free(ip);
    return o;
}

/* The address /etc/hosts (inside) gives NAME, without any DNS query. */
static bool hosts_lookup(const char *name, char *ip, size_t n)
{
    FILE *f = fopen("/etc/hosts", "re");
    if (!f)
        return false;
    char line[512];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        line[strcspn(line, "#\n")] = 0;
        char *save = NULL, *addr = strtok_r(line, " \t", &save), *tok;
        while (addr && (tok = strtok_r(NULL, " \t", &save)))
            if (!strcasecmp(tok, name) && strchr(addr, '.') && strlen(addr) < n) {
                snprintf(ip, n, "%s", addr);
                found = true;
                break;
            }
    }
    fclose(f);
    return found;
}

/* ARG "NAME PIN-IP PORT": the name as /etc/hosts resolves it, else as the
 * pin (curl --resolve) says; never a DNS query. */
static enum in_outcome p_blocked(const char *arg, char *d, size_t n)
{
    char name[256], pin[64];
    int port;
    if (sscanf(arg, "%255s %63s %d", name, pin, &port) != 3) {
        snprintf(d, n, "bad argument");
        return IN_ERROR;
    }
    char ip[64];
    bool hosts = hosts_lookup(name, ip, sizeof ip);
    if (!hosts)
        snprintf(ip, sizeof ip, "%s", pin);
    char what[400];
    snprintf(what, sizeof what, "%s (%s)", name, hosts ? "from /etc/hosts" : "pinned");
    return tcp_to(ip, port, what, d, n);
}

static enum in_outcome p_dns(const char *name, char *d, size_t n)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int r = getaddrinfo(name, "443", &hints, &res);
    if (r == 0) {
        char ip[INET6_ADDRSTRLEN] = "?";
        getnameinfo(res->ai_addr, res->ai_addrlen, ip, sizeof ip, NULL, 0, NI_NUMERICHOST);
        freeaddrinfo(res);
        snprintf(d, n, "%s resolved to %s", name, ip);
        return IN_WORKED;
    }
    snprintf(d, n, "%s: %s", name, gai_strerror(r));
    return IN_REFUSED;
}

/* ARG a path, or "@name" for the abstract namespace. */
static enum in_outcome p_unix(const char *arg, char *d, size_t n)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(arg);
    if (len >= sizeof sa.sun_path) {
        snprintf(d, n, "path too long");
        return IN_ERROR;
    }
    memcpy(sa.sun_path, arg, len);
    if (arg[0] == '@')
        sa.sun_path[0] = 0;
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                               (arg[0] == '@' ? 0 : 1));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return in_errno(errno, d, n, "socket(AF_UNIX)");
    int e = connect_bounded(fd, (struct sockaddr *)&sa, sl);
    close(fd);
    if (e == 0) {
        snprintf(d, n, "connected to %s", arg);
        return IN_WORKED;
    }
    char w[300];
    snprintf(w, sizeof w, "connect %s", arg);
    return in_errno(e, d, n, w);
}

const struct in_probe in_net_probes[] = {
    {"tcp", p_tcp},
    {"blocked", p_blocked},
    {"dns", p_dns},
    {"unix", p_unix},
    {NULL, NULL},
};
