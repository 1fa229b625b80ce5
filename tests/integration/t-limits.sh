# shellcheck shell=bash
# Resource limits (always bounded attacks: nothing here can hurt the host).

limits_policy() { # JSON for "resources"/"file_system.temp_directory" etc.
    base_policy "$T/run/limits.json" "$1"
    LP=$T/run/limits.json
}

test_fork_bomb_pids_limit() {
    limits_policy '"resources": {"pids": 50}'
    baseline "fork 200 children" probe forkbomb 200
    assert_contains "$OUT" "FORKS 200"
    run_capture sbx_probe --policy "$LP" -- forkbomb 200
    local n
    n=$(sed -n 's/^FORKS \([0-9]*\).*/\1/p' <<<"$OUT")
    [[ -n $n ]] || fail "bounded fork bomb did not report (exit $RC)"
    ((n < 60)) || fail "$n forks succeeded with pids=50"
    assert_contains "$OUT" "EAGAIN" "fork failure errno"
    # The host is fine.
    assert_succeeds sh -c 'true'
}

test_memory_limit() {
    limits_policy '"resources": {"memory_mb": 64}'
    baseline "allocate 200 MiB" probe alloc 200
    sandboxed_fails "allocate 200 MiB" sbx_probe --policy "$LP" -- alloc 200
    assert_not_contains "$OUT" "allocated"
    if ((RC > 128)) && [[ $OUT != *ENOMEM* ]]; then
        assert_contains "$ERR" "memory limit" "stderr when killed"
    fi
    # A small allocation still works.
    assert_succeeds sbx_probe --policy "$LP" -- alloc 8
}

test_fsize_limit() {
    limits_policy '"resources": {"fsize_mb": 1}'
    baseline "write 2 MiB" probe write "$WS/big" 2
    rm -f "$WS/big"
    sandboxed_fails "write 2 MiB" sbx run --policy "$LP" -- sh -c "head -c 2097152 /dev/zero > '$WS/big'"
    local sz
    sz=$(stat -c %s "$WS/big" 2>/dev/null || echo 0)
    ((sz <= 1048576)) || fail "file grew to $sz bytes"
    rm -f "$WS/big"
    sandboxed_fails "write 2 MiB (python)" sbx_probe --policy "$LP" -- write "$WS/big" 2
    assert_contains "$OUT" "EFBIG"
}

test_temp_dir_full() {
    write_policy "$T/run/tmp.json" "{
  \"file_system\": {
    \"allowed_paths\": [$SYS_RO],
    \"readonly_paths\": [$SYS_RO],
    \"temp_directory\": {\"path\": \"/tmp\", \"size_limit_mb\": 4}
  }
}"
    LP=$T/run/tmp.json
    local f=$T/run/fill
    baseline "write 8 MiB to a temp file" probe write "$f" 8
    rm -f "$f"
    # (unique names: should TMPDIR not be private, the host copy is removed)
    local name=sbxit-fill-$(rand)
    on_exit "rm -f /tmp/$name /tmp/$name.py"
    sandboxed_fails "write 8 MiB into \$TMPDIR" sbx run --policy "$LP" -- sh -c 'echo "TMPDIR=$TMPDIR"; head -c 8388608 /dev/zero > "${TMPDIR:-/tmp}/$0"' "$name"
    assert_contains "$ERR" "No space left on device"
    sandboxed_fails "write 8 MiB into \$TMPDIR (python)" sbx run --policy "$LP" -- sh -c "exec $PY -c \"\$0\" write \"\${TMPDIR:-/tmp}/$name.py\" 8" "$PROBE"
    assert_contains "$OUT" "ENOSPC"
}

test_default_temp_dir_limited() {
    # The default /tmp is a size-limited tmpfs: statfs shows <= 512 MiB.
    assert_succeeds sbx run -- sh -c 'df -k "${TMPDIR:-/tmp}" | tail -1'
    local kb
    kb=$(awk '{print $2}' <<<"$OUT")
    [[ $kb =~ ^[0-9]+$ ]] || fail "df output: $OUT"
    ((kb <= 512 * 1024)) || fail "temp dir size $kb KiB > 512 MiB"
}

test_nofile_limit() {
    limits_policy '"resources": {"nofile": 64}'
    baseline "open 200 files" probe nofile 200
    sandboxed_fails "open 200 files" sbx_probe --policy "$LP" -- nofile 200
    assert_contains "$OUT" "EMFILE"
    # The soft limit cannot be raised back above 64.
    run_capture sbx run --policy "$LP" -- sh -c 'ulimit -n 200 2>/dev/null; ulimit -n; ulimit -Hn'
    local soft hard
    soft=$(sed -n 1p <<<"$OUT") hard=$(sed -n 2p <<<"$OUT")
    ((soft <= 64)) || fail "soft nofile raised to $soft"
    ((hard <= 64)) || fail "hard nofile is $hard"
}

test_timeout() {
    limits_policy '"resources": {"timeout_seconds": 2}'
    local t0=$SECONDS
    sandboxed_fails "sleep 20 with a 2 s timeout" sbx run --policy "$LP" -- sleep 20
    ((SECONDS - t0 < 10)) || fail "took $((SECONDS - t0)) s"
    assert_contains "$ERR" "timeout 2 s" "stderr"
}

test_default_limits() {
    assert_succeeds sbx run -- sh -c 'ulimit -n; ulimit -f'
    local nofile fsize
    nofile=$(sed -n 1p <<<"$OUT") fsize=$(sed -n 2p <<<"$OUT")
    [[ $nofile == 4096 ]] || fail "default nofile $nofile, expected 4096"
    # ulimit -f is in 512-byte blocks (bash) or KiB; 8192 MiB either way
    [[ $fsize == $((8192 * 2048)) || $fsize == $((8192 * 1024)) ]] || fail "default fsize $fsize"
}

test_memory_limit_total() {
    # Four processes of 40 MiB each under a 64 MiB limit: a per-process
    # RLIMIT_AS lets them through, a whole-sandbox limit does not.
    limits_policy '"resources": {"memory_mb": 64}'
    run_capture sbx check --policy "$LP"
    local mline
    mline=$(grep -i 'memory' <<<"$OUT$ERR" | grep -iE 'partial|not enforced' | head -1)
    if [[ $RC == 2 && -n $mline ]]; then
        skip "check says the memory limit is not whole-sandbox on this host: ${mline//  / }"
    fi
    local attack='for i in 1 2 3 4; do '"$PY"' -c "import time; b = b\"x\" * (40 << 20); print(\"held\", flush=True); time.sleep(3)" & done; wait'
    baseline "4 x 40 MiB at once" as_user sh -c "$attack"
    assert_eq 4 "$(grep -c held <<<"$OUT")" "processes that allocated outside"
    run_capture sbx run --policy "$LP" -- sh -c "$attack"
    local n
    n=$(grep -c held <<<"$OUT")
    ((n < 4)) || fail "all 4 processes held 40 MiB each under a 64 MiB limit"
}
