/* A record of the placeholders a run created, so that a later run can
 * remove them if this one was killed before it could. */
#pragma once
#include "sandbox/plan.h"

#include <stdio.h>

/* Open our record before the placeholders are made; NULL (with a warning)
 * only loses crash recovery. */
FILE *journal_open(void);
/* A placeholder_cb: append one placeholder to the record. */
void journal_record(const struct fs_plan *plan, const struct placeholder *ph, void *data);
/* Remove our record (after the placeholders are gone). */
void journal_remove(void);
/* Clean up after runs whose supervisor died: their placeholders, then
 * their records. */
void journal_recover(void);
