/* One progress line per probe on stderr; on a terminal a single line that
 * is rewritten. */
#include <stdio.h>

#include "selftest/selftest.h"

void st_progress_step(struct st_progress *pr, const char *name)
{
    pr->done++;
    if (pr->quiet)
        return;
    if (pr->tty)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s", pr->done, pr->total, name);
    else
        fprintf(stderr, "sandboxctl test: [%zu/%zu] %s\n", pr->done, pr->total, name);
    fflush(stderr);
}

void st_progress_end(struct st_progress *pr)
{
    if (!pr->quiet && pr->tty) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}
