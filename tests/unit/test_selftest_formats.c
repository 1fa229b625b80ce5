/* sandboxctl test and report: the output formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/report.h"
#include "selftest/selftest.h"

static void sample(struct st_results *r)
{
    st_results_add(r, "shadow-unreadable", ST_PASS, 12, "/etc/shadow: ENOENT");
    st_results_add(r, "memory-limit", ST_FAIL, 30, "NOT REFUSED: 128 MiB <allocated> & \"touched\"");
    st_results_add(r, "trusted-domain-reachable", ST_SKIP, 0,
                   "filtering network not in this version (network is enforced as none)");
    st_results_add(r, "bpf-refused", ST_PASS, 1, "bpf: EPERM # not a TAP directive");
}

static void test_tap(void **state)
{
    struct st_results r = {0};
    sample(&r);
    char *s = st_format_results(&r, FMT_TAP);
    assert_non_null(strstr(s, "TAP version 13\n1..4\n"));
    assert_non_null(strstr(s, "\nok 1 - shadow-unreadable\n"));
    assert_non_null(strstr(s, "\nnot ok 2 - memory-limit\n"));
    assert_non_null(strstr(s, "\nok 3 - trusted-domain-reachable # SKIP filtering network not "
                              "in this version (network is enforced as none)\n"));
    /* A '#' in a detail must not become a directive. */
    assert_non_null(strstr(s, "\nok 4 - bpf-refused\n"));
    assert_null(strstr(s, "bpf-refused #"));
    assert_non_null(strstr(s, "  detail: \"bpf: EPERM # not a TAP directive\"\n"));
    free(s);
    st_results_free(&r);
}

static void test_json(void **state)
{
    struct st_results r = {0};
    sample(&r);
    char *s = st_format_results(&r, FMT_JSON);
    json_error_t err;
    json_t *a = json_loads(s, 0, &err);
    assert_non_null(a);
    assert_int_equal(json_array_size(a), 4);
    json_t *m = json_array_get(a, 1);
    assert_string_equal(json_string_value(json_object_get(m, "name")), "memory-limit");
    assert_string_equal(json_string_value(json_object_get(m, "status")), "FAIL");
    assert_string_equal(json_string_value(json_object_get(m, "control")), "Resource Limits");
    assert_int_equal(json_integer_value(json_object_get(m, "duration_ms")), 30);
    json_decref(a);
    free(s);
    st_results_free(&r);
}

static void test_junit(void **state)
{
    struct st_results r = {0};
    sample(&r);
    char *s = st_format_results(&r, FMT_JUNIT);
    assert_non_null(strstr(s, "<?xml version=\"1.0\""));
    assert_non_null(strstr(s, "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(s, "<failure message=\"NOT REFUSED: 128 MiB &lt;allocated&gt; "
                              "&amp; &quot;touched&quot;\"/>"));
    assert_non_null(strstr(s, "<skipped message=\"filtering network"));
    assert_non_null(strstr(s, "classname=\"sandboxctl.File Isolation\" "
                              "name=\"shadow-unreadable\""));
    free(s);
    st_results_free(&r);
}

static void test_text(void **state)
{
    struct st_results r = {0};
    sample(&r);
    char *s = st_format_results(&r, FMT_TEXT);
    assert_non_null(strstr(s, "FAIL   memory-limit"));
    assert_non_null(strstr(s, "2 passed, 1 failed, 1 skipped\n"));
    free(s);
    enum st_format f;
    assert_int_equal(st_format_parse("junit", &f), 0);
    assert_int_equal(f, FMT_JUNIT);
    assert_int_equal(st_format_parse("xml", &f), -1);
    st_results_free(&r);
}

static void report(struct st_results *r, struct st_latest *l, struct st_posture_row *rows,
                   struct st_report *rep)
{
    *l = (struct st_latest){.found = true, .timestamp = "2026-01-02T03:04:05+00:00",
                            .result = 1, .digest = "d1", .mode = "namespaces",
                            .cgroup = "cgroup v2", .results = *r};
    st_posture_compute(r, NULL, rows);
    *rep = (struct st_report){.date = "2026-01-02T04:00:00+00:00", .latest = l, .rows = rows,
                              .digest = "d1", .mode = "namespaces", .landlock_abi = 6,
                              .cgroup = "cgroup v2", .userns = true};
}

static void test_report_md(void **state)
{
    struct st_results r = {0};
    sample(&r);
    struct st_latest l;
    struct st_posture_row rows[STC_COUNT];
    struct st_report rep;
    report(&r, &l, rows, &rep);
    char *s = st_report_md(&rep);
    assert_non_null(strstr(s, "# Security Configuration Summary"));
    assert_non_null(strstr(s, "| File Isolation | ✓ Active | 1 passed, 0 failed, 0 skipped |"));
    assert_non_null(strstr(s, "| Resource Limits | ✗ Inactive |"));
    assert_non_null(strstr(s, "| Audit Logging | – Not tested |"));
    assert_non_null(strstr(s, "- Landlock ABI: 6"));
    assert_non_null(strstr(s, "sha256:d1"));
    free(s);
    st_posture_free(rows);
    st_results_free(&r);
}

static void test_report_html(void **state)
{
    struct st_results r = {0};
    sample(&r);
    struct st_latest l;
    struct st_posture_row rows[STC_COUNT];
    struct st_report rep;
    report(&r, &l, rows, &rep);
    char *s = st_report_html(&rep);
    assert_non_null(strstr(s, "<!DOCTYPE html>"));
    assert_non_null(strstr(s, "<svg id=\"posture-chart\""));
    assert_non_null(strstr(s, "<td class=\"status active\">Active</td>"));
    assert_non_null(strstr(s, "<td class=\"status inactive\">Inactive</td>"));
    /* Details are escaped; nothing is loaded from elsewhere. */
    assert_non_null(strstr(s, "&lt;allocated&gt; &amp; &quot;touched&quot;"));
    assert_null(strstr(s, "<allocated>"));
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "src=\"http"));
    assert_null(strstr(s, "href=\"http"));
    free(s);
    st_posture_free(rows);
    st_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap),        cmocka_unit_test(test_json),
        cmocka_unit_test(test_junit),      cmocka_unit_test(test_text),
        cmocka_unit_test(test_report_md),  cmocka_unit_test(test_report_html),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
