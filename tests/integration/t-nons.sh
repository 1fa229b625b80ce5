# shellcheck shell=bash
# --no-namespaces: Landlock alone.  Only what Landlock can block is tested:
# writing /usr, writing outside the workspace, reading a directory that is
# not in the allow-list.

nons_available() {
    run_capture sbx run --no-namespaces -- true
    [[ $RC == 0 ]] || fail "sandboxctl run --no-namespaces true exited $RC"
}

test_nons_write_usr() {
    local f=/usr/sbxit-$(rand)
    on_exit "rm -f '$f'"
    baseline "echo x > $f" as_user sh -c "echo x > '$f'"
    rm -f "$f"
    nons_available
    sandboxed_fails "echo x > $f" sbx run --no-namespaces -- sh -c "echo x > '$f'"
    [[ ! -e $f ]] || fail "$f was created"
}

test_nons_write_outside_workspace() {
    local sib=$T/sibling
    user_dir "$sib"
    baseline "echo pwned > $sib/x" as_user sh -c "echo pwned > '$sib/x'"
    rm -f "$sib/x"
    nons_available
    sandboxed_fails "echo pwned > $sib/x" sbx run --no-namespaces -- sh -c "echo pwned > '$sib/x'"
    [[ ! -e $sib/x ]] || fail "$sib/x was created"
    sandboxed_fails "echo pwned > ~/.bashrc" sbx run --no-namespaces -- sh -c "echo pwned > '$HOME/.bashrc'"
    [[ ! -e $HOME/.bashrc ]] || fail "$HOME/.bashrc was created"
}

test_nons_read_secret_dir() {
    local d=$HOME/.secrets
    user_dir "$d"
    chmod 700 "$d"
    user_file "$d/token" "SBX-NONS-SECRET"
    baseline "cat $d/token" as_user cat "$d/token"
    nons_available
    sandboxed_fails "cat $d/token" sbx run --no-namespaces -- cat "$d/token"
    assert_not_contains "$OUT" "SBX-NONS-SECRET"
    local d2=$T/run/secretdir
    user_dir "$d2"
    user_file "$d2/token" "SBX-NONS-SECRET2"
    sandboxed_fails "cat $d2/token" sbx run --no-namespaces -- cat "$d2/token"
    assert_not_contains "$OUT" "SBX-NONS-SECRET2"
}

test_nons_workspace_works() {
    user_file "$WS/in" "nons-in" 644
    assert_succeeds sbx run --no-namespaces -- sh -c "cat '$WS/in'; echo out > '$WS/out'; /usr/bin/python3 -c 'print(42)'"
    assert_contains "$OUT" "nons-in"
    assert_contains "$OUT" "42"
    assert_eq "out" "$(cat "$WS/out" 2>/dev/null)" "file written in the workspace"
}

test_nons_seccomp_still_on() {
    assert_succeeds sbx run --no-namespaces -- grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
    assert_match "$(grep ^NoNewPrivs: <<<"$OUT")" "1$"
    assert_match "$(grep ^Seccomp: <<<"$OUT")" "2$"
}

# A policy path inside the workspace that has become a symlink (planted by
# an earlier sandbox) is never followed, in Landlock-only mode too.
test_nons_planted_symlink_not_followed() {
    user_dir "$T/secret"
    local mark="SBX-NONS-LINK-SECRET"
    user_file "$T/secret/key" "$mark" 600
    ln -s "$T/secret" "$WS/cache"
    chown -h "$TUID:$TGID" "$WS/cache"
    write_policy "$T/run/p.json" "{\"file_system\": {\"allowed_paths\": [$SYS_RO, \"$WS/cache\"]}}"
    baseline "read through the link" as_user cat "$WS/cache/key"
    sandboxed_fails "read through a planted link" sbx run --no-namespaces --policy "$T/run/p.json" -- cat "$WS/cache/key"
    assert_not_contains "$OUT" "$mark"
}
