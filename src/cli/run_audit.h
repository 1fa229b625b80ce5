/* The audit side of `run`: where the trail goes, what the sandbox may not
 * see of it, and the run.start / run.end events. */
#pragma once
#include "audit/audit.h"
#include "sandbox/controls.h"
#include "sandbox/supervisor.h"

/* Opens the log the policy names and hides it from the sandbox. Returns
 * 0 (cfg->audit set, or NULL after a loud warning), or -1 when run must
 * not start (strict_mode, or a log inside the writable area). */
int run_audit_open(struct sandbox_config *cfg, struct audit_log *log);
/* -1 when the event could not be written and strict_mode forbids
 * running unrecorded. */
int run_audit_start(struct sandbox_config *cfg, const struct controls *c,
                    const char *const *policy_files, int n_policy_files);
void run_audit_end(struct sandbox_config *cfg, const struct run_result *res);
