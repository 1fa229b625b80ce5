/* Messages from the sandbox init to the supervisor over their socketpair. */
#pragma once
#include <stdint.h>

enum sync_kind { SYNC_STARTED = 1, SYNC_SETUP_FAILED = 2, SYNC_EXITED = 3 };

struct sync_msg {
    int kind;
    int status; /* SYNC_EXITED: the command's raw wait status */
    /* SYNC_EXITED: CPU and peak memory of everything init reaped */
    int64_t utime_us, stime_us, maxrss_kib;
};

void syncmsg_send_status(int fd, int kind, int status);
/* SYNC_EXITED with the resource usage of init's reaped descendants. */
void syncmsg_send_exit(int fd, int status);
/* 1 on a message, 0 at end of stream, -errno on error. */
int syncmsg_recv(int fd, struct sync_msg *m);
