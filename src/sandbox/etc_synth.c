/* A minimal /etc for sandboxes whose policy hides the host's: enough for
 * libc name lookups, shells and interpreters, and nothing secret. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/sandbox.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"

static int put(int dirfd, const char *name, const char *data, size_t len)
{
    _cleanup_close_ int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    return write_all(fd, data, len);
}

static int put_str(int dirfd, const char *name, const char *s)
{
    return put(dirfd, name, s, strlen(s));
}

int etc_synth_populate(int dirfd, const struct sandbox_config *cfg)
{
    int r;
    const char *user = cfg->user_name ? cfg->user_name : "user";
    const char *home = cfg->home ? cfg->home : "/";
    _cleanup_free_ char *passwd = NULL, *group = NULL;
    if (cfg->uid == 0) {
        passwd = xasprintf("root:x:0:0:root:%s:/bin/sh\n"
                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n", home);
    } else {
        passwd = xasprintf("root:x:0:0:root:/root:/bin/sh\n"
                           "%s:x:%u:%u:%s:%s:/bin/sh\n"
                           "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
                           cfg->uid == 65534 ? "sandbox" : user, cfg->uid, cfg->gid, user, home);
        if (cfg->uid == 65534) {
            free(passwd);
            passwd = xasprintf("root:x:0:0:root:/root:/bin/sh\n"
                               "nobody:x:65534:65534:nobody:%s:/bin/sh\n", home);
        }
    }
    if (cfg->gid == 0 || cfg->gid == 65534)
        group = xstrdup("root:x:0:\nnogroup:x:65534:\n");
    else
        group = xasprintf("root:x:0:\n%s:x:%u:\nnogroup:x:65534:\n", user, cfg->gid);
    if ((r = put_str(dirfd, "passwd", passwd)) < 0 || (r = put_str(dirfd, "group", group)) < 0)
        return r;
    if ((r = put_str(dirfd, "hosts",
                     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                     "127.0.1.1\tsandbox\n")) < 0)
        return r;
    if ((r = put_str(dirfd, "hostname", "sandbox\n")) < 0)
        return r;
    if ((r = put_str(dirfd, "nsswitch.conf",
                     "passwd: files\ngroup: files\nshadow: files\nhosts: files dns\n"
                     "networks: files\nprotocols: files\nservices: files\n")) < 0)
        return r;
    /* Network mode none: nothing answers DNS; say so instead of timing out. */
    if ((r = put_str(dirfd, "resolv.conf",
                     "# sandboxctl: no DNS in this sandbox (network mode none)\n"
                     "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")) < 0)
        return r;
    if (cfg->ld_so_cache && (r = put(dirfd, "ld.so.cache", cfg->ld_so_cache,
                                     cfg->ld_so_cache_len)) < 0)
        return r;
    return 0;
}
