/* Messages from the sandbox init to the supervisor over their socketpair. */
#pragma once

enum sync_kind { SYNC_STARTED = 1, SYNC_SETUP_FAILED = 2, SYNC_EXITED = 3 };

struct sync_msg {
    int kind;
    int status; /* SYNC_EXITED: the command's raw wait status */
};

void syncmsg_send_status(int fd, int kind, int status);
/* 1 on a message, 0 at end of stream, -errno on error. */
int syncmsg_recv(int fd, struct sync_msg *m);
