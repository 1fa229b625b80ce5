#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "sandbox/syncmsg.h"

void syncmsg_send_status(int fd, int kind, int status)
{
    struct sync_msg m = {.kind = kind, .status = status};
    /* SEQPACKET: one message, whole or not at all. */
    while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

void syncmsg_send_exit(int fd, int status)
{
    struct rusage ru;
    struct sync_msg m = {.kind = SYNC_EXITED, .status = status};
    if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
        m.utime_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
        m.stime_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
        m.maxrss_kib = ru.ru_maxrss;
    }
    while (send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR)
        ;
}

int syncmsg_recv(int fd, struct sync_msg *m)
{
    ssize_t n;
    do
        n = recv(fd, m, sizeof *m, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (n == 0)
        return 0;
    return n == (ssize_t)sizeof *m ? 1 : -EPROTO;
}
