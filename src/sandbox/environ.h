#pragma once
#include "policy/policy.h"

/* The command's environment: the caller's, less every name the policy's
 * deny patterns match (case-insensitively, unless allowed by name), with
 * TMPDIR pointing at the private temp directory. NULL-terminated, heap. */
#include <stdbool.h>
/* proxies: the filtering proxies exist (filtered mode with namespaces):
 * point the proxy variables at them. */
char **environ_build(char **env, const struct policy *p, const char *tmpdir, bool proxies);
/* True when the variable name would be removed. */
int environ_is_denied(const char *name, const struct policy *p);
void environ_free(char **envp);
