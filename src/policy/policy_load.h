/* Section readers shared between the loader's source files. */
#pragma once
#include <jansson.h>

#include "policy/load_ctx.h"

int load_sect_network(struct load_ctx *c, json_t *v);
int load_sect_firewall(struct load_ctx *c, json_t *v);
/* Expand and check one path list entry (entry_fn). */
int load_path_entry(struct load_ctx *c, const char *in, char **out);
