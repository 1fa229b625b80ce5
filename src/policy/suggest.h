/* "Did you mean ...?" for unknown keys and words in policy files. */
#pragma once
#include <stddef.h>

/* Edit distance between a and b, ignoring ASCII case: insertions, deletions,
 * substitutions and swaps of two neighbouring characters each cost 1.
 * Words longer than SUGGEST_MAX_LEN are never close to anything. */
#define SUGGEST_MAX_LEN 64
size_t suggest_distance(const char *a, const char *b);

/* The candidate (NULL-terminated list) most plausibly meant by word, or NULL
 * when none is close enough to be a typo of it. */
const char *suggest_word(const char *word, const char *const *candidates);
