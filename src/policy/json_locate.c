#include <string.h>

#include "policy/json_locate.h"

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(const char *b, size_t len, size_t *i)
{
    while (*i < len && is_ws(b[*i]))
        (*i)++;
}

/* At an opening quote: move just past the closing one. */
static int skip_string(const char *b, size_t len, size_t *i)
{
    if (*i >= len || b[*i] != '"')
        return -1;
    for (size_t j = *i + 1; j < len; j++) {
        if (b[j] == '\\') {
            j++;
            continue;
        }
        if (b[j] == '"') {
            *i = j + 1;
            return 0;
        }
    }
    return -1;
}

/* Containers are skipped by counting brackets rather than by recursion, so
 * deeply nested input cannot exhaust the stack. */
static int skip_container(const char *b, size_t len, size_t *i)
{
    size_t depth = 0;
    while (*i < len) {
        char c = b[*i];
        if (c == '"') {
            if (skip_string(b, len, i) < 0)
                return -1;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return -1;
            if (--depth == 0) {
                (*i)++;
                return 0;
            }
        }
        (*i)++;
    }
    return -1;
}

static int skip_value(const char *b, size_t len, size_t *i)
{
    if (*i >= len)
        return -1;
    if (b[*i] == '"')
        return skip_string(b, len, i);
    if (b[*i] == '{' || b[*i] == '[')
        return skip_container(b, len, i);
    size_t start = *i;
    while (*i < len && !is_ws(b[*i]) && b[*i] != ',' && b[*i] != ']' &&
           b[*i] != '}' && b[*i] != ':' && b[*i] != '\0')
        (*i)++;
    return *i > start ? 0 : -1;
}

static int hex4(const char *b, size_t end, size_t j, unsigned *out)
{
    if (j + 4 > end)
        return -1;
    unsigned v = 0;
    for (size_t k = j; k < j + 4; k++) {
        char c = b[k];
        int d = c >= '0' && c <= '9' ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (unsigned)d;
    }
    *out = v;
    return 0;
}

static size_t utf8_encode(unsigned cp, unsigned char *o)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decode one escape sequence starting at the backslash b[*j]. */
static int decode_escape(const char *b, size_t end, size_t *j,
                         unsigned char *o, size_t *n)
{
    if (*j + 1 >= end)
        return -1;
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    char e = b[*j + 1];
    const char *hit = e ? strchr(from, e) : NULL;
    if (hit) {
        o[0] = (unsigned char)to[hit - from];
        *n = 1;
        *j += 2;
        return 0;
    }
    if (e != 'u')
        return -1;
    unsigned cp, lo;
    if (hex4(b, end, *j + 2, &cp) < 0)
        return -1;
    *j += 6;
    /* A high surrogate followed by a low one encodes one code point. */
    if (cp >= 0xD800 && cp < 0xDC00 && *j + 1 < end && b[*j] == '\\' &&
        b[*j + 1] == 'u' && hex4(b, end, *j + 2, &lo) == 0 &&
        lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        *j += 6;
    }
    *n = utf8_encode(cp, o);
    return 0;
}

/* Does the string literal whose content is b[start..end) spell key? */
static bool string_equals(const char *b, size_t start, size_t end, const char *key)
{
    size_t k = 0, klen = strlen(key);
    size_t j = start;
    while (j < end) {
        unsigned char o[4];
        size_t n = 1;
        if (b[j] == '\\') {
            if (decode_escape(b, end, &j, o, &n) < 0)
                return false;
        } else {
            o[0] = (unsigned char)b[j++];
        }
        if (k + n > klen || memcmp(key + k, o, n) != 0)
            return false;
        k += n;
    }
    return k == klen;
}

/* From the start of an object, move *i to the member named key: its key
 * when want_key, else its value. */
static int find_member(const char *b, size_t len, size_t *i, const char *key,
                       bool want_key)
{
    if (*i >= len || b[*i] != '{')
        return -1;
    (*i)++;
    for (;;) {
        skip_ws(b, len, i);
        size_t key_at = *i;
        if (skip_string(b, len, i) < 0)
            return -1;
        bool match = string_equals(b, key_at + 1, *i - 1, key);
        skip_ws(b, len, i);
        if (*i >= len || b[*i] != ':')
            return -1;
        (*i)++;
        skip_ws(b, len, i);
        if (match) {
            if (want_key)
                *i = key_at;
            return 0;
        }
        if (skip_value(b, len, i) < 0)
            return -1;
        skip_ws(b, len, i);
        if (*i >= len || b[*i] != ',')
            return -1;
        (*i)++;
    }
}

/* Visit the elements of the array at b[*i].  Count mode (stop == -1):
 * record the offsets of up to max of them and return how many there are.
 * Search mode: leave *i at element number stop and return stop, or -1
 * when the array is shorter. */
static long walk_array(const char *b, size_t len, size_t *i, size_t stop,
                       struct json_pos *out, size_t max)
{
    if (*i >= len || b[*i] != '[')
        return -1;
    (*i)++;
    skip_ws(b, len, i);
    /* In search mode (stop given) running out of elements is "not found". */
    bool search = stop != (size_t)-1;
    if (*i < len && b[*i] == ']')
        return search ? -1 : 0;
    for (size_t n = 0;; n++) {
        skip_ws(b, len, i);
        if (n == stop)
            return (long)n;
        if (n < max)
            out[n].offset = *i;
        if (skip_value(b, len, i) < 0)
            return -1;
        skip_ws(b, len, i);
        if (*i < len && b[*i] == ']')
            return search ? -1 : (long)n + 1;
        if (*i >= len || b[*i] != ',')
            return -1;
        (*i)++;
    }
}

static int descend(const char *b, size_t len, const struct json_seg *path,
                   size_t depth, bool want_key, size_t *i)
{
    *i = 0;
    skip_ws(b, len, i);
    for (size_t d = 0; d < depth; d++) {
        bool last = d + 1 == depth;
        if (path[d].key) {
            if (find_member(b, len, i, path[d].key, want_key && last) < 0)
                return -1;
        } else {
            long n = walk_array(b, len, i, path[d].index, NULL, 0);
            if (n < 0 || (size_t)n != path[d].index || *i >= len)
                return -1;
        }
    }
    return *i < len ? 0 : -1;
}

/* Move a known position forward to offset (offset >= from.offset). */
static struct json_pos advance(const char *buf, size_t len, struct json_pos p,
                               size_t offset)
{
    for (size_t i = p.offset; i < offset && i < len; i++) {
        if (buf[i] == '\n') {
            p.line++;
            p.col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            /* Count characters, not UTF-8 continuation bytes. */
            p.col++;
        }
    }
    p.offset = offset;
    return p;
}

struct json_pos json_pos_at(const char *buf, size_t len, size_t offset)
{
    struct json_pos start = { .offset = 0, .line = 1, .col = 1 };
    return advance(buf, len, start, offset);
}

int json_locate(const char *buf, size_t len, const struct json_seg *path,
                size_t depth, bool want_key, struct json_pos *out)
{
    size_t i;
    if (!buf || descend(buf, len, path, depth, want_key, &i) < 0)
        return -1;
    *out = json_pos_at(buf, len, i);
    return 0;
}

long json_locate_elements(const char *buf, size_t len,
                          const struct json_seg *path, size_t depth,
                          struct json_pos *out, size_t max)
{
    size_t i;
    if (!buf || descend(buf, len, path, depth, false, &i) < 0)
        return -1;
    long n = walk_array(buf, len, &i, (size_t)-1, out, max);
    if (n < 0)
        return -1;
    /* Offsets only grow, so one forward pass converts them all. */
    struct json_pos cur = { .offset = 0, .line = 1, .col = 1 };
    for (size_t k = 0; k < (size_t)n && k < max; k++) {
        cur = advance(buf, len, cur, out[k].offset);
        out[k] = cur;
    }
    return n;
}
