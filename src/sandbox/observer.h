/* audit_all_access: the supervisor's side of the seccomp user-notification
 * listener. Every observed call stops in the kernel until we have recorded
 * it, then continues (SECCOMP_USER_NOTIF_FLAG_CONTINUE): the mounts and
 * Landlock still decide; we record the path, the process and the verdict
 * the policy gives. What we read is what the process passed at that moment
 * (a racing thread can change its memory afterwards): this is a record,
 * never an enforcement layer. */
#pragma once
#include <stdint.h>

#include "audit/audit.h"
#include "sandbox/plan.h"

struct observer {
    int listener;
    void *req, *resp;
    uint16_t req_size, resp_size;
    const struct fs_plan *plan;
    struct audit_log *log;
    uint64_t events;    /* recorded */
    uint64_t dropped;   /* observed past OBSERVER_MAX_EVENTS, counted only */
};

/* Per run: past this many file events a run's own calls could rotate the
 * trail of earlier runs away, so they are counted, no longer listed. */
#define OBSERVER_MAX_EVENTS 100000

int observer_start(struct observer *o, int listener, const struct fs_plan *plan,
                   struct audit_log *log);
/* Handle what is pending; -1 when the listener is gone (all processes
 * that had the filter have exited). */
int observer_handle(struct observer *o);
void observer_stop(struct observer *o);

/* "allow" or "deny" and the rule, as the policy's view would decide. */
const char *fs_plan_verdict(const struct fs_plan *plan, const char *path, bool write,
                            const char **rule);
