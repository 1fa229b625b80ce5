/* sandboxctl report: from probe verdicts and check's controls to the
 * posture table, and the results-log line read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox/controls.h"
#include "selftest/report.h"
#include "selftest/selftest.h"

static void all_pass(struct st_results *r)
{
    for (size_t i = 0; i < st_n_probes; i++)
        st_results_add(r, st_probes[i].name, ST_PASS, 1, "ok");
}

static void set_status(struct st_results *r, const char *name, enum st_status st)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->v[i].name, name))
            r->v[i].status = st;
}

static void test_no_results_not_tested(void **state)
{
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(NULL, NULL, rows);
    for (int c = 0; c < STC_COUNT; c++) {
        assert_int_equal(rows[c].status, POS_NOT_TESTED);
        assert_non_null(strstr(rows[c].reason, "no `sandboxctl test` results"));
    }
    st_posture_free(rows);
}

static void test_all_pass_active(void **state)
{
    struct st_results r = {0};
    all_pass(&r);
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(&r, NULL, rows);
    for (int c = 0; c < STC_COUNT; c++) {
        assert_int_equal(rows[c].status, POS_ACTIVE);
        assert_int_equal(rows[c].fail, 0);
        assert_true(rows[c].pass > 0);
    }
    assert_string_equal(st_posture_name(rows[STC_FILE].status), "Active");
    st_posture_free(rows);
    st_results_free(&r);
}

static void test_fail_partial_or_inactive(void **state)
{
    struct st_results r = {0};
    all_pass(&r);
    set_status(&r, "shadow-unreadable", ST_FAIL);
    /* Every audit probe failing: nothing of it holds. */
    set_status(&r, "audit-log-hidden", ST_FAIL);
    set_status(&r, "audit-run-recorded", ST_FAIL);
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(&r, NULL, rows);
    assert_int_equal(rows[STC_FILE].status, POS_PARTIAL);
    assert_non_null(strstr(rows[STC_FILE].reason, "shadow-unreadable"));
    assert_int_equal(rows[STC_FILE].fail, 1);
    assert_int_equal(rows[STC_AUDIT].status, POS_INACTIVE);
    assert_int_equal(rows[STC_NETWORK].status, POS_ACTIVE);
    st_posture_free(rows);
    st_results_free(&r);
}

static void test_all_skipped_not_tested(void **state)
{
    struct st_results r = {0};
    all_pass(&r);
    set_status(&r, "sandbox-listed", ST_SKIP);
    set_status(&r, "limit-hit-reported", ST_SKIP);
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(&r, NULL, rows);
    assert_int_equal(rows[STC_MONITORING].status, POS_NOT_TESTED);
    assert_non_null(strstr(rows[STC_MONITORING].reason, "no probe ran"));
    st_posture_free(rows);
    st_results_free(&r);
}

static void test_check_gap_makes_partial(void **state)
{
    struct st_results r = {0};
    all_pass(&r);
    struct control v[2] = {
        {.area = "resources", .item = "memory 64 MiB", .layer = "RLIMIT_AS",
         .state = CTL_PARTIAL, .confinement = true, .detail = "per process"},
        {.area = "network", .item = "mode none", .layer = "network namespace",
         .state = CTL_ENFORCED, .confinement = true, .detail = ""},
    };
    struct controls chk = {.v = v, .n = 2};
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(&r, &chk, rows);
    assert_int_equal(rows[STC_RESOURCES].status, POS_PARTIAL);
    assert_non_null(strstr(rows[STC_RESOURCES].reason, "memory 64 MiB PARTIAL"));
    assert_int_equal(rows[STC_NETWORK].status, POS_ACTIVE);
    st_posture_free(rows);
    st_results_free(&r);
}

static void test_log_line_round_trip(void **state)
{
    struct st_results r = {0};
    all_pass(&r);
    set_status(&r, "memory-limit", ST_FAIL);
    set_status(&r, "trusted-domain-reachable", ST_SKIP);
    struct st_run_info info = {.timestamp = "2026-01-02T03:04:05+00:00", .mode = "namespaces",
                               .landlock_abi = 6, .cgroup = "cgroup v2", .userns = true};
    memset(info.digest, 'a', 64);
    char *line = st_log_line(&r, &info);
    assert_non_null(strstr(line, "\"result\":1"));
    assert_null(strchr(line, '\n'));
    struct st_latest l;
    assert_int_equal(st_latest_parse(line, &l), 0);
    assert_true(l.found);
    assert_int_equal(l.result, 1);
    assert_string_equal(l.timestamp, "2026-01-02T03:04:05+00:00");
    assert_string_equal(l.cgroup, "cgroup v2");
    assert_int_equal(l.landlock_abi, 6);
    assert_int_equal(l.results.n, r.n);
    struct st_posture_row rows[STC_COUNT];
    st_posture_compute(&l.results, NULL, rows);
    assert_int_equal(rows[STC_RESOURCES].status, POS_PARTIAL);
    assert_int_equal(rows[STC_NETWORK].status, POS_ACTIVE);
    assert_int_equal(rows[STC_NETWORK].skip, 1);
    st_posture_free(rows);
    st_latest_free(&l);
    /* A line of the seed's own runner has no probes: not ours. */
    assert_int_equal(st_latest_parse("{\"timestamp\": \"x\", \"result\": \"0\"}", &l), -1);
    free(line);
    st_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_results_not_tested),
        cmocka_unit_test(test_all_pass_active),
        cmocka_unit_test(test_fail_partial_or_inactive),
        cmocka_unit_test(test_all_skipped_not_tested),
        cmocka_unit_test(test_check_gap_makes_partial),
        cmocka_unit_test(test_log_line_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
