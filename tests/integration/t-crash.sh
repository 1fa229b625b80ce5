# shellcheck shell=bash
# What a killed supervisor leaves behind, and what the next run tidies.

test_killed_supervisor_placeholders_recovered() {
    local marker="31.$RANDOM"
    bg_user "$SBX" run -q -- sleep "$marker"
    local i
    # .claude is the last placeholder made; once it exists, all do.
    for i in $(seq 1 100); do
        [[ -e $WS/.claude ]] && break
        sleep 0.05
    done
    [[ -e $WS/.bashrc && -e $WS/.claude ]] || fail "no placeholders appeared while the sandbox ran"
    kill -KILL "$BG_PID"
    wait "$BG_PID" 2>/dev/null
    sleep 0.3
    # The crash is real: the placeholders outlived the supervisor...
    [[ -e $WS/.bashrc && -d $WS/.vscode ]] ||
        fail "placeholders vanished without recovery: the test proves nothing"
    # ...but the sandbox did not: the parent-death signal took it down.
    if pgrep -f "sleep $marker" >/dev/null; then
        fail "sandboxed process outlived its killed supervisor"
    fi
    # Somebody writes into one of them before the next run: it is theirs now.
    echo "user content" >"$WS/.zshrc"
    chown "$TUID:$TGID" "$WS/.zshrc"
    assert_succeeds sbx run -q -- true
    local left
    left=$(cd "$WS" && ls -A)
    assert_eq ".zshrc" "$left" "workspace after recovery"
    assert_eq "user content" "$(cat "$WS/.zshrc")" "file written after the crash"
}
