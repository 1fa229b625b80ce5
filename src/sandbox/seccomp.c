/* Loads the seccomp filter that seccomp-gen compiled at build time from
 * seccomp_rules.c: one system call, no libseccomp at run time. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/seccomp.h"
#include "sandbox/seccomp_bpf.h"

int seccomp_apply_observer(void)
{
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof seccomp_observer_program /
                                sizeof seccomp_observer_program[0]),
        .filter = (struct sock_filter *)seccomp_observer_program,
    };
    int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                          &prog);
    return fd < 0 ? -errno : fd;
}

int seccomp_apply(void)
{
    struct sock_fprog prog = {
        .len = (unsigned short)(sizeof seccomp_program / sizeof seccomp_program[0]),
        .filter = (struct sock_filter *)seccomp_program,
    };
    /* no_new_privs is already set (caps_drop_all). */
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
        return -errno;
    return 0;
}
