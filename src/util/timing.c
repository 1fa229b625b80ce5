#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/timing.h"

void timing_mark(const char *phase)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *v = getenv("SANDBOXCTL_TIMING");
        enabled = v && strcmp(v, "1") == 0;
    }
    if (!enabled)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char buf[128];
    int n = snprintf(buf, sizeof buf, "timing %ld.%06ld %d %s\n", (long)ts.tv_sec,
                     ts.tv_nsec / 1000, (int)getpid(), phase);
    if (n > 0)
        (void)!write(STDERR_FILENO, buf, (size_t)n);
}
