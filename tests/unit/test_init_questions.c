/* init: the interactive questions, driven through memory streams. */
#include "policy_test.h"

#include <stdio.h>

#include "configurator/questions.h"

static char outbuf[16384];

static int interview(const char *answers, struct init_profile **p)
{
    FILE *in = fmemopen((void *)answers, strlen(answers), "r");
    FILE *out = fmemopen(outbuf, sizeof outbuf, "w");
    assert_non_null(in);
    assert_non_null(out);
    int r = init_interview(in, out, NULL, p);
    fclose(in);
    fclose(out);
    return r;
}

static void test_defaults(void **state)
{
    (void)state;
    struct init_profile *p = NULL;
    assert_int_equal(interview("\n\n\n\n\n", &p), 0);
    assert_string_equal(p->name, "agent");
    assert_string_equal(p->workspace, "${WORKSPACE}");
    assert_int_equal(p->limits.memory_mb, 4096);
    assert_int_equal(p->limits.pids, 512);
    assert_int_equal(p->trusted.n, 12);
    /* defaults shown in brackets */
    assert_non_null(strstr(outbuf, "[agent]"));
    assert_non_null(strstr(outbuf, "[${WORKSPACE}]"));
    assert_non_null(strstr(outbuf, "[4096]"));
    assert_non_null(strstr(outbuf, "[512]"));
    init_profile_free(p);
}

static void test_invalid_then_valid(void **state)
{
    (void)state;
    struct init_profile *p = NULL;
    assert_int_equal(interview("bogus\nstrict\nrelative/dir\n/nonexistent-dir-x\n/tmp\n"
                               "lots\n7\n2048\n\n", &p), 0);
    assert_string_equal(p->name, "strict");
    assert_string_equal(p->workspace, "/tmp");
    assert_int_equal(p->limits.memory_mb, 2048);
    assert_int_equal(p->limits.pids, 128);
    assert_false(p->network);           /* no domain question for strict */
    assert_non_null(strstr(outbuf, "no profile \"bogus\""));
    assert_non_null(strstr(outbuf, "expected ${WORKSPACE} or an absolute directory"));
    assert_non_null(strstr(outbuf, "not an existing directory"));
    assert_non_null(strstr(outbuf, "expected 0 (no limit) or a number"));
    assert_null(strstr(outbuf, "Trusted domains"));
    init_profile_free(p);
}

static void test_domains(void **state)
{
    (void)state;
    struct init_profile *p = NULL;
    assert_int_equal(interview("web-dev\n\nexample.com bad..name\nexample.com, "
                               "*.Example.org\n0\n\n", &p), 0);
    assert_string_equal(p->name, "web-dev");
    assert_non_null(strstr(outbuf, "bad..name"));
    size_t ex = list_index(&p->trusted, "example.com");
    assert_int_not_equal(ex, (size_t)-1);
    assert_int_not_equal(list_index(&p->trusted, "*.example.org"), (size_t)-1);
    /* the rejected answer added nothing: example.com is there once */
    size_t count = 0;
    for (size_t i = 0; i < p->trusted.n; i++)
        count += !strcmp(p->trusted.v[i], "example.com");
    assert_int_equal(count, 1);
    assert_int_equal(p->limits.memory_mb, 0);
    assert_int_equal(p->limits.pids, 2048);
    init_profile_free(p);
}

static void test_end_of_input(void **state)
{
    (void)state;
    struct init_profile *p = NULL;
    assert_int_equal(interview("offline\n", &p), -1);
    assert_null(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_invalid_then_valid),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_end_of_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
