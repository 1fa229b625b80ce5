/* Line and column of a value inside raw JSON text.
 *
 * jansson reports positions for syntax errors only; its nodes carry none.
 * To point an error at the offending key or value we walk the raw text
 * again along the same key path.  The scanner is deliberately forgiving and
 * bounded: it never reads outside buf[0..len) and fails (returns -1) on
 * anything it does not understand, whatever the input. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* One step of a path: an object member (key != NULL) or an array index. */
struct json_seg {
    const char *key;
    size_t index;
};

struct json_pos {
    size_t offset;  /* byte offset in buf */
    unsigned line;  /* 1-based */
    unsigned col;   /* 1-based, in characters (as jansson counts them) */
};

/* Position of the value at path (depth steps), or of its member key when
 * want_key is set (the last step must then be a key).  0 or -1. */
int json_locate(const char *buf, size_t len, const struct json_seg *path,
                size_t depth, bool want_key, struct json_pos *out);

/* Positions of the elements of the array at path, in one pass (so a long
 * list costs linear time): fills up to max entries of out and returns how
 * many elements the array has, or -1. */
long json_locate_elements(const char *buf, size_t len,
                          const struct json_seg *path, size_t depth,
                          struct json_pos *out, size_t max);

/* Line and column of a byte offset. */
struct json_pos json_pos_at(const char *buf, size_t len, size_t offset);
