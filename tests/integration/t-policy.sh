# shellcheck shell=bash
# Policies, the check and doctor commands, exit codes.

test_seed_example_policies() {
    local ex
    ex=$(examples_dir) || skip "seed examples not found (set SANDBOXCTL_EXAMPLES)"
    [[ -r $ex/file-system-policy.json && -r $ex/network-policy.json ]] ||
        skip "seed example policies missing in $ex"
    user_file "$WS/marker-file" "" 644
    assert_succeeds sbx run --policy "$ex/file-system-policy.json" \
        --policy "$ex/network-policy.json" --workspace "$WS" -- \
        sh -c 'python3 -c "print(1)"; git --version; ls'
    assert_contains "$OUT" $'1\n' "python output"
    assert_match "$OUT" "git version [0-9]" "git output"
    assert_contains "$OUT" "marker-file" "ls of the workspace"
}

test_seed_example_policies_deny() {
    # The seed denies /etc/** and ~/.ssh/**: both are unreadable inside.
    local ex
    ex=$(examples_dir) || skip "seed examples not found (set SANDBOXCTL_EXAMPLES)"
    user_dir "$HOME/.ssh"
    user_file "$HOME/.ssh/id_rsa" "SBX-SEED-SECRET"
    run_capture sbx run --policy "$ex/file-system-policy.json" \
        --policy "$ex/network-policy.json" --workspace "$WS" -- \
        sh -c "cat '$HOME/.ssh/id_rsa'; cat /etc/shadow /etc/hostname; ls /root"
    assert_not_contains "$OUT" "SBX-SEED-SECRET"
    assert_not_contains "$OUT" "root:" "/etc content"
}

test_check_seed_policies() {
    local ex rc
    ex=$(examples_dir) || skip "seed examples not found (set SANDBOXCTL_EXAMPLES)"
    run_capture sbx check --policy "$ex/file-system-policy.json" --policy "$ex/network-policy.json" --workspace "$WS"
    [[ $RC == 0 || $RC == 2 ]] || fail "check of the seed policies exited $RC (expected 0 or 2)"
    run_capture sbx check --policy "$ex/file-system-policy.json" --workspace "$WS" --json
    [[ $RC == 0 || $RC == 2 ]] || fail "check --json exited $RC"
    [[ -n $OUT ]] && jq -e . >/dev/null <<<"$OUT" || fail "check --json output is not JSON"
}

test_check_typo_key() {
    local f=$WS/typo.json
    write_policy "$f" '{
  "file_system": {
    "mode": "whitelist",
    "allowed_pahts": ["/usr"]
  }
}'
    assert_status 1 sbx check --policy "$f"
    assert_match "$OUT$ERR" "$f:4:[0-9]+:" "error location (file:line:col)"
    assert_contains "$OUT$ERR" "allowed_pahts" "error message"
    assert_contains "$OUT$ERR" "allowed_paths" "did-you-mean suggestion"
    # Top-level typo
    write_policy "$f" '{
  "resorces": {"pids": 10}
}'
    assert_status 1 sbx check --policy "$f"
    assert_match "$OUT$ERR" "$f:2:[0-9]+:" "error location (file:line:col)"
    assert_contains "$OUT$ERR" "resorces"
}

test_check_bad_value() {
    local f=$WS/bad.json
    write_policy "$f" '{
  "resources": {
    "memory_mb": "lots"
  }
}'
    assert_status 1 sbx check --policy "$f"
    assert_match "$OUT$ERR" "$f:3:[0-9]+:" "error location (file:line:col)"
    assert_contains "$OUT$ERR" "memory_mb"
}

test_check_json_syntax_error() {
    local f=$WS/syntax.json
    write_policy "$f" '{
  "resources": {
    "pids": 10,
  }
}'
    assert_status 1 sbx check --policy "$f"
    assert_match "$OUT$ERR" "$f:[45]:[0-9]+:" "error location (file:line:col)"
}

test_check_default_roundtrip() {
    assert_succeeds sbx check --default
    [[ -n $OUT ]] && jq -e 'type == "object"' >/dev/null <<<"$OUT" || fail "check --default did not print a JSON object"
    printf '%s\n' "$OUT" >"$T/run/default.json"
    chmod 644 "$T/run/default.json"
    run_capture sbx check --policy "$T/run/default.json"
    [[ $RC == 0 || $RC == 2 ]] || fail "default policy does not load back (exit $RC)"
    # and it runs
    assert_succeeds sbx run --policy "$T/run/default.json" -- /usr/bin/python3 -c 'print("rt-ok")'
    assert_contains "$OUT" "rt-ok"
}

test_run_invalid_policy() {
    write_policy "$WS/typo.json" '{"file_sytem": {}}'
    assert_status 125 sbx run --policy "$WS/typo.json" -- true
    assert_contains "$ERR" "file_sytem"
    assert_status 125 sbx run --policy "$WS/does-not-exist.json" -- true
}

test_doctor() {
    assert_succeeds sbx doctor
    [[ -n $OUT$ERR ]] || fail "doctor printed nothing"
}

test_exit_codes() {
    assert_status 0 sbx run -- true
    assert_status 1 sbx run -- false
    assert_status 3 sbx run -- sh -c 'exit 3'
    assert_status 127 sbx run -- "/nonexistent/command-$(rand)"
    assert_status 127 sbx run -- "command-not-on-path-$(rand)"
    user_file "$WS/noexec" "#!/bin/sh" 644
    assert_status 126 sbx run -- "$WS/noexec"
    assert_status 143 sbx run -- sh -c 'kill -TERM $$'
    assert_status 137 sbx run -- sh -c 'kill -KILL $$'
    assert_status 125 sbx run --workspace "/nonexistent-$(rand)" -- true
    # Option smuggling: after --, everything is the command.
    assert_status 127 sbx run -- --policy
}

test_quiet_and_stdio() {
    assert_succeeds sbx run --quiet -- sh -c 'echo out; echo err >&2'
    assert_eq "out" "$OUT" "stdout"
    assert_eq "err" "$ERR" "stderr with --quiet"
    # stdin passes through
    assert_succeeds as_user sh -c "echo piped-in | timeout 30 '$SBX' run --quiet -- cat"
    assert_eq "piped-in" "$OUT" "stdin passed through"
}

test_policy_file_not_writable_inside() {
    # PEERS attack class "the sandbox rewriting its own policy": a policy
    # file that lies in the workspace must not be writable from inside.
    base_policy "$WS/policy.json" '"resources": {"pids": 100}'
    local before
    before=$(cat "$WS/policy.json")
    baseline "overwrite the policy" as_user sh -c "cp '$WS/policy.json' '$T/run/p.bak' && echo '{}' > '$WS/policy.json'"
    cp "$T/run/p.bak" "$WS/policy.json"
    run_capture sbx run --policy "$WS/policy.json" -- sh -c "echo '{}' > '$WS/policy.json'"
    assert_eq "$before" "$(cat "$WS/policy.json")" "policy file after the run"
}
