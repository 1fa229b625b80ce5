#pragma once
/* Load the kernel-attack-surface deny list into the calling thread.
 * Must run after every other set-up step: it forbids mount, unshare, ... */
int seccomp_apply(void);
/* Names of the syscalls denied, for `check`. */
extern const char *const seccomp_denied_names[];
