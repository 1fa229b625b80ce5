/* State and typed accessors for walking one policy file with jansson.
 *
 * The context keeps the key path of the value being read, both to print it
 * ("network.allowed_ports.outbound[2]") and to find its line and column in
 * the raw text (json_locate) when something is wrong with it. */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "policy/json_locate.h"
#include "policy/policy.h"

#define LOAD_MAX_DEPTH 8

struct load_ctx {
    struct policy *p;
    const struct policy_env *env;
    const char *name;       /* file name for messages */
    const char *buf;        /* raw text, for positions */
    size_t len;
    struct policy_error *err;
    struct json_seg path[LOAD_MAX_DEPTH];
    size_t depth;
    void *cur;              /* the record a nested object is filling in */
};

void ctx_push_key(struct load_ctx *c, const char *key);
void ctx_push_index(struct load_ctx *c, size_t i);
void ctx_pop(struct load_ctx *c);
/* The key of the innermost member being read. */
const char *ctx_key(const struct load_ctx *c);

/* "FILE:LINE:COL" of the current value (or of its key). Heap string. */
char *ctx_where(const struct load_ctx *c, bool at_key);

/* Fill err with "FILE:L:C: dotted.path: <fmt>" pointing at the current
 * value; returns -1 so callers can `return ctx_fail(...)`. */
int ctx_fail(struct load_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, pointing at the current member's key, without the path prefix. */
int ctx_fail_key(struct load_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Objects are read through tables of member handlers; unknown keys are
 * errors with a did-you-mean.  Handlers marked first run before the others
 * whatever the order in the file (workspace before paths using it). */
typedef int (*member_fn)(struct load_ctx *c, json_t *v);
struct member {
    const char *key;
    member_fn fn;
    bool first;
};
int ctx_walk(struct load_ctx *c, json_t *obj, const struct member *table);

int ctx_bool(struct load_ctx *c, json_t *v, bool *out);
int ctx_uint(struct load_ctx *c, json_t *v, uint64_t min, uint64_t max, uint64_t *out);
int ctx_number(struct load_ctx *c, json_t *v, double min, double max, double *out);
/* A string without control characters (paths and names never need them). */
int ctx_string(struct load_ctx *c, json_t *v, const char *expected, const char **out);
/* One of words (NULL-terminated), with did-you-mean. */
int ctx_word(struct load_ctx *c, json_t *v, const char *const *words, const char **out);
/* A path expanded with policy_expand_path; heap result. */
int ctx_path(struct load_ctx *c, json_t *v, char **out);

/* Check and canonicalise one list entry: 0 with *out (heap), or -1 having
 * called ctx_fail. */
typedef int (*entry_fn)(struct load_ctx *c, const char *in, char **out);
/* Append an array of strings to dst (duplicates dropped), each entry
 * remembering "FILE:L:C" as its origin. */
int ctx_str_list(struct load_ctx *c, json_t *v, struct str_list *dst, entry_fn fn);
int ctx_port_list(struct load_ctx *c, json_t *v, struct port_list *dst);

/* "a string", "an integer", ... for "got X" messages. */
const char *json_kind(const json_t *v);
