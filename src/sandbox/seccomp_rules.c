/* The seccomp layer's rules, written with libseccomp: an allow-by-default
 * filter that refuses the calls that give a confined process kernel attack
 * surface or a way out of its namespaces. Denials are EPERM so that
 * programs degrade instead of dying. This runs at build time
 * (seccomp_gen.c): sandboxctl loads the finished BPF program. */
#include <errno.h>
#include <linux/sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "sandbox/seccomp_rules.h"

/* New namespaces through clone(): user, mount, ... */
#define NS_FLAGS                                                                         \
    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |          \
     CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWTIME)

scmp_filter_ctx seccomp_build_filter(void)
{
    int r = 0;
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return NULL;
    /* Only the native ABI: x32 and i386 calls would slip past a filter
     * written with x86-64 numbers, so they kill the process. */
    if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) < 0)
        goto out;
    for (size_t i = 0; seccomp_denied_names[i]; i++) {
        int nr = seccomp_syscall_resolve_name(seccomp_denied_names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not on this architecture */
        if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0)) < 0)
            goto out;
    }
    /* vsock talks to the hypervisor and other VMs, around any network
     * namespace. */
    if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffUL, 40 /* AF_VSOCK */))) < 0)
        goto out;
    /* Newer than this libseccomp's tables: by number, native ABI only. */
#if defined(__x86_64__)
    if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), 467 /* open_tree_attr */, 0)) < 0)
        goto out;
#endif
    /* clone3 passes its flags in memory seccomp cannot read: ENOSYS makes
     * libc fall back to clone(), whose flags we can check. */
    if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0)) < 0)
        goto out;
    /* Any namespace bit in clone() flags is refused, one rule per bit. */
    for (unsigned long bit = 1; bit; bit <<= 1) {
        if (!(NS_FLAGS & bit))
            continue;
        if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit))) < 0)
            goto out;
    }
    /* Terminal injection: the kernel compares only the low 32 bits of the
     * request, so must we, or TIOCSTI | 1<<32 walks past the filter. */
    static const unsigned long tty_bad[] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < 2; i++)
        if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(ioctl), 1,
                                  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, tty_bad[i]))) < 0)
            goto out;
    /* personality: only the default persona. The kernel reads 32 bits, so
     * any set bit among them is refused (libseccomp cannot say "neither 0
     * nor 0xffffffff" in one rule); even a query then fails with EPERM. */
    for (unsigned long bit = 1; bit <= 0x80000000UL; bit <<= 1)
        if ((r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(personality), 1,
                                  SCMP_A0(SCMP_CMP_MASKED_EQ, bit, bit))) < 0)
            goto out;
    return ctx;
out:
    seccomp_release(ctx);
    return NULL;
}

scmp_filter_ctx seccomp_build_observer(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return NULL;
    /* Other ABIs are the main filter's to refuse; here they just pass. */
    if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) < 0)
        goto fail;
    for (size_t i = 0; seccomp_observed_names[i]; i++) {
        int nr = seccomp_syscall_resolve_name(seccomp_observed_names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue;
        if (seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0) < 0)
            goto fail;
    }
    return ctx;
fail:
    seccomp_release(ctx);
    return NULL;
}
