# shellcheck shell=bash
# Process boundaries: /proc, signals, ptrace, daemons, identity, environment.

# start_victim -> $VICTIM: a host `sleep` owned by the test's user, with a
# unique duration so it can be recognised in ps output.
start_victim() {
    VICTIM_ARG="299.$(rand)"
    bg_user sleep "$VICTIM_ARG"
    VICTIM=$BG_PID
    wait_for 5 test -e "/proc/$VICTIM/cmdline" || fail "victim did not start"
    wait_for 5 grep -q "$VICTIM_ARG" "/proc/$VICTIM/cmdline" || fail "victim did not exec"
}

test_proc_root_traversal() {
    local secret=$T/run/hostsecret
    user_file "$secret" "SBX-HOST-SECRET-77"
    start_victim
    # As root /proc/1/root works outside; as any user, /proc/<own pid>/root.
    local attack="cat /proc/1/root$secret 2>/dev/null || cat /proc/$VICTIM/root$secret"
    baseline "$attack" as_user sh -c "$attack"
    assert_contains "$OUT" "SBX-HOST-SECRET-77"
    sandboxed_fails "$attack" sbx run -- sh -c "$attack"
    assert_not_contains "$OUT" "SBX-HOST-SECRET-77"
    # Also via cwd and environ links of pid 1 and 2 inside.
    run_capture sbx run -- sh -c "for p in 1 2 $VICTIM; do cat /proc/\$p/cwd$secret /proc/\$p/root/proc/1/root$secret; done 2>/dev/null"
    assert_not_contains "$OUT" "SBX-HOST-SECRET-77"
}

test_host_process_invisible() {
    start_victim
    baseline "see victim in ps" as_user sh -c "ps -eo pid,args | grep -v grep | grep -F '$VICTIM_ARG'"
    assert_succeeds sbx run -- sh -c "ps -eo pid,args; echo ---; cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\0' ' '"
    assert_not_contains "$OUT" "$VICTIM_ARG" "processes visible inside"
    # Only the sandbox's own few processes.
    local n
    n=$(sbx run -- sh -c 'ls -d /proc/[0-9]* | wc -l')
    [[ $n -le 10 ]] || fail "$n processes visible inside /proc"
}

test_signal_host_process() {
    start_victim
    local v1=$VICTIM
    start_victim
    local v2=$VICTIM
    # The attack kills v2 unsandboxed, then tries v1 from inside.
    baseline "kill -KILL $v2" as_user kill -KILL "$v2"
    wait_for 5 sh -c "! kill -0 $v2 2>/dev/null || grep -q '^State:.*Z' /proc/$v2/status"
    # (no kill -1 here: should the sandbox be broken, as root it would take
    # the whole host down)
    run_capture sbx run -- sh -c "kill -KILL $v1; kill -TERM $v1; echo done"
    sleep 0.2
    kill -0 "$v1" 2>/dev/null || fail "host process $v1 was killed from inside"
    grep -q "^State:.*[SR]" "/proc/$v1/status" || fail "host process $v1 not running: $(grep State /proc/$v1/status)"
}

test_ptrace() {
    baseline "ptrace attach own child" probe ptrace
    sandboxed_fails "ptrace attach own child" sbx_probe -- ptrace
    assert_contains "$OUT" "EPERM"
}

test_process_vm_readv() {
    baseline "process_vm_readv own child" probe process_vm_readv
    sandboxed_fails "process_vm_readv own child" sbx_probe -- process_vm_readv
    assert_contains "$OUT" "EPERM"
}

test_daemon_killed_after_exit() {
    local mark=sbxdaemon-$(rand)
    # A double-forked, setsid daemon that appends a line every 0.1 s for at
    # most 30 s (bounded, so nothing survives a broken sandbox for long).
    local attack="(setsid sh -c 'echo \$\$ > \"\$0.pid\"; i=0; while [ \$i -lt 300 ]; do echo tick >> \"\$0\"; i=\$((i+1)); sleep 0.1; done' '$WS/$mark' >/dev/null 2>&1 </dev/null &) ; sleep 0.3"
    local log=$WS/$mark
    on_exit "for p in \$(pgrep -f '$mark'); do kill -KILL \$p; done"
    echo "# baseline (unsandboxed)"
    as_user sh -c "$attack"
    wait_for 3 test -s "$log" || skip "unsandboxed daemon did not start"
    local s1 s2
    sleep 0.5
    s1=$(wc -l <"$log")
    sleep 0.5
    s2=$(wc -l <"$log")
    kill -KILL "$(cat "$log.pid")" 2>/dev/null
    ((s2 > s1)) || skip "unsandboxed daemon did not keep writing"
    echo "unsandboxed daemon kept writing ($s1 -> $s2 lines); killed it"
    rm -f "$log" "$log.pid"
    echo "# sandboxed"
    assert_succeeds sbx run -- sh -c "$attack"
    wait_for 3 test -s "$log" || fail "sandboxed daemon never wrote (attack broken?)"
    sleep 0.3
    s1=$(wc -l <"$log")
    sleep 0.6
    s2=$(wc -l <"$log")
    assert_eq "$s1" "$s2" "lines written by the daemon after the sandbox exited"
    local left
    left=$(pgrep -f "$mark")
    [[ -z $left ]] || fail "daemon processes still alive on the host: $left"
}

test_identity_and_hardening() {
    assert_succeeds sbx run -- sh -c 'id -u; id -g; grep -E "^(NoNewPrivs|Seccomp|CapEff|CapPrm|CapAmb):" /proc/self/status'
    local lines
    mapfile -t lines <<<"$OUT"
    assert_eq "$TUID" "${lines[0]}" "uid inside"
    assert_eq "$TGID" "${lines[1]}" "gid inside"
    assert_match "$(grep ^NoNewPrivs: <<<"$OUT")" "^NoNewPrivs:[[:space:]]+1$"
    assert_match "$(grep ^Seccomp: <<<"$OUT")" "^Seccomp:[[:space:]]+2$"
    assert_match "$(grep ^CapEff: <<<"$OUT")" "^CapEff:[[:space:]]+0+$"
    assert_match "$(grep ^CapPrm: <<<"$OUT")" "^CapPrm:[[:space:]]+0+$"
    assert_match "$(grep ^CapAmb: <<<"$OUT")" "^CapAmb:[[:space:]]+0+$"
}

test_setuid_no_gain() {
    # A setuid-root copy of id in the workspace (only root can make one).
    require_root "only root can plant a setuid-root binary"
    local ws=$T/nobody-ws
    mkdir "$ws" && chown 65534:65534 "$ws"
    cp /usr/bin/id "$ws/suid-id"
    chown root:root "$ws/suid-id"
    chmod 4755 "$ws/suid-id"
    cd "$ws" || fail "cd"
    TEST_USER=nobody baseline "setuid binary gives euid 0" setpriv --reuid=65534 --regid=65534 --clear-groups -- "$ws/suid-id" -u
    assert_eq "0" "$OUT" "euid of the setuid binary outside"
    # Inside, as nobody, no_new_privs / nosuid keeps euid 65534.
    run_capture setpriv --reuid=65534 --regid=65534 --clear-groups -- timeout 30 "$SBX" run --workspace "$ws" -- "$ws/suid-id" -u
    assert_eq "65534" "$OUT" "euid of the setuid binary inside (as nobody)"
}

test_env_filtering() {
    run_capture as_user env AWS_SECRET_ACCESS_KEY=x1 AWS_ACCESS_KEY_ID=x2 GITHUB_TOKEN=y \
        DB_PASSWORD=z MY_SECRET_THING=s OPENAI_API_KEY=k SSH_AUTH_SOCK=/tmp/agent \
        GPG_AGENT_INFO=/tmp/gpg FOO=bar SBX_KEEP_ME=1 timeout 30 "$SBX" run -- env
    [[ $RC == 0 ]] || fail "sandboxctl run env failed ($RC)"
    OUT=$'\n'$OUT
    local v
    for v in AWS_SECRET_ACCESS_KEY AWS_ACCESS_KEY_ID GITHUB_TOKEN DB_PASSWORD MY_SECRET_THING OPENAI_API_KEY SSH_AUTH_SOCK GPG_AGENT_INFO; do
        [[ $'\n'$OUT != *$'\n'"$v="* ]] || fail "$v visible inside"
    done
    assert_contains "$OUT" $'\n'"FOO=bar" "environment inside"
    assert_contains "$OUT" $'\n'"SBX_KEEP_ME=1" "environment inside"
    assert_contains "$OUT" $'\n'"HOME=$HOME" "environment inside"
}

test_env_loader_variables_filtered() {
    # LD_PRELOAD/LD_AUDIT from outside must not reach the command inside.
    run_capture as_user env LD_PRELOAD=/nonexistent-sbxit.so LD_AUDIT=/nonexistent-sbxit2.so \
        timeout 30 "$SBX" run -- /usr/bin/env
    [[ $RC == 0 ]] || fail "sandboxctl run env failed ($RC)"
    assert_not_contains "$OUT" "LD_PRELOAD=" "environment inside"
    assert_not_contains "$OUT" "LD_AUDIT=" "environment inside"
}

test_signal_forwarding() {
    # SIGTERM to sandboxctl ends the command inside promptly; nothing stays.
    local mark=77.$(rand)
    bg_user "$SBX" run -- sleep "$mark"
    local pid=$BG_PID
    wait_for 5 pgrep -f "^sleep $mark" >/dev/null || fail "sandboxed sleep did not start"
    kill -TERM "$pid"
    local t0=$SECONDS rc=0
    wait "$pid" || rc=$?
    echo "sandboxctl exited $rc after SIGTERM"
    ((SECONDS - t0 < 5)) || fail "sandboxctl took $((SECONDS - t0)) s to stop"
    [[ $rc == 143 ]] || fail "exit status after SIGTERM: expected 143, got $rc"
    sleep 0.2
    local left
    left=$(pgrep -f "^sleep $mark")
    [[ -z $left ]] || fail "sandboxed process survived: $left"
}

test_mknod() {
    require_root "only root can mknod outside"
    baseline "mknod c 1 1 (/dev/mem)" mknod "$T/run/mem" c 1 1
    rm -f "$T/run/mem"
    sandboxed_fails "mknod c 1 1 (/dev/mem) in the workspace" sbx run -- mknod "$WS/mem" c 1 1
    [[ ! -e $WS/mem ]] || fail "device node created in the workspace"
}
