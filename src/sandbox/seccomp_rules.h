#pragma once
#include <seccomp.h>

#include "sandbox/seccomp.h"

/* The filter, ready to export or load; NULL on failure. */
scmp_filter_ctx seccomp_build_filter(void);
/* The observer: SCMP_ACT_NOTIFY for seccomp_observed_names, allow the rest. */
scmp_filter_ctx seccomp_build_observer(void);
