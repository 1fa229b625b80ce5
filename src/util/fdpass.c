#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "util/fdpass.h"

union fd_cmsg {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
};

/* One byte of payload carries the control message. */
static void prepare(struct msghdr *msg, struct iovec *iov, char *byte, union fd_cmsg *u)
{
    *iov = (struct iovec){.iov_base = byte, .iov_len = 1};
    *msg = (struct msghdr){.msg_iov = iov, .msg_iovlen = 1, .msg_control = u->buf,
                           .msg_controllen = sizeof u->buf};
}

int fd_send(int sock, int fd)
{
    char byte = 'F';
    struct iovec iov;
    struct msghdr msg;
    union fd_cmsg u;
    prepare(&msg, &iov, &byte, &u);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int fd_recv(int sock)
{
    char byte;
    struct iovec iov;
    struct msghdr msg;
    union fd_cmsg u;
    prepare(&msg, &iov, &byte, &u);
    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) <= 0)
        return -1;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
        cm->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    return fd;
}
