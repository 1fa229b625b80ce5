/* The two documents of `sandboxctl init`, generated from the loaded
 * policy and this host's enforcement (never fixed text about either). */
#pragma once
#include <stdio.h>

#include "configurator/assess.h"
#include "configurator/profile.h"

struct init_doc_meta {
    const char *profile;        /* profile name */
    const char *summary;        /* one line */
    const char *workspace;      /* as written in the file (${WORKSPACE} or a path) */
    const char *date;           /* ISO 8601 */
};

/* Markdown text (heap). */
char *init_doc_requirements(const struct init_doc_meta *m, const struct init_assessment *a);
char *init_doc_threats(const struct init_doc_meta *m, const struct init_assessment *a);

/* Shared by both: the header paragraph, the host facts, the layer that
 * enforces a resource limit here ("-" when none). */
void doc_header(FILE *f, const char *title, const struct init_doc_meta *m,
                const struct init_assessment *a);
void doc_host_facts(FILE *f, const struct init_assessment *a);
const char *doc_limit_layer(const struct init_assessment *a, const char *prefix);
/* The expected exit status of `check` for this policy on this host. */
int doc_check_status(const struct init_assessment *a);
