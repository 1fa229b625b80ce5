# shellcheck shell=bash
# Terminal: TIOCSTI/TIOCLINUX injection, interactive shell under tmux.

# in_pty CMD...   run CMD (as the test's user) on a fresh pseudo-terminal
in_pty() { as_user timeout -k 2 30 "$PY" -c "$PROBE" pty "$@"; }

test_tiocsti() {
    baseline "ioctl(0, TIOCSTI) on a tty" in_pty "$PY" -c "$PROBE" tiocsti
    sandboxed_fails "ioctl(0, TIOCSTI) on a tty" in_pty "$SBX" run -- "$PY" -c "$PROBE" tiocsti
    assert_contains "$OUT" "FAIL EPERM"
}

test_tiocsti_high_bits() {
    baseline "ioctl(0, TIOCSTI|1<<32) on a tty" in_pty "$PY" -c "$PROBE" tiocsti_hi
    sandboxed_fails "ioctl(0, TIOCSTI|1<<32) on a tty" in_pty "$SBX" run -- "$PY" -c "$PROBE" tiocsti_hi
    assert_contains "$OUT" "FAIL EPERM"
}

test_tioclinux() {
    baseline "ioctl(0, TIOCLINUX) reaches the tty driver" in_pty "$PY" -c "$PROBE" tioclinux
    sandboxed_fails "ioctl(0, TIOCLINUX)" in_pty "$SBX" run -- "$PY" -c "$PROBE" tioclinux
    assert_contains "$OUT" "FAIL EPERM"
}

test_tty_inside() {
    # With a terminal outside, the command inside has a terminal too.
    assert_succeeds in_pty "$SBX" run -- sh -c 'test -t 0 && test -t 1 && echo is-a-tty'
    assert_contains "$OUT" "is-a-tty"
    # Without one, it has none (and the run still works).
    assert_fails sbx run -- sh -c 'test -t 0'
}

test_interactive_shell_tmux() {
    command -v tmux >/dev/null || skip "tmux not installed"
    local sock=$T/run/tmux.sock
    on_exit "as_user tmux -S '$sock' kill-server"
    as_user env SHELL=/bin/sh tmux -S "$sock" -f /dev/null new-session -d -s sbx -x 120 -y 30 -c "$WS" \
        "$SBX run -- bash --norc --noprofile -i; echo SESSION-END; sleep 5" ||
        fail "tmux new-session failed"
    pane() { as_user tmux -S "$sock" capture-pane -p -t sbx; }
    # Wait for a prompt, then type.
    wait_for 10 as_user sh -c "tmux -S '$sock' capture-pane -p -t sbx | grep -q '[\$#] *\$'" ||
        { echo "pane:"; pane; fail "no shell prompt"; }
    as_user tmux -S "$sock" send-keys -t sbx 'echo hi-$((6*7))' Enter
    wait_for 10 as_user sh -c "tmux -S '$sock' capture-pane -p -t sbx | grep -q '^hi-42'" ||
        { echo "pane:"; pane; fail "hi-42 not shown"; }
    # Job control works (the shell has its own terminal).
    as_user tmux -S "$sock" send-keys -t sbx 'sleep 30 &' Enter 'jobs; echo jobs-$?' Enter
    wait_for 10 as_user sh -c "tmux -S '$sock' capture-pane -p -t sbx | grep -q '^jobs-0'" ||
        { echo "pane:"; pane; fail "jobs did not run"; }
    as_user tmux -S "$sock" send-keys -t sbx 'kill %1; exit' Enter
    wait_for 10 as_user sh -c "tmux -S '$sock' capture-pane -p -t sbx | grep -q '^SESSION-END'" ||
        { echo "pane:"; pane; fail "shell did not exit"; }
    echo "pane:"
    pane
}
