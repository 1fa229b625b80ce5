/* Writing sandbox-security/ without following planted symlinks and without
 * overwriting anything unless asked to. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define INIT_TOP_DIR "sandbox-security"

struct init_file {
    const char *dir;    /* under sandbox-security/: "policies", "docs" */
    const char *name;
    const char *text;
};

/* Every target checked before anything is written: a file that exists is
 * an error without force (each one is named); a symlink or non-directory
 * on the way is always an error. shown: DIR as the user wrote it. */
int init_files_check(int rootfd, const char *shown, const struct init_file *v, size_t n,
                     bool force);
/* Create sandbox-security/ and subdirs (plus `extra_dirs`, NULL-terminated)
 * and write the files: O_EXCL|O_NOFOLLOW, or with force a new file renamed
 * over the old one (a symlink is replaced, never followed). Prints one
 * "created"/"replaced" line per file to stdout unless quiet. */
int init_files_write(int rootfd, const char *shown, const struct init_file *v, size_t n,
                     const char *const *extra_dirs, bool force, bool quiet);
/* shown + "/sandbox-security/" + dir + "/" + name ("./" dropped). Heap. */
char *init_display_path(const char *shown, const char *dir, const char *name);
