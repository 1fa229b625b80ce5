/* audit verify: recompute the chain over the rotated files and the live
 * one, oldest first, and compare its end with the head record. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/verify.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

struct chain {
    char last[65];
    uint64_t lines_total;
    uint64_t lines_in_file;
    bool started;
    bool rotated_history; /* the oldest file kept continues an older one */
};

static int fail(struct audit_verdict *v, const char *file, uint64_t line, const char *why)
{
    v->ok = false;
    snprintf(v->message, sizeof v->message, "%s:%llu: %s", file, (unsigned long long)line, why);
    return 1;
}

static int check_file(const char *file, struct chain *c, struct audit_verdict *v)
{
    FILE *f = fopen(file, "re");
    if (!f)
        return errno == ENOENT ? 0 : fail(v, file, 0, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    uint64_t no = 0;
    int r = 0;
    c->lines_in_file = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        no++;
        if (line[n - 1] != '\n') {
            r = fail(v, file, no, "a torn last line (no newline): cut short by a crash or "
                                  "truncation");
            break;
        }
        line[--n] = '\0';
        json_error_t jerr;
        json_t *obj = json_loadb(line, (size_t)n, 0, &jerr);
        const char *prev = obj ? json_string_value(json_object_get(obj, "prev")) : NULL;
        if (!prev || strlen(prev) != 64) {
            json_decref(obj);
            r = fail(v, file, no, "not an audit event (no prev hash): edited");
            break;
        }
        bool first_ever = !c->started;
        if (first_ever && strcmp(prev, AUDIT_ZERO_HASH) != 0)
            c->rotated_history = true; /* older files were rotated away */
        if (!first_ever && strcmp(prev, c->last) != 0) {
            json_decref(obj);
            r = fail(v, file, no,
                     "the chain breaks here: this line does not follow the line before it "
                     "(that line was edited, or lines between were deleted)");
            break;
        }
        json_decref(obj);
        audit_sha256_hex(line, (size_t)n, c->last);
        c->started = true;
        c->lines_total++;
        c->lines_in_file++;
    }
    free(line);
    fclose(f);
    return r;
}

int audit_verify(const char *path, unsigned keep, struct audit_verdict *v)
{
    *v = (struct audit_verdict){.ok = true};
    struct chain c = {0};
    memcpy(c.last, AUDIT_ZERO_HASH, 65);
    for (unsigned k = keep; k >= 1; k--) {
        _cleanup_free_ char *rot = xasprintf("%s.%u", path, k);
        if (access(rot, F_OK) == 0) {
            v->files++;
            if (check_file(rot, &c, v))
                return 1;
        }
    }
    if (access(path, F_OK) < 0) {
        snprintf(v->message, sizeof v->message, "%s: no audit log", path);
        v->ok = false;
        return 1;
    }
    v->files++;
    if (check_file(path, &c, v))
        return 1;
    v->lines = c.lines_total;
    v->rotated_history = c.rotated_history;
    /* The end: the head says how many lines the live file had and which
     * came last. A shorter file, or another last line, was truncated. */
    _cleanup_free_ char *head_path = xasprintf("%s.head", path);
    _cleanup_free_ char *text = NULL;
    unsigned long long hl;
    char hh[65];
    if (read_file(head_path, 256, &text, NULL) < 0 || sscanf(text, "%llu %64s", &hl, hh) != 2) {
        if (c.lines_total) {
            snprintf(v->message, sizeof v->message,
                     "%s: the head record is missing: truncation cannot be ruled out", head_path);
            v->ok = false;
            return 1;
        }
        return 0;
    }
    if (hl != c.lines_in_file || strcmp(hh, c.last) != 0) {
        snprintf(v->message, sizeof v->message,
                 "%s:%llu: the log ends here but its head records %llu line(s) and another "
                 "last line: lines were removed from the end (truncated) or the last line was "
                 "edited",
                 path, (unsigned long long)c.lines_in_file, hl);
        v->ok = false;
        return 1;
    }
    return 0;
}
