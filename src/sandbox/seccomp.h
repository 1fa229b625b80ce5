#pragma once
/* Load the kernel-attack-surface deny list into the calling thread.
 * Must run after every other set-up step: it forbids mount, unshare, ... */
int seccomp_apply(void);
/* Names of the syscalls denied, for `check`. */
extern const char *const seccomp_denied_names[];
/* The calls audit_all_access observes (seccomp user notification). */
extern const char *const seccomp_observed_names[];
/* Load the observer filter: these calls stop until the supervisor has
 * looked at them and let them continue. Returns the listener fd. */
int seccomp_apply_observer(void);
