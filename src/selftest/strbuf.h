/* A growing string for the report writers. */
#pragma once
#include <stddef.h>

struct strbuf {
    char *s;
    size_t len, cap;
};

void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with HTML's five special characters escaped. */
void sb_html(struct strbuf *b, const char *s);
/* s for a Markdown table cell: '|' escaped, newlines as spaces. */
void sb_md_cell(struct strbuf *b, const char *s);
