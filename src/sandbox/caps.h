#pragma once
/* Drop every capability for good: bounding, ambient, inheritable,
 * permitted, effective, and lock securebits so that exec as uid 0 does
 * not give them back. Then set no_new_privs. */
int caps_drop_all(void);
