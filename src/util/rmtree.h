#pragma once
/* Remove a directory tree we created, never crossing into other mounts or
 * following symlinks. */
int rm_tree(const char *path);
