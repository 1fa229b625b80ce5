/* The system calls the seccomp layer refuses: shared by the filter
 * generator and by `check`, which lists them. */
#include <stddef.h>

#include "sandbox/seccomp.h"

/* What audit_all_access records: file opens, program starts, and the
 * calls that create, remove or rename names. */
const char *const seccomp_observed_names[] = {
    "open", "openat", "openat2", "creat", "execve", "execveat", "unlink", "unlinkat",
    "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir", NULL,
};

const char *const seccomp_denied_names[] = {
    /* namespaces and mounts: the way out of the view we built */
    "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen",
    "fsconfig", "fsmount", "fspick", "mount_setattr", "setns", "unshare",
    /* keyrings, bpf, perf, userfaultfd, io_uring: large kernel surface */
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    /* other processes' memory and the kernel itself */
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "open_by_handle_at",
    "name_to_handle_at", "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog", "uselib",
    "vhangup", "lookup_dcookie", "nfsservctl", "iopl", "ioperm", "_sysctl",
    "fanotify_init", "pidfd_getfd",
    NULL,
};
