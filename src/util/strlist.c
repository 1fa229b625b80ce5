#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/strlist.h"

void str_list_add(struct str_list *l, const char *s, const char *where)
{
    l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
    l->origin = xrealloc(l->origin, (l->n + 1) * sizeof *l->origin);
    l->v[l->n] = xstrdup(s);
    l->origin[l->n].where = xstrdup(where ? where : "built-in");
    l->n++;
}

int str_list_contains(const struct str_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return 1;
    return 0;
}

void str_list_add_unique(struct str_list *l, const char *s, const char *where)
{
    if (!str_list_contains(l, s))
        str_list_add(l, s, where);
}

void str_list_free(struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
        free(l->origin[i].where);
    }
    free(l->v);
    free(l->origin);
    l->v = NULL;
    l->origin = NULL;
    l->n = 0;
}
