/* The audit log: JSON Lines written only by the supervisor, each line
 * chained to the one before by its SHA-256, with a head record beside the
 * file so that truncation shows as well as edits and deletions. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum audit_fsync { AUDIT_FSYNC_INTERVAL, AUDIT_FSYNC_EVERY, AUDIT_FSYNC_NEVER };

struct audit_log {
    int fd;
    char *path;         /* the log */
    char *head_path;    /* path + ".head": line count and last hash */
    char run_id[40];
    enum audit_fsync fsync_mode;
    uint64_t max_bytes; /* rotate past this size; 0 = never */
    unsigned keep;      /* rotated files kept */
    unsigned lost;      /* events that could not be written */
    /* Events waiting for audit_flush: each line up to (not including) the
     * closing brace; prev is added when the chain is known. */
    char **queue;
    size_t queued, queue_cap;
};

/* Queued events are written together once this many wait. */
#define AUDIT_BATCH 512

#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The log path a policy names, or $XDG_STATE_HOME/sandboxctl/audit.jsonl
 * (~/.local/state/... when unset). Heap. */
char *audit_default_path(const char *policy_path);
/* Open (creating the private directory 0700 and the file 0600). */
int audit_open(struct audit_log *log, const char *path);
/* A new run id: sortable by start time, unique by 64 random bits. */
void audit_new_run_id(char out[40]);
/* Append one event now (after any queued ones): fields (may be NULL) are
 * stolen. 0 or -errno; a failure is also counted in log->lost and said on
 * stderr once. */
int audit_event(struct audit_log *log, const char *event, json_t *fields);
/* Flush to disk as fsync_mode says, at the end of a run. */
void audit_sync(struct audit_log *log);
/* Queue an event (high-volume file events): written by audit_flush, or
 * when AUDIT_BATCH are waiting. Order is kept. */
int audit_event_queue(struct audit_log *log, const char *event, json_t *fields);
/* The same with the fields already as JSON text: `"k":v,"k2":v2` (the hot
 * path of audit_all_access, without building objects). */
int audit_event_queue_text(struct audit_log *log, const char *event, const char *fields);
/* Append s as a JSON string literal (quotes included) to buf; invalid
 * UTF-8 bytes become \u00XX so that every line stays valid JSON. */
void audit_json_quote(char **buf, size_t *len, size_t *cap, const char *s);
int audit_flush(struct audit_log *log);
void audit_close(struct audit_log *log);

/* SHA-256 of data as 64 hex digits + NUL. */
void audit_sha256_hex(const void *data, size_t len, char out[65]);
/* "2026-11-27T10:50:00.123456Z" */
void audit_timestamp(char out[40]);
