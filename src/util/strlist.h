#pragma once
#include "policy/policy.h"

void str_list_add(struct str_list *l, const char *s, const char *where);
/* Append unless an equal string is already present. */
void str_list_add_unique(struct str_list *l, const char *s, const char *where);
int str_list_contains(const struct str_list *l, const char *s);
void str_list_free(struct str_list *l);
