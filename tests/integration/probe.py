# Attack probes for the sandboxctl integration tests.
#
# Run as:  /usr/bin/python3 -c "$PROBE" SUBCOMMAND ARGS...
# (the tests pass this file's text with -c so nothing has to be copied into
# the sandbox).  Each probe prints one line: "OK ..." when the attack
# worked (exit 0), "FAIL <ERRNO> ..." when it was refused (exit 1).
# Exit 2 means the probe itself is broken (bad usage).

import ctypes
import errno
import os
import socket
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

# x86-64 syscall numbers
NR = {
    "ioctl": 16, "ptrace": 101, "personality": 135, "keyctl": 250,
    "add_key": 248, "unshare": 272, "perf_event_open": 298,
    "name_to_handle_at": 303, "open_by_handle_at": 304,
    "process_vm_readv": 310, "bpf": 321, "userfaultfd": 323,
    "io_uring_setup": 425, "mount": 165,
}

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
TIOCSTI = 0x5412
TIOCLINUX = 0x541C


def L(v):
    return ctypes.c_long(v)


def sysc(name, *args):
    ctypes.set_errno(0)
    r = libc.syscall(L(NR[name]), *args)
    return r, ctypes.get_errno()


def ename(e):
    return errno.errorcode.get(e, str(e))


def ok(msg=""):
    print("OK", msg)
    sys.stdout.flush()
    sys.exit(0)


def fail(e, msg=""):
    print("FAIL", ename(e), msg)
    sys.stdout.flush()
    sys.exit(1)


def result(name, r, e):
    if r >= 0:
        ok("%s=%d" % (name, r))
    fail(e, name)


def reached(name, r, e):
    """For probes whose call is invalid on purpose: the attack surface is
    reached when the kernel answers with anything but EPERM/ENOSYS."""
    if r >= 0 or e not in (errno.EPERM, errno.ENOSYS, errno.EACCES):
        ok("%s reached the kernel (r=%d errno=%s)" % (name, r, ename(e)))
    fail(e, name)


def p_keyctl():
    # KEYCTL_GET_KEYRING_ID(KEY_SPEC_PROCESS_KEYRING, create=1)
    r, e = sysc("keyctl", L(0), L(-2), L(1))
    result("keyctl", r, e)


def p_add_key():
    r, e = sysc("add_key", b"user", b"sbx-it", b"secret", L(6), L(-2))
    result("add_key", r, e)


def p_bpf():
    # An invalid command: the kernel answers EINVAL once the syscall is
    # reachable; a seccomp denial answers EPERM.
    r, e = sysc("bpf", L(9999), None, L(0))
    reached("bpf", r, e)


def p_bpf_map():
    # BPF_MAP_CREATE, BPF_MAP_TYPE_ARRAY, key 4, value 4, 1 entry
    attr = (ctypes.c_uint32 * 32)()
    attr[0], attr[1], attr[2], attr[3] = 2, 4, 4, 1
    r, e = sysc("bpf", L(0), attr, L(ctypes.sizeof(attr)))
    result("bpf_map_create", r, e)


def p_io_uring():
    params = ctypes.create_string_buffer(120)
    r, e = sysc("io_uring_setup", L(1), params)
    result("io_uring_setup", r, e)


def p_perf():
    attr = ctypes.create_string_buffer(128)
    ctypes.c_uint32.from_buffer(attr, 0).value = 1      # PERF_TYPE_SOFTWARE
    ctypes.c_uint32.from_buffer(attr, 4).value = 128    # size
    ctypes.c_uint64.from_buffer(attr, 8).value = 0      # CPU_CLOCK
    ctypes.c_uint64.from_buffer(attr, 40).value = (1 << 0) | (1 << 5) | (1 << 6)
    r, e = sysc("perf_event_open", attr, L(0), L(-1), L(-1), L(0))
    result("perf_event_open", r, e)


def p_userfaultfd():
    r, e = sysc("userfaultfd", L(1))  # UFFD_USER_MODE_ONLY
    result("userfaultfd", r, e)


def p_unshare_user():
    r, e = sysc("unshare", L(CLONE_NEWUSER))
    result("unshare(CLONE_NEWUSER)", r, e)


def p_mount(target):
    """Get a mount namespace where we may mount (directly as root, through
    a new user namespace otherwise), make it private, mount a tmpfs."""
    steps = []
    r, e = sysc("unshare", L(CLONE_NEWNS))
    steps.append("unshare(NEWNS)=%s" % ("0" if r == 0 else ename(e)))
    if r != 0:
        r, e = sysc("unshare", L(CLONE_NEWUSER | CLONE_NEWNS))
        steps.append("unshare(NEWUSER|NEWNS)=%s" % ("0" if r == 0 else ename(e)))
    # mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL) -- even if the
    # unshare failed: a direct mount attempt is part of the attack.
    if r == 0:
        r2, e2 = sysc("mount", None, b"/", None, L(0x4000 | 0x40000), None)
        steps.append("make-rprivate=%s" % ("0" if r2 == 0 else ename(e2)))
        if r2 != 0:
            fail(e2, " ".join(steps))
    r, e = sysc("mount", b"none", target.encode(), b"tmpfs", L(0), None)
    steps.append("mount(tmpfs)=%s" % ("0" if r == 0 else ename(e)))
    if r == 0:
        ok(" ".join(steps))
    fail(e, " ".join(steps))


def _child():
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.read(r, 1)
        os._exit(0)
    os.close(r)
    return pid, w


def p_ptrace():
    pid, w = _child()
    r, e = sysc("ptrace", L(16), L(pid), None, None)  # PTRACE_ATTACH
    if r == 0:
        os.waitpid(pid, 0)
        sysc("ptrace", L(17), L(pid), None, None)     # PTRACE_DETACH
    os.close(w)
    os.waitpid(pid, 0)
    result("ptrace(PTRACE_ATTACH)", r, e)


class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


def p_process_vm_readv():
    src = ctypes.create_string_buffer(b"sbx-secret-in-other-process", 64)
    pid, w = _child()
    dst = ctypes.create_string_buffer(64)
    local = IOVec(ctypes.cast(dst, ctypes.c_void_p), 64)
    remote = IOVec(ctypes.cast(src, ctypes.c_void_p), 64)
    try:
        r, e = sysc("process_vm_readv", L(pid), ctypes.byref(local), L(1),
                    ctypes.byref(remote), L(1), L(0))
    finally:
        os.close(w)
        os.waitpid(pid, 0)
    result("process_vm_readv", r, e)


def p_open_by_handle(path):
    fh = ctypes.create_string_buffer(8 + 128)
    ctypes.c_uint32.from_buffer(fh, 0).value = 128
    mount_id = ctypes.c_int(0)
    r, e = sysc("name_to_handle_at", L(-100), path.encode(), fh,
                ctypes.byref(mount_id), L(0))
    if r != 0:
        fail(e, "name_to_handle_at")
    mfd = os.open(os.path.dirname(path) or ".", os.O_RDONLY | os.O_DIRECTORY)
    r, e = sysc("open_by_handle_at", L(mfd), fh, L(os.O_RDONLY))
    if r >= 0:
        data = os.read(r, 100)
        ok("open_by_handle_at read %r" % data[:40])
    fail(e, "open_by_handle_at")


def p_personality():
    ctypes.set_errno(0)
    libc.personality.restype = ctypes.c_int
    cur = libc.personality(ctypes.c_ulong(0xFFFFFFFF))
    r = libc.personality(ctypes.c_ulong(cur | 0x0040000))  # ADDR_NO_RANDOMIZE
    e = ctypes.get_errno()
    if r == -1:
        fail(e, "personality")
    now = libc.personality(ctypes.c_ulong(0xFFFFFFFF))
    if now & 0x0040000:
        ok("personality changed to %#x" % now)
    fail(errno.EPERM, "personality unchanged (%#x)" % now)


def p_tiocsti(hibits):
    if not os.isatty(0):
        print("PROBE-ERROR stdin is not a tty")
        sys.exit(2)
    c = ctypes.c_char(b"#")
    req = TIOCSTI | ((1 << 32) if hibits else 0)
    r, e = sysc("ioctl", L(0), L(req), ctypes.byref(c))
    result("ioctl(TIOCSTI%s)" % (" | 1<<32" if hibits else ""), r, e)


def p_tioclinux():
    c = ctypes.c_char(b"\x0b")  # TIOCL_GETSHIFTSTATE-ish subcode
    r, e = sysc("ioctl", L(0), L(TIOCLINUX), ctypes.byref(c))
    reached("ioctl(TIOCLINUX)", r, e)


def p_forkbomb(maxn):
    """Bounded: fork up to maxn children that wait on a pipe; stop at the
    first failure.  Prints the count of successful forks."""
    maxn = int(maxn)
    r, w = os.pipe()
    kids = []
    err = None
    for _ in range(maxn):
        try:
            pid = os.fork()
        except OSError as ex:
            err = ex.errno
            break
        if pid == 0:
            os.close(w)
            try:
                os.read(r, 1)
            finally:
                os._exit(0)
        kids.append(pid)
    os.close(w)
    for k in kids:
        os.waitpid(k, 0)
    print("FORKS %d %s" % (len(kids), ename(err) if err else "none"))
    sys.exit(0 if err is None else 1)


def p_nofile(n):
    fds = []
    try:
        for _ in range(int(n)):
            fds.append(os.open("/dev/null", os.O_RDONLY))
    except OSError as ex:
        print("FAIL", ename(ex.errno), "after", len(fds))
        sys.exit(1)
    ok("opened %d" % len(fds))


def p_alloc(mb):
    try:
        b = b"x" * (int(mb) << 20)
    except MemoryError:
        fail(errno.ENOMEM, "MemoryError")
    ok("allocated %d MiB" % (len(b) >> 20))


def p_write(path, mb):
    """Write mb MiB to path; report the errno on failure."""
    import signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    chunk = b"\0" * (1 << 20)
    written = 0
    try:
        with open(path, "wb") as f:
            for _ in range(int(mb)):
                f.write(chunk)
                f.flush()
                written += 1
    except OSError as ex:
        fail(ex.errno, "%s after %d MiB" % (ex.strerror, written))
    ok("wrote %d MiB" % written)


def p_tcp_connect(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(3)
    try:
        s.connect((host, int(port)))
        data = s.recv(100)
    except OSError as ex:
        fail(ex.errno or errno.ETIMEDOUT, str(ex))
    ok("received %r" % data)


def p_unix_connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(3)
    addr = "\0" + path[1:] if path.startswith("@") else path
    try:
        s.connect(addr)
        data = s.recv(100)
    except OSError as ex:
        fail(ex.errno or errno.ETIMEDOUT, str(ex))
    ok("received %r" % data)


def _serve(s, readyfile, ready):
    s.listen(16)
    tmp = readyfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(ready))
    os.rename(tmp, readyfile)
    deadline = time.time() + 120  # never outlive a test for long
    s.settimeout(1)
    while time.time() < deadline:
        try:
            c, _ = s.accept()
        except socket.timeout:
            continue
        try:
            c.sendall(b"hello-from-host\n")
        except OSError:
            pass
        c.close()
    sys.exit(0)


def p_tcp_server(host, readyfile):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, 0))
    _serve(s, readyfile, s.getsockname()[1])


def p_unix_server(path, readyfile):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    addr = "\0" + path[1:] if path.startswith("@") else path
    s.bind(addr)
    _serve(s, readyfile, path)


def p_pty(*cmd):
    """Run CMD with a fresh pseudo-terminal as its controlling terminal and
    stdin/stdout/stderr; copy its output to our stdout; exit with its
    status.  Not an attack: a harness helper (used outside the sandbox)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execvp(cmd[0], list(cmd))
        finally:
            os._exit(127)
    deadline = time.time() + 30
    while time.time() < deadline:
        rl, _, _ = select.select([fd], [], [], 0.5)
        if fd in rl:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    else:
        os.kill(pid, 9)
    _, st = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(st) & 0xff if os.WIFEXITED(st)
             else 128 + os.WTERMSIG(st))


def _run_code(code):
    import mmap
    m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    m.write(code)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
    fn = ctypes.CFUNCTYPE(ctypes.c_long)(addr)
    return fn()


def p_i386_unshare():
    """unshare(CLONE_NEWUSER) through the i386 ABI (int 0x80, nr 310)."""
    code = bytes([0x53,                          # push rbx
                  0xB8, 0x36, 0x01, 0x00, 0x00,  # mov eax, 310
                  0xBB, 0x00, 0x00, 0x00, 0x10,  # mov ebx, CLONE_NEWUSER
                  0xCD, 0x80,                    # int 0x80
                  0x5B,                          # pop rbx
                  0x48, 0x63, 0xC0,              # movsxd rax, eax
                  0xC3])                         # ret
    r = _run_code(code)
    if r == 0:
        ok("i386 unshare(CLONE_NEWUSER)=0")
    fail(-r, "i386 unshare(CLONE_NEWUSER)")


def p_x32_unshare():
    """unshare(CLONE_NEWUSER) through the x32 ABI (nr 272 | 0x40000000)."""
    ctypes.set_errno(0)
    r = libc.syscall(L(0x40000000 | 272), L(CLONE_NEWUSER))
    e = ctypes.get_errno()
    result("x32 unshare(CLONE_NEWUSER)", r, e)


def p_udp_server(host, readyfile):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.bind((host, 0))
    tmp = readyfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(tmp, readyfile)
    s.settimeout(1)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            data, peer = s.recvfrom(100)
        except socket.timeout:
            continue
        s.sendto(b"hello-from-host-udp " + data, peer)


def p_udp_send(host, port):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                      socket.SOCK_DGRAM)
    s.settimeout(2)
    try:
        s.sendto(b"ping", (host, int(port)))
        data = s.recv(100)
    except OSError as ex:
        fail(ex.errno or errno.ETIMEDOUT, str(ex))
    ok("received %r" % data)


def p_packet_socket():
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    except OSError as ex:
        fail(ex.errno, "socket(AF_PACKET)")
    ok("AF_PACKET socket, interfaces: %s" % [n for _, n in socket.if_nameindex()])


def p_raw_socket():
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    except OSError as ex:
        fail(ex.errno, "socket(AF_INET, SOCK_RAW)")
    ok("raw socket")


PROBES = {
    "keyctl": p_keyctl, "add_key": p_add_key, "bpf": p_bpf,
    "bpf_map": p_bpf_map, "io_uring": p_io_uring, "perf": p_perf,
    "userfaultfd": p_userfaultfd, "unshare_user": p_unshare_user,
    "mount": p_mount, "ptrace": p_ptrace,
    "process_vm_readv": p_process_vm_readv,
    "open_by_handle": p_open_by_handle, "personality": p_personality,
    "tiocsti": lambda: p_tiocsti(False), "tiocsti_hi": lambda: p_tiocsti(True),
    "tioclinux": p_tioclinux, "forkbomb": p_forkbomb, "nofile": p_nofile,
    "alloc": p_alloc, "write": p_write, "tcp_connect": p_tcp_connect,
    "unix_connect": p_unix_connect, "tcp_server": p_tcp_server,
    "unix_server": p_unix_server, "pty": p_pty,
    "i386_unshare": p_i386_unshare, "x32_unshare": p_x32_unshare,
    "udp_server": p_udp_server, "udp_send": p_udp_send,
    "packet_socket": p_packet_socket, "raw_socket": p_raw_socket,
}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in PROBES:
        print("PROBE-ERROR usage: probe {%s} ARGS" % ",".join(sorted(PROBES)))
        sys.exit(2)
    PROBES[sys.argv[1]](*sys.argv[2:])
