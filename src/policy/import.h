/* Foreign policy formats read by --policy: Anthropic sandbox-runtime
 * settings (~/.srt-settings.json) and Claude Code settings.json.  Both are
 * recognised by shape and normalised into struct policy with the same
 * FILE:LINE:COL errors as the native loader. */
#pragma once
#include <jansson.h>
#include <stdbool.h>

#include "policy/load_ctx.h"

enum import_kind { IMPORT_NATIVE, IMPORT_SRT, IMPORT_CLAUDE };

/* Which format a parsed top-level object is in. */
enum import_kind import_detect(json_t *root);
int import_srt(struct load_ctx *c, json_t *root);
int import_claude(struct load_ctx *c, json_t *root);

/* ---- shared by the two importers ---- */

/* Path spellings differ: srt takes absolute, "~/..." and paths relative to
 * the directory it runs in; Claude Code takes "//abs", "~/...", "/x"
 * (relative to the settings file's project) and relative paths. */
enum import_paths { PATHS_SRT, PATHS_CLAUDE };

struct import_state {
    enum import_paths paths;
    char *settings_dir;       /* base of Claude Code "/x" paths */
    bool saw_allow_write;     /* an allowWrite list was read */
    bool workspace_writable;  /* ... and it named the workspace */
    size_t allowed_with_port, allowed_without_port;
};

/* Resolve one path spelling to an absolute, expanded path (heap). */
int import_path(struct load_ctx *c, const char *in, char **out);
/* The srt-shaped sub-objects, shared by srt (top level) and Claude Code
 * (inside "sandbox"). */
int import_srt_network(struct load_ctx *c, json_t *v);
int import_srt_filesystem(struct load_ctx *c, json_t *v);
int import_srt_credentials(struct load_ctx *c, json_t *v);
/* Accept any value: a key with no equivalent that only loosens srt's own
 * behaviour or is platform specific (documented in sandboxctl(1)). */
int import_ignore(struct load_ctx *c, json_t *v);
/* Add one domain ("*.x", "x", "[v6]", IP) to a list, ports split off. */
int import_domain(struct load_ctx *c, const char *in, struct str_list *dst,
                  bool allow_list);
/* After a file: the srt/Claude read model is "everything but denyRead";
 * sandboxctl keeps its allow-list and gives the built-in system view. */
void import_finish(struct load_ctx *c);
