/* The host side of the probes: a private directory in the workspace with a
 * copy of this binary (the sandbox cannot see the build tree), a sleeping
 * host process, listening sockets on the host's loopback, a unix socket by
 * path and an abstract one, and a FIFO a leftover daemon would hold. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "selftest/selftest.h"
#include "util/cleanup.h"
#include "util/fileutil.h"
#include "util/log.h"
#include "util/rmtree.h"

static int copy_self(const char *dst)
{
    _cleanup_close_ int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    _cleanup_close_ int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    if (out < 0)
        return -errno;
    char buf[1 << 16];
    ssize_t r;
    while ((r = read(in, buf, sizeof buf)) > 0)
        if (write_all(out, buf, (size_t)r) < 0)
            return -errno;
    return r < 0 ? -errno : 0;
}

static pid_t start_victim(char mark[16])
{
    snprintf(mark, 16, "sbxvictim%05d", (int)(getpid() % 100000));
    pid_t parent = getpid();
    pid_t p = fork();
    if (p != 0)
        return p;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
    prctl(PR_SET_NAME, mark);
    struct timespec ts = {60, 0};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    _exit(0);
}

static int listen_tcp(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static int listen_unix(const char *name)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t len = strlen(name);
    if (len >= sizeof sa.sun_path)
        return -ENAMETOOLONG;
    memcpy(sa.sun_path, name, len);
    bool abstract = name[0] == '@';
    if (abstract)
        sa.sun_path[0] = 0;
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + !abstract);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sl) < 0 || listen(fd, 64) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    return fd;
}

int st_fixtures_setup(struct st_fixtures *f, const char *workspace)
{
    *f = (struct st_fixtures){.tcp_fd = -1, .unix_fd = -1, .abstract_fd = -1,
                              .daemon_fifo_fd = -1, .victim = -1};
    int r;
    f->probe_dir = path_join(workspace, ".sandboxctl-test-XXXXXX");
    if (!mkdtemp(f->probe_dir)) {
        r = -errno;
        log_errno(-r, "test: create a probe directory in the workspace %s", workspace);
        free(f->probe_dir);
        f->probe_dir = NULL;
        return r;
    }
    f->probe_bin = path_join(f->probe_dir, "sandboxctl");
    if ((r = copy_self(f->probe_bin)) < 0) {
        log_errno(-r, "test: copy the probe binary to %s", f->probe_bin);
        return r;
    }
    const char *tmp = getenv("TMPDIR");
    _cleanup_free_ char *tmpl = path_join(tmp && tmp[0] == '/' ? tmp : "/tmp",
                                          "sandboxctl-test-XXXXXX");
    if (!mkdtemp(tmpl)) {
        r = -errno;
        log_errno(-r, "test: create a private temp directory");
        return r;
    }
    f->host_tmp = TAKE_PTR(tmpl);
    f->victim = start_victim(f->victim_mark);
    if (f->victim < 0) {
        r = -errno;
        log_errno(-r, "test: fork");
        return r;
    }
    if ((f->tcp_fd = listen_tcp(&f->tcp_port)) < 0) {
        log_errno(-f->tcp_fd, "test: listen on 127.0.0.1");
        return f->tcp_fd;
    }
    f->unix_path = path_join(f->host_tmp, "host.sock");
    if ((f->unix_fd = listen_unix(f->unix_path)) < 0) {
        log_errno(-f->unix_fd, "test: listen on %s", f->unix_path);
        return f->unix_fd;
    }
    snprintf(f->abstract_name, sizeof f->abstract_name, "@sandboxctl-test-%d-%ld",
             (int)getpid(), (long)time(NULL));
    if ((f->abstract_fd = listen_unix(f->abstract_name)) < 0) {
        log_errno(-f->abstract_fd, "test: listen on %s", f->abstract_name);
        return f->abstract_fd;
    }
    f->daemon_fifo = path_join(f->probe_dir, "daemon.fifo");
    if (mkfifo(f->daemon_fifo, 0600) < 0 ||
        (f->daemon_fifo_fd = open(f->daemon_fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
        r = -errno;
        log_errno(-r, "test: FIFO %s", f->daemon_fifo);
        return r;
    }
    return 0;
}

bool st_victim_alive(struct st_fixtures *f)
{
    if (f->victim <= 0)
        return false;
    int st;
    pid_t r = waitpid(f->victim, &st, WNOHANG);
    if (r == f->victim) {
        f->victim = -1;
        return false;
    }
    return r == 0;
}

void st_fixtures_teardown(struct st_fixtures *f)
{
    if (f->victim > 0) {
        kill(f->victim, SIGKILL);
        waitpid(f->victim, NULL, 0);
    }
    int fds[] = {f->tcp_fd, f->unix_fd, f->abstract_fd, f->daemon_fifo_fd};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        if (fds[i] >= 0)
            close(fds[i]);
    if (f->probe_dir)
        rm_tree(f->probe_dir);
    if (f->host_tmp)
        rm_tree(f->host_tmp);
    free(f->probe_dir);
    free(f->probe_bin);
    free(f->host_tmp);
    free(f->unix_path);
    free(f->daemon_fifo);
    *f = (struct st_fixtures){.victim = -1};
}

int st_write_new(const char *path, const char *text)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                                  0600);
    if (fd < 0)
        return -errno;
    return write_all(fd, text, strlen(text)) < 0 ? -errno : 0;
}
