#pragma once
/* Passing one file descriptor over a unix socket (SCM_RIGHTS). */
int fd_send(int sock, int fd);
/* The received fd (close-on-exec), or -1. */
int fd_recv(int sock);
