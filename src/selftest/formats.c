/* The results as a text table, TAP 13, JUnit XML or JSON. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/selftest.h"
#include "util/log.h"

int st_format_parse(const char *s, enum st_format *out)
{
    static const char *const names[] = {"text", "tap", "junit", "json"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(s, names[i])) {
            *out = (enum st_format)i;
            return 0;
        }
    return -1;
}

struct buf {
    char *s;
    size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, (size_t)n + 1);
    b->len += (size_t)n;
    free(s);
}

/* XML text and attribute values; control characters other than tab and
 * newline are not allowed in XML 1.0 at all. */
static void put_xml(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '&': put(b, "&amp;"); break;
        case '"': put(b, "&quot;"); break;
        case '\'': put(b, "&apos;"); break;
        default:
            if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
                put(b, "?");
            else
                put(b, "%c", *s);
        }
    }
}

/* TAP directives end at a newline and '#' starts one: keep details safe. */
static void put_tap(struct buf *b, const char *s)
{
    for (; *s; s++)
        put(b, "%c", *s == '\n' ? ' ' : *s == '#' ? '*' : *s);
}

static void text(struct buf *b, const struct st_results *r)
{
    size_t w = 4;
    for (size_t i = 0; i < r->n; i++)
        if (strlen(r->v[i].name) > w)
            w = strlen(r->v[i].name);
    put(b, "%-6s %-*s %-18s %s\n", "STATUS", (int)w, "PROBE", "CONTROL", "DETAIL");
    for (size_t i = 0; i < r->n; i++)
        put(b, "%-6s %-*s %-18s %s\n", st_status_name(r->v[i].status), (int)w, r->v[i].name,
            st_control_name(r->v[i].control), r->v[i].detail);
    size_t p, f, s;
    st_results_count(r, &p, &f, &s);
    put(b, "%zu passed, %zu failed, %zu skipped\n", p, f, s);
}

static void tap(struct buf *b, const struct st_results *r)
{
    put(b, "TAP version 13\n1..%zu\n", r->n);
    for (size_t i = 0; i < r->n; i++) {
        const struct st_result *x = &r->v[i];
        put(b, "%sok %zu - %s", x->status == ST_FAIL ? "not " : "", i + 1, x->name);
        if (x->status == ST_SKIP) {
            put(b, " # SKIP ");
            put_tap(b, x->detail);
        }
        put(b, "\n");
        if (x->status != ST_SKIP) {
            /* A YAML block with the control and the detail. */
            put(b, "  ---\n  control: \"%s\"\n  detail: ", st_control_name(x->control));
            json_t *tmp = json_string(x->detail);
            char *j = json_dumps(tmp, JSON_ENCODE_ANY);
            json_decref(tmp);
            put(b, "%s\n  duration_ms: %ld\n  ...\n", j ? j : "\"\"", x->duration_ms);
            free(j);
        }
    }
}

static void junit(struct buf *b, const struct st_results *r)
{
    size_t p, f, s;
    st_results_count(r, &p, &f, &s);
    long total = 0;
    for (size_t i = 0; i < r->n; i++)
        total += r->v[i].duration_ms;
    put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<testsuites name=\"sandboxctl test\" tests=\"%zu\" failures=\"%zu\" "
           "skipped=\"%zu\" time=\"%.3f\">\n"
           "  <testsuite name=\"sandboxctl\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
           "skipped=\"%zu\" time=\"%.3f\">\n",
        r->n, f, s, total / 1000.0, r->n, f, s, total / 1000.0);
    for (size_t i = 0; i < r->n; i++) {
        const struct st_result *x = &r->v[i];
        put(b, "    <testcase classname=\"sandboxctl.");
        put_xml(b, st_control_name(x->control));
        put(b, "\" name=\"");
        put_xml(b, x->name);
        put(b, "\" time=\"%.3f\"", x->duration_ms / 1000.0);
        if (x->status == ST_PASS) {
            put(b, ">\n      <system-out>");
            put_xml(b, x->detail);
            put(b, "</system-out>\n    </testcase>\n");
        } else {
            put(b, ">\n      <%s message=\"", x->status == ST_FAIL ? "failure" : "skipped");
            put_xml(b, x->detail);
            put(b, "\"/>\n    </testcase>\n");
        }
    }
    put(b, "  </testsuite>\n</testsuites>\n");
}

json_t *st_results_json(const struct st_results *r)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct st_result *x = &r->v[i];
        json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", x->name,
                                           "control", st_control_name(x->control), "status",
                                           st_status_name(x->status), "detail", x->detail,
                                           "duration_ms", (json_int_t)x->duration_ms));
    }
    return a;
}

char *st_format_results(const struct st_results *r, enum st_format fmt)
{
    struct buf b = {0};
    put(&b, "%s", "");
    switch (fmt) {
    case FMT_TEXT: text(&b, r); break;
    case FMT_TAP: tap(&b, r); break;
    case FMT_JUNIT: junit(&b, r); break;
    case FMT_JSON: {
        json_t *a = st_results_json(r);
        char *s = json_dumps(a, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(a);
        put(&b, "%s\n", s ? s : "[]");
        free(s);
        break;
    }
    }
    return b.s;
}
