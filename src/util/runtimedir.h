#pragma once
#include <stdbool.h>

/* The user's private runtime directory for sandboxctl:
 * $XDG_RUNTIME_DIR/sandboxctl, else /tmp/sandboxctl-UID. One another user
 * made for us, a symlink, or one others can write is refused (NULL). */
char *runtime_dir(bool create);
