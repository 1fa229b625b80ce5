#pragma once
#include "sandbox/sandbox.h"

/* The Landlock ABI of this kernel, 0 when unavailable or disabled. */
int landlock_abi_version(void);
/* Restrict the calling thread (no_new_privs must already be set). */
int landlock_apply(const struct sandbox_config *cfg);
