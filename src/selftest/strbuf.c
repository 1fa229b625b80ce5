#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "selftest/strbuf.h"
#include "util/log.h"

static void add(struct strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_printf(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n >= 0)
        add(b, s, (size_t)n);
    free(s);
}

void sb_html(struct strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': add(b, "&lt;", 4); break;
        case '>': add(b, "&gt;", 4); break;
        case '&': add(b, "&amp;", 5); break;
        case '"': add(b, "&quot;", 6); break;
        case '\'': add(b, "&#39;", 5); break;
        default: add(b, s, 1);
        }
    }
}

void sb_md_cell(struct strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            add(b, "\\|", 2);
        else if (*s == '\n')
            add(b, " ", 1);
        else
            add(b, s, 1);
    }
}
