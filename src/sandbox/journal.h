/* A record of the placeholders a run created, so that a later run can
 * remove them if this one was killed before it could. */
#pragma once
#include "sandbox/plan.h"

/* Write our record (after the placeholders exist). Failure is not fatal:
 * it only loses crash recovery, and says so. */
void journal_write(const struct fs_plan *plan);
/* Remove our record (after the placeholders are gone). */
void journal_remove(void);
/* Clean up after runs whose supervisor died: their placeholders, then
 * their records. */
void journal_recover(void);
