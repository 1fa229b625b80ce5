# shellcheck shell=bash
# Kernel attack surface: seccomp must refuse these with EPERM inside.

# kernel_probe NAME [ARGS]: baseline outside, then EPERM inside.
kernel_probe() {
    baseline "$*" probe "$@"
    sandboxed_fails "$*" sbx_probe -- "$@"
    assert_contains "$OUT" "EPERM" "errno of $1 inside"
}

test_nested_userns_unshare_cmd() {
    baseline "unshare -Ur true" as_user unshare -Ur true
    sandboxed_fails "unshare -Ur true" sbx run -- unshare -Ur true
    sandboxed_fails "unshare -U true" sbx run -- unshare -U true
}

test_nested_userns_syscall() { kernel_probe unshare_user; }

test_mount_tmpfs() {
    user_dir "$WS/mnt"
    baseline "unshare+mount tmpfs" probe mount "$WS/mnt"
    sandboxed_fails "unshare+mount tmpfs" sbx_probe -- mount "$WS/mnt"
    assert_contains "$OUT" "EPERM"
    sandboxed_fails "unshare -m mount" sbx run -- unshare -m sh -c "mount -t tmpfs none '$WS/mnt'"
}

test_remount_readonly_bind_writable() {
    # Through mount(2) directly (no new namespace): the /usr bind must stay
    # read-only.  Outside, as root, the same remount works (on a private
    # mount namespace, so the host is not touched).
    require_root "as non-root, a remount is refused outside too"
    baseline "remount in a private mount ns" unshare -m sh -c 'mount --bind /usr /usr && mount -o remount,bind,rw /usr'
    local f=/usr/sbxit-$(rand)
    on_exit "rm -f '$f'"
    sandboxed_fails "remount /usr rw then write" sbx run -- sh -c "mount -o remount,bind,rw /usr; echo x > '$f'"
    [[ ! -e $f ]] || fail "$f created on the host"
}

test_keyctl() { kernel_probe keyctl; }

test_add_key() { kernel_probe add_key; }

test_bpf() { kernel_probe bpf; }

test_bpf_map_create() { kernel_probe bpf_map; }

test_io_uring_setup() { kernel_probe io_uring; }

test_perf_event_open() { kernel_probe perf; }

test_userfaultfd() { kernel_probe userfaultfd; }

test_personality() { kernel_probe personality; }

test_open_by_handle_at() {
    user_file "$WS/target" "handle-target" 644
    kernel_probe open_by_handle "$WS/target"
}

test_i386_abi() {
    # unshare(CLONE_NEWUSER) through int 0x80: refused or the process killed.
    baseline "i386 unshare(CLONE_NEWUSER)" probe i386_unshare
    sandboxed_fails "i386 unshare(CLONE_NEWUSER)" sbx_probe -- i386_unshare
    assert_not_contains "$OUT" "OK"
}

test_x32_abi() {
    baseline "x32 unshare(CLONE_NEWUSER)" probe x32_unshare
    sandboxed_fails "x32 unshare(CLONE_NEWUSER)" sbx_probe -- x32_unshare
    assert_not_contains "$OUT" "OK"
}
