#include "policy_test.h"
#include "policy/json_locate.h"

static const char doc[] =
    "{\n"
    "  \"a\": {\"b\": [10, \"x\", {\"c\": true}]},\n"
    "  \"k\\u00e9y\": \"v\",\n"
    "  \"\xc3\xa9\": 1, \"z\": [ ]\n"
    "}\n";

static struct json_pos at(const struct json_seg *path, size_t depth, bool key)
{
    struct json_pos p = { 0 };
    assert_int_equal(json_locate(doc, strlen(doc), path, depth, key, &p), 0);
    return p;
}

static void test_values_and_keys(void **state)
{
    (void)state;
    struct json_seg p1[] = { { "a", 0 }, { "b", 0 }, { NULL, 2 }, { "c", 0 } };
    struct json_pos p = at(p1, 4, false);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 30);
    p = at(p1, 4, true);
    assert_int_equal(p.col, 25);
    p = at(p1, 2, true);            /* key "b" */
    assert_int_equal(p.col, 9);
    struct json_seg p2[] = { { "a", 0 }, { "b", 0 }, { NULL, 1 } };
    p = at(p2, 3, false);
    assert_int_equal(p.col, 19);
    struct json_pos root = at(NULL, 0, false);
    assert_int_equal(root.line, 1);
    assert_int_equal(root.col, 1);
}

static void test_escaped_and_unicode_keys(void **state)
{
    (void)state;
    /* "k\u00e9y" in the text is the key "k\xc3\xa9y". */
    struct json_seg p1[] = { { "k\xc3\xa9y", 0 } };
    struct json_pos p = at(p1, 1, false);
    assert_int_equal(p.line, 3);
    assert_int_equal(p.col, 15);
    /* Columns count characters: the two-byte key is one column wide. */
    struct json_seg p2[] = { { "z", 0 } };
    p = at(p2, 1, false);
    assert_int_equal(p.line, 4);
    assert_int_equal(p.col, 16);
}

static void test_missing(void **state)
{
    (void)state;
    struct json_pos p;
    struct json_seg p1[] = { { "nope", 0 } };
    assert_int_equal(json_locate(doc, strlen(doc), p1, 1, false, &p), -1);
    struct json_seg p2[] = { { "a", 0 }, { "b", 0 }, { NULL, 3 } };
    assert_int_equal(json_locate(doc, strlen(doc), p2, 3, false, &p), -1);
    struct json_seg p3[] = { { "z", 0 }, { NULL, 0 } };
    assert_int_equal(json_locate(doc, strlen(doc), p3, 2, false, &p), -1);
}

static void test_elements(void **state)
{
    (void)state;
    struct json_seg p1[] = { { "a", 0 }, { "b", 0 } };
    struct json_pos pos[3];
    assert_int_equal(json_locate_elements(doc, strlen(doc), p1, 2, pos, 3), 3);
    assert_int_equal(pos[0].col, 15);
    assert_int_equal(pos[1].col, 19);
    assert_int_equal(pos[2].col, 24);
    struct json_seg p2[] = { { "z", 0 } };
    assert_int_equal(json_locate_elements(doc, strlen(doc), p2, 1, pos, 3), 0);
    /* Fewer slots than elements: still counts them all. */
    assert_int_equal(json_locate_elements(doc, strlen(doc), p1, 2, pos, 1), 3);
}

/* Truncated and hostile text must fail cleanly, never read past the end. */
static void test_garbage(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "{", "{\"a\"", "{\"a\":", "{\"a\": [", "{\"a\": \"\\", "{\"a\": {]]]",
        "[[[[[[[[[[[[[[[[", "{\"a\\u12\": 1}", "{\"a\": 1,,}", "\"a\"", "}}}}",
        "{\"a\": [1 2]}", "{\"x\": 1, \"a\"", "{\"a\\ud800\\u0041\": 1}",
    };
    struct json_seg p[] = { { "a", 0 }, { NULL, 1 } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = strlen(bad[i]);
        char *copy = malloc(n ? n : 1); /* exact size so ASan sees over-reads */
        memcpy(copy, bad[i], n);
        struct json_pos pos[4];
        assert_int_equal(json_locate(copy, n, p, 2, false, &pos[0]), -1);
        (void)json_locate(copy, n, p, 1, true, &pos[0]);
        (void)json_locate_elements(copy, n, p, 1, pos, 4);
        free(copy);
    }
}

static void test_pos_at(void **state)
{
    (void)state;
    const char *t = "ab\ncd\n\xe2\x82\xac" "x";
    struct json_pos p = json_pos_at(t, strlen(t), 4);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.col, 2);
    p = json_pos_at(t, strlen(t), 9); /* after the 3-byte euro sign */
    assert_int_equal(p.line, 3);
    assert_int_equal(p.col, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_keys),
        cmocka_unit_test(test_escaped_and_unicode_keys),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_elements),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_pos_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
