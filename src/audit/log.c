/* Appending to the audit log. Several supervisors may share one log: each
 * append happens under an exclusive flock, reads the head record (line
 * count and hash of the last line), writes one whole line with a single
 * write(2), and updates the head. A write that fails half-way is cut back
 * so that no torn line stays behind. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

#define DEFAULT_MAX_BYTES (64ULL << 20)
#define DEFAULT_KEEP 5

char *audit_default_path(const char *policy_path)
{
    if (policy_path && policy_path[0])
        return xstrdup(policy_path);
    const char *state = getenv("XDG_STATE_HOME");
    if (state && state[0] == '/')
        return xasprintf("%s/sandboxctl/audit.jsonl", state);
    const char *home = getenv("HOME");
    return xasprintf("%s/.local/state/sandboxctl/audit.jsonl",
                     home && home[0] == '/' ? home : "/tmp");
}

/* Parents are created private: nothing but this user may list the log. */
static int make_parents(const char *path)
{
    _cleanup_free_ char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return -errno;
            *p = c;
            if (!c)
                break;
        }
    }
    return 0;
}

void audit_new_run_id(char out[40])
{
    uint8_t r[8] = {0};
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        memcpy(r, &(pid_t){getpid()}, sizeof(pid_t));
    char ts[40];
    audit_timestamp(ts);
    /* Sortable by start time, unique by the random part: 20261127T105000-1a2b... */
    snprintf(out, 40,
             "%.4s%.2s%.2sT%.2s%.2s%.2s-%02x%02x%02x%02x%02x%02x%02x%02x", ts, ts + 5, ts + 8,
             ts + 11, ts + 14, ts + 17, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
}

static int scan_last_line(int fd, uint64_t *lines, char hash[65]);
static int write_head(struct audit_log *log, uint64_t lines, const char *hash);
#define HEAD_RECORD_LEN 86 /* 20 digits, space, 64 hex digits, newline */

int audit_open(struct audit_log *log, const char *path)
{
    *log = (struct audit_log){.fd = -1, .max_bytes = DEFAULT_MAX_BYTES, .keep = DEFAULT_KEEP};
    int r = make_parents(path);
    if (r < 0)
        return r;
    log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (log->fd < 0)
        return -errno;
    log->path = xstrdup(path);
    log->head_path = xasprintf("%s.head", path);
    audit_new_run_id(log->run_id);
    struct stat st;
    if (stat(log->head_path, &st) < 0 || st.st_size < HEAD_RECORD_LEN) {
        /* A log without its head yet (new, or from an older version):
         * write one now, while there may still be room for it. */
        uint64_t lines;
        char hash[65];
        if (flock(log->fd, LOCK_EX) == 0) {
            if (scan_last_line(log->fd, &lines, hash) == 0)
                write_head(log, lines, hash);
            flock(log->fd, LOCK_UN);
        }
    }
    return 0;
}

/* The last line of the log, found from its end: for a missing head. */
static int scan_last_line(int fd, uint64_t *lines, char hash[65])
{
    *lines = 0;
    memcpy(hash, AUDIT_ZERO_HASH, 65);
    _cleanup_close_ int rfd = -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    rfd = open(path, O_RDONLY | O_CLOEXEC);
    if (rfd < 0)
        return -errno;
    FILE *f = fdopen(TAKE_FD(rfd), "r");
    if (!f)
        return -errno;
    char *line = NULL, *last = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n')
            break; /* a torn tail is not part of the chain */
        free(last);
        last = strndup(line, (size_t)n - 1);
        (*lines)++;
    }
    if (last)
        audit_sha256_hex(last, strlen(last), hash);
    free(line);
    free(last);
    fclose(f);
    return 0;
}

static int read_head(struct audit_log *log, uint64_t *lines, char hash[65])
{
    _cleanup_free_ char *text = NULL;
    unsigned long long n;
    char h[65];
    if (read_file(log->head_path, 256, &text, NULL) == 0 &&
        sscanf(text, "%llu %64s", &n, h) == 2 && strlen(h) == 64) {
        *lines = n;
        memcpy(hash, h, 65);
        return 0;
    }
    return scan_last_line(log->fd, lines, hash);
}

/* The head is one fixed-size record rewritten in place: overwriting blocks
 * it already has needs no free space, so a full disk cannot leave the log
 * ahead of its head. */
static int write_head(struct audit_log *log, uint64_t lines, const char *hash)
{
    _cleanup_close_ int fd = open(log->head_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                                  0600);
    if (fd < 0)
        return -errno;
    char buf[HEAD_RECORD_LEN + 1];
    snprintf(buf, sizeof buf, "%020llu %s\n", (unsigned long long)lines, hash);
    ssize_t w = pwrite(fd, buf, HEAD_RECORD_LEN, 0);
    if (w != HEAD_RECORD_LEN)
        return w < 0 ? -errno : -ENOSPC;
    if (log->fsync_mode == AUDIT_FSYNC_EVERY)
        fsync(fd);
    return 0;
}

/* Another supervisor may have rotated the file under us. */
static int reopen_if_rotated(struct audit_log *log)
{
    struct stat a, b;
    if (fstat(log->fd, &a) == 0 && stat(log->path, &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev)
        return 0;
    int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -errno;
    close(log->fd);
    log->fd = fd;
    return 1;
}

/* audit.jsonl -> audit.jsonl.1 -> ... ; the chain continues in the new
 * file: its first line's prev is the last hash of the old one. */
static int rotate(struct audit_log *log)
{
    for (unsigned k = log->keep; k >= 1; k--) {
        _cleanup_free_ char *from = k == 1 ? xstrdup(log->path) : xasprintf("%s.%u", log->path, k - 1);
        _cleanup_free_ char *to = xasprintf("%s.%u", log->path, k);
        if (rename(from, to) < 0 && errno != ENOENT)
            return -errno;
    }
    int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -errno;
    /* Keep our lock: take it on the new file before letting go of the old. */
    flock(fd, LOCK_EX);
    close(log->fd);
    log->fd = fd;
    return 0;
}

static void grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return;
    *cap = need * 2;
    *buf = xrealloc(*buf, *cap);
}

void audit_json_quote(char **buf, size_t *len, size_t *cap, const char *s)
{
    grow(buf, cap, *len + strlen(s) * 6 + 3);
    char *o = *buf + *len;
    *o++ = '"';
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char ch = *p;
        int seq = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3
                : (ch & 0xf8) == 0xf0 ? 4 : 0;
        bool valid = seq > 0;
        for (int i = 1; valid && i < seq; i++)
            valid = (p[i] & 0xc0) == 0x80;
        if (ch == '"' || ch == '\\') {
            *o++ = '\\';
            *o++ = (char)ch;
            p++;
        } else if (ch < 0x20 || !valid) {
            o += sprintf(o, "\\u%04x", ch);
            p++;
        } else {
            memcpy(o, p, (size_t)seq);
            o += seq;
            p += seq;
        }
    }
    *o++ = '"';
    *len = (size_t)(o - *buf);
}

static void push(struct audit_log *log, char *prefix)
{
    if (log->queued == log->queue_cap) {
        log->queue_cap = log->queue_cap ? log->queue_cap * 2 : 64;
        log->queue = xrealloc(log->queue, log->queue_cap * sizeof *log->queue);
    }
    log->queue[log->queued++] = prefix;
}

static void drop_queue(struct audit_log *log)
{
    for (size_t i = 0; i < log->queued; i++)
        free(log->queue[i]);
    log->queued = 0;
}

/* Write every queued event in one write(2): each line's prev is the hash
 * of the line before it, the first one's the head's. */
static int append_locked(struct audit_log *log)
{
    int r = reopen_if_rotated(log);
    if (r < 0)
        return r;
    if (r > 0 && flock(log->fd, LOCK_EX) < 0)
        return -errno;
    uint64_t lines;
    char prev[65];
    if ((r = read_head(log, &lines, prev)) < 0)
        return r;
    struct stat st;
    if (fstat(log->fd, &st) < 0)
        return -errno;
    if (log->max_bytes && (uint64_t)st.st_size >= log->max_bytes) {
        if ((r = rotate(log)) < 0)
            return r;
        lines = 0;
        st.st_size = 0;
    }
    size_t len = 0, cap = 0;
    _cleanup_free_ char *buf = NULL;
    for (size_t i = 0; i < log->queued; i++) {
        size_t start = len, n = strlen(log->queue[i]);
        grow(&buf, &cap, len + n + 64 + 16);
        memcpy(buf + len, log->queue[i], n);
        len += n;
        len += (size_t)sprintf(buf + len, ",\"prev\":\"%s\"}", prev);
        audit_sha256_hex(buf + start, len - start, prev);
        buf[len++] = '\n';
    }
    ssize_t w = write(log->fd, buf, len);
    if (w != (ssize_t)len) {
        int e = w < 0 ? errno : ENOSPC;
        /* Cut a partial write back off: the chain must not end torn. */
        if (ftruncate(log->fd, st.st_size) < 0) {
            /* nothing more we can do; verify will name the torn line */
        }
        return -e;
    }
    if (log->fsync_mode == AUDIT_FSYNC_EVERY)
        fsync(log->fd);
    if ((r = write_head(log, lines + log->queued, prev)) < 0) {
        /* Log and head must agree: take the lines back. */
        if (ftruncate(log->fd, st.st_size) < 0) {
            /* verify will report the mismatch */
        }
        return r;
    }
    return 0;
}

int audit_flush(struct audit_log *log)
{
    if (!log->queued)
        return 0;
    int r;
    if (log->fd < 0) {
        r = -EBADF;
    } else if (flock(log->fd, LOCK_EX) < 0) {
        r = -errno;
    } else {
        r = append_locked(log);
        flock(log->fd, LOCK_UN);
    }
    size_t n = log->queued;
    drop_queue(log);
    if (r < 0) {
        if (!log->lost)
            log_error("audit: %zu event(s) NOT recorded in %s: %s", n,
                      log->path ? log->path : "(no log)", strerror(-r));
        log->lost += (unsigned)n;
    }
    return r;
}

static char *line_head(struct audit_log *log, const char *event, size_t *len, size_t *cap)
{
    char ts[40];
    audit_timestamp(ts);
    char *buf = NULL;
    *len = 0;
    *cap = 0;
    grow(&buf, cap, 256);
    *len = (size_t)snprintf(buf, *cap, "{\"ts\":\"%s\",\"run_id\":\"%s\",\"event\":", ts,
                            log->run_id);
    audit_json_quote(&buf, len, cap, event);
    return buf;
}

int audit_event_queue_text(struct audit_log *log, const char *event, const char *fields)
{
    size_t len, cap;
    char *buf = line_head(log, event, &len, &cap);
    size_t n = strlen(fields);
    grow(&buf, &cap, len + n + 2);
    if (n) {
        buf[len++] = ',';
        memcpy(buf + len, fields, n);
        len += n;
    }
    buf[len] = '\0';
    push(log, buf);
    return log->queued >= AUDIT_BATCH ? audit_flush(log) : 0;
}

int audit_event_queue(struct audit_log *log, const char *event, json_t *fields)
{
    char *text = NULL;
    if (fields) {
        text = json_dumps(fields, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(fields);
    }
    /* "{...}" -> "..." */
    size_t n = text ? strlen(text) : 0;
    if (n >= 2) {
        memmove(text, text + 1, n - 2);
        text[n - 2] = '\0';
    }
    int r = audit_event_queue_text(log, event, text && n >= 2 ? text : "");
    free(text);
    return r;
}

int audit_event(struct audit_log *log, const char *event, json_t *fields)
{
    audit_event_queue(log, event, fields);
    return audit_flush(log);
}

void audit_sync(struct audit_log *log)
{
    if (log->fd >= 0 && log->fsync_mode != AUDIT_FSYNC_NEVER)
        fdatasync(log->fd);
}

void audit_close(struct audit_log *log)
{
    audit_flush(log);
    free(log->queue);
    log->queue = NULL;
    if (log->lost)
        log_error("audit: %u event(s) of run %s could not be recorded in %s", log->lost,
                  log->run_id, log->path);
    if (log->fd >= 0)
        close(log->fd);
    free(log->path);
    free(log->head_path);
    log->fd = -1;
    log->path = log->head_path = NULL;
}
