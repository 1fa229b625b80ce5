#include "policy_test.h"
#include "policy/suggest.h"

static void test_distance(void **state)
{
    (void)state;
    assert_int_equal(suggest_distance("", ""), 0);
    assert_int_equal(suggest_distance("abc", "abc"), 0);
    assert_int_equal(suggest_distance("alowed_paths", "allowed_paths"), 1);
    assert_int_equal(suggest_distance("htpts", "https"), 1);   /* swap */
    assert_int_equal(suggest_distance("HTTP", "http"), 0);     /* case */
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    char longw[SUGGEST_MAX_LEN + 2];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    assert_true(suggest_distance(longw, "a") == SIZE_MAX);
}

static void test_word(void **state)
{
    (void)state;
    static const char *const words[] = { "allowed_paths", "denied_paths", "readonly_paths", NULL };
    assert_string_equal(suggest_word("alowed_paths", words), "allowed_paths");
    assert_string_equal(suggest_word("denied-paths", words), "denied_paths");
    assert_null(suggest_word("network", words));
    static const char *const short_words[] = { "tls", "git", NULL };
    assert_null(suggest_word("ssl", short_words)); /* 2 edits on 3 letters is not a typo */
    assert_string_equal(suggest_word("gti", short_words), "git");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
