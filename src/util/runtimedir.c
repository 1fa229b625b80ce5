#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/log.h"
#include "util/runtimedir.h"

char *runtime_dir(bool create)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    char *dir = xdg && xdg[0] == '/' ? xasprintf("%s/sandboxctl", xdg)
                                     : xasprintf("/tmp/sandboxctl-%u", (unsigned)getuid());
    if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
        goto fail;
    struct stat st;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
        (st.st_mode & 022))
        goto fail;
    return dir;
fail:
    free(dir);
    return NULL;
}
