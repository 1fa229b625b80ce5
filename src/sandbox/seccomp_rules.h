#pragma once
#include <seccomp.h>

#include "sandbox/seccomp.h"

/* The filter, ready to export or load; NULL on failure. */
scmp_filter_ctx seccomp_build_filter(void);
