#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/load_ctx.h"
#include "policy/policy_internal.h"
#include "policy/suggest.h"
#include "util/log.h"
#include "util/strlist.h"

void ctx_push_key(struct load_ctx *c, const char *key)
{
    /* The schema is at most a handful of levels deep; beyond the limit the
     * path just stops growing (only messages would lose detail). */
    if (c->depth < LOAD_MAX_DEPTH)
        c->path[c->depth] = (struct json_seg){ .key = key };
    c->depth++;
}

void ctx_push_index(struct load_ctx *c, size_t i)
{
    if (c->depth < LOAD_MAX_DEPTH)
        c->path[c->depth] = (struct json_seg){ .key = NULL, .index = i };
    c->depth++;
}

void ctx_pop(struct load_ctx *c)
{
    if (c->depth > 0)
        c->depth--;
}

const char *ctx_key(const struct load_ctx *c)
{
    size_t d = c->depth < LOAD_MAX_DEPTH ? c->depth : LOAD_MAX_DEPTH;
    return d > 0 && c->path[d - 1].key ? c->path[d - 1].key : "";
}

char *ctx_where(const struct load_ctx *c, bool at_key)
{
    struct json_pos pos = { .line = 1, .col = 1 };
    size_t d = c->depth < LOAD_MAX_DEPTH ? c->depth : LOAD_MAX_DEPTH;
    bool key = at_key && d > 0 && c->path[d - 1].key;
    /* Fall back to the nearest enclosing value if the exact one cannot be
     * found, rather than to no position at all. */
    while (json_locate(c->buf, c->len, c->path, d, key, &pos) < 0 && d > 0) {
        d--;
        key = false;
    }
    return xasprintf("%s:%u:%u", c->name, pos.line, pos.col);
}

/* "file_system.allowed_paths[3]"; keys that are not plain words quoted. */
static void dotted(const struct load_ctx *c, char *buf, size_t n)
{
    size_t o = 0;
    size_t d = c->depth < LOAD_MAX_DEPTH ? c->depth : LOAD_MAX_DEPTH;
    buf[0] = '\0';
    for (size_t i = 0; i < d && o < n; i++) {
        int w;
        if (c->path[i].key) {
            const char *k = c->path[i].key;
            bool plain = k[0] != '\0' && strspn(k, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(k);
            char q[128];
            w = snprintf(buf + o, n - o, "%s%s", i ? "." : "",
                         plain ? k : policy_quote(k, q, sizeof q));
        } else {
            w = snprintf(buf + o, n - o, "[%zu]", c->path[i].index);
        }
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

static int vfail(struct load_ctx *c, bool at_key, bool with_path,
                 const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

static int vfail(struct load_ctx *c, bool at_key, bool with_path,
                 const char *fmt, va_list ap)
{
    char path[256], what[768];
    char *where = ctx_where(c, at_key);
    dotted(c, path, sizeof path);
    vsnprintf(what, sizeof what, fmt, ap);
    char *msg = with_path && path[0] ? xasprintf("%s: %s: %s", where, path, what)
                                     : xasprintf("%s: %s", where, what);
    policy_error_set(c->err, msg);
    free(msg);
    free(where);
    return -1;
}

int ctx_fail(struct load_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, false, true, fmt, ap);
    va_end(ap);
    return -1;
}

int ctx_fail_key(struct load_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, true, false, fmt, ap);
    va_end(ap);
    return -1;
}

const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a fractional number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "an unknown value";
}

static const struct member *find_member(const struct member *t, const char *key)
{
    for (; t->key; t++)
        if (strcmp(t->key, key) == 0)
            return t;
    return NULL;
}

static int unknown_key(struct load_ctx *c, const char *key, const struct member *table)
{
    const char *words[64];
    size_t n = 0;
    for (const struct member *t = table; t->key && n + 1 < 64; t++)
        words[n++] = t->key;
    words[n] = NULL;
    char path[256], q[128], list[512];
    ctx_pop(c);
    dotted(c, path, sizeof path);
    ctx_push_key(c, key);
    char in[300];
    snprintf(in, sizeof in, path[0] ? "in %s" : "at top level", path);
    const char *hint = suggest_word(key, words);
    if (hint)
        return ctx_fail_key(c, "unknown key %s %s; did you mean \"%s\"?",
                            policy_quote(key, q, sizeof q), in, hint);
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n && o < sizeof list; i++) {
        int w = snprintf(list + o, sizeof list - o, "%s\"%s\"", i ? ", " : "", words[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return ctx_fail_key(c, "unknown key %s %s; expected one of %s",
                        policy_quote(key, q, sizeof q), in, list);
}

static int walk_pass(struct load_ctx *c, json_t *obj, const struct member *table,
                     bool first)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const struct member *m = find_member(table, key);
        if (m && m->first != first)
            continue;
        if (!m && first)
            continue;
        ctx_push_key(c, key);
        int r = m ? m->fn(c, v) : unknown_key(c, key, table);
        ctx_pop(c);
        if (r < 0)
            return -1;
    }
    return 0;
}

int ctx_walk(struct load_ctx *c, json_t *obj, const struct member *table)
{
    if (!json_is_object(obj))
        return ctx_fail(c, "got %s; expected an object", json_kind(obj));
    if (walk_pass(c, obj, table, true) < 0)
        return -1;
    return walk_pass(c, obj, table, false);
}

int ctx_bool(struct load_ctx *c, json_t *v, bool *out)
{
    if (!json_is_boolean(v))
        return ctx_fail(c, "got %s; expected true or false", json_kind(v));
    *out = json_is_true(v);
    return 0;
}

int ctx_uint(struct load_ctx *c, json_t *v, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!json_is_integer(v))
        return ctx_fail(c, "got %s; expected an integer from %llu to %llu", json_kind(v),
                        (unsigned long long)min, (unsigned long long)max);
    json_int_t i = json_integer_value(v);
    if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
        return ctx_fail(c, "%lld is out of range; expected an integer from %llu to %llu",
                        (long long)i, (unsigned long long)min, (unsigned long long)max);
    *out = (uint64_t)i;
    return 0;
}

int ctx_number(struct load_ctx *c, json_t *v, double min, double max, double *out)
{
    if (!json_is_number(v))
        return ctx_fail(c, "got %s; expected a number from %g to %g", json_kind(v), min, max);
    double d = json_number_value(v);
    if (!isfinite(d) || d < min || d > max)
        return ctx_fail(c, "%g is out of range; expected a number from %g to %g", d, min, max);
    *out = d;
    return 0;
}

int ctx_string(struct load_ctx *c, json_t *v, const char *expected, const char **out)
{
    if (!json_is_string(v))
        return ctx_fail(c, "got %s; expected %s", json_kind(v), expected);
    const char *s = json_string_value(v);
    /* jansson rejects \u0000 unless asked not to, so length == strlen. */
    if (!s[0])
        return ctx_fail(c, "empty string; expected %s", expected);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ctx_fail(c, "contains control character 0x%02x; expected %s",
                            (unsigned char)*p, expected);
    *out = s;
    return 0;
}

int ctx_word(struct load_ctx *c, json_t *v, const char *const *words, const char **out)
{
    char list[256], q[128];
    size_t o = 0;
    list[0] = '\0';
    for (size_t i = 0; words[i] && o < sizeof list; i++) {
        int w = snprintf(list + o, sizeof list - o, "%s\"%s\"",
                         i == 0 ? "" : words[i + 1] ? ", " : " or ", words[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    const char *s;
    if (ctx_string(c, v, list, &s) < 0)
        return -1;
    for (size_t i = 0; words[i]; i++) {
        if (strcmp(s, words[i]) == 0) {
            *out = words[i];
            return 0;
        }
    }
    const char *hint = suggest_word(s, words);
    if (hint)
        return ctx_fail(c, "unknown value %s; did you mean \"%s\"?",
                        policy_quote(s, q, sizeof q), hint);
    return ctx_fail(c, "unknown value %s; expected %s", policy_quote(s, q, sizeof q), list);
}

int ctx_path(struct load_ctx *c, json_t *v, char **out)
{
    const char *s;
    char why[512];
    if (ctx_string(c, v, "an absolute path, or one starting with ~/, ${HOME}, ${WORKSPACE} or ${TMPDIR}", &s) < 0)
        return -1;
    if (policy_expand_path(s, c->env, policy_workspace_var(c->p, c->env), out,
                           why, sizeof why) < 0)
        return ctx_fail(c, "%s", why);
    return 0;
}

int ctx_str_list(struct load_ctx *c, json_t *v, struct str_list *dst, entry_fn fn)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of strings", json_kind(v));
    size_t n = json_array_size(v);
    struct json_pos *pos = xcalloc(n ? n : 1, sizeof *pos);
    size_t d = c->depth < LOAD_MAX_DEPTH ? c->depth : LOAD_MAX_DEPTH;
    long found = json_locate_elements(c->buf, c->len, c->path, d, pos, n);
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        ctx_push_index(c, i);
        char *entry = NULL;
        json_t *e = json_array_get(v, i);
        /* Content checks (emptiness, control characters) are the entry
         * function's: it knows what to call the value and what to expect. */
        r = json_is_string(e) ? fn(c, json_string_value(e), &entry)
                              : ctx_fail(c, "got %s; expected a string", json_kind(e));
        if (r == 0) {
            char *where = found > (long)i
                ? xasprintf("%s:%u:%u", c->name, pos[i].line, pos[i].col)
                : ctx_where(c, false);
            str_list_add_unique(dst, entry, where);
            free(where);
        }
        free(entry);
        ctx_pop(c);
    }
    free(pos);
    return r;
}

int ctx_port_list(struct load_ctx *c, json_t *v, struct port_list *dst)
{
    if (!json_is_array(v))
        return ctx_fail(c, "got %s; expected an array of port numbers", json_kind(v));
    for (size_t i = 0; i < json_array_size(v); i++) {
        uint64_t port;
        ctx_push_index(c, i);
        int r = ctx_uint(c, json_array_get(v, i), 1, 65535, &port);
        ctx_pop(c);
        if (r < 0)
            return -1;
        port_list_add_unique(dst, (uint16_t)port);
    }
    return 0;
}
