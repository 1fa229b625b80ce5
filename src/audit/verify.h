#pragma once
#include <stdbool.h>
#include <stdint.h>

struct audit_verdict {
    bool ok;
    bool rotated_history;
    uint64_t lines;
    unsigned files;
    char message[1024]; /* the first broken place, FILE:LINE: why */
};

/* 0 when the chain is intact, 1 otherwise (v->message says where). */
int audit_verify(const char *path, unsigned keep, struct audit_verdict *v);
