/* The audit log's hash chain: it must show edits, deletions and
 * truncation, and survive concurrent writers without lost or torn lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/verify.h"
#include "util/fileutil.h"
#include "util/rmtree.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/sbx-audit-test.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof path, "%s/state/audit.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_tree(dir);
    return 0;
}

static void write_events(int n)
{
    struct audit_log log;
    assert_int_equal(audit_open(&log, path), 0);
    for (int i = 0; i < n; i++)
        assert_int_equal(audit_event(&log, "test.event", json_pack("{s:i}", "i", i)), 0);
    audit_close(&log);
}

/* Rewrite the file with line `victim` (1-based) changed by `edit`. */
static void rewrite(int victim, void (*edit)(char *line, FILE *out))
{
    char *text = NULL;
    size_t len;
    assert_int_equal(read_file(path, 1 << 24, &text, &len), 0);
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    int no = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (++no == victim)
            edit(line, out);
        else
            fprintf(out, "%s\n", line);
    }
    fclose(out);
    free(text);
}

static void edit_value(char *line, FILE *out)
{
    char *p = strstr(line, "\"i\":");
    assert_non_null(p);
    p[4] = p[4] == '9' ? '8' : '9';
    fprintf(out, "%s\n", line);
}

static void drop(char *line, FILE *out)
{
    (void)line;
    (void)out;
}

static void test_intact(void **state)
{
    (void)state;
    write_events(5);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 0);
    assert_int_equal(v.lines, 5);
    /* A second writer continues the same chain. */
    write_events(3);
    assert_int_equal(audit_verify(path, 5, &v), 0);
    assert_int_equal(v.lines, 8);
}

static void test_edit_detected(void **state)
{
    (void)state;
    write_events(5);
    rewrite(3, edit_value);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 1);
    assert_non_null(strstr(v.message, "audit.jsonl:4:"));
    assert_non_null(strstr(v.message, "chain breaks"));
}

static void test_deletion_detected(void **state)
{
    (void)state;
    write_events(5);
    rewrite(2, drop);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 1);
    assert_non_null(strstr(v.message, "audit.jsonl:2:"));
}

static void test_truncation_detected(void **state)
{
    (void)state;
    write_events(5);
    rewrite(5, drop); /* the last line gone: the chain alone still holds */
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 1);
    assert_non_null(strstr(v.message, "truncated"));
}

static void test_last_line_edit_detected(void **state)
{
    (void)state;
    write_events(4);
    rewrite(4, edit_value);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 1);
    assert_non_null(strstr(v.message, "head records"));
}

static void test_torn_line_detected(void **state)
{
    (void)state;
    write_events(3);
    int fd = open(path, O_WRONLY | O_APPEND);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"ts\":\"x\"", 9), 9);
    close(fd);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 1);
    assert_non_null(strstr(v.message, "audit.jsonl:4: a torn last line"));
}

/* Four writers at once, 10,000 events each: every line whole, the chain
 * intact, none lost. */
static void test_concurrent_writers(void **state)
{
    (void)state;
    enum { WRITERS = 4, EVENTS = 10000 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            struct audit_log log;
            if (audit_open(&log, path) < 0)
                _exit(2);
            for (int i = 0; i < EVENTS; i++)
                if (audit_event(&log, "test.event", json_pack("{s:i, s:i}", "w", w, "i", i)) < 0)
                    _exit(3);
            audit_close(&log);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int st;
        assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 0);
    assert_int_equal(v.lines, WRITERS * EVENTS);
}

/* Rotation carries the chain into the next file. */
static void test_rotation_carries_chain(void **state)
{
    (void)state;
    struct audit_log log;
    assert_int_equal(audit_open(&log, path), 0);
    log.max_bytes = 2048;
    for (int i = 0; i < 60; i++)
        assert_int_equal(audit_event(&log, "test.event", json_pack("{s:i}", "i", i)), 0);
    audit_close(&log);
    char rotated[160];
    snprintf(rotated, sizeof rotated, "%s.1", path);
    assert_int_equal(access(rotated, F_OK), 0);
    struct audit_verdict v;
    assert_int_equal(audit_verify(path, 5, &v), 0);
    assert_true(v.files >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edit_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deletion_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncation_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_line_edit_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_torn_line_detected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation_carries_chain, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
