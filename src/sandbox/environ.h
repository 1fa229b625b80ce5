#pragma once
#include "policy/policy.h"

/* The command's environment: the caller's, less every name the policy's
 * deny patterns match (case-insensitively, unless allowed by name), with
 * TMPDIR pointing at the private temp directory. NULL-terminated, heap. */
char **environ_build(char **env, const struct policy *p, const char *tmpdir);
/* True when the variable name would be removed. */
int environ_is_denied(const char *name, const struct policy *p);
void environ_free(char **envp);
