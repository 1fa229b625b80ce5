# shellcheck shell=bash
# The audit trail: what a run records, that the sandbox cannot reach it,
# that tampering shows, and that a full disk is never silent.

audit_log() { echo "$HOME/.local/state/sandboxctl/audit.jsonl"; }

test_audit_events_recorded() {
    assert_status 3 sbx run -- sh -c 'exit 3'
    write_policy "$T/run/t.json" '{"resources": {"timeout_seconds": 1}}'
    run_capture sbx run --policy "$T/run/t.json" -- sleep 10
    assert_contains "$ERR" "killed: timeout 1 s reached"
    run_capture as_user "$SBX" audit --json
    assert_eq 0 "$RC" "audit --json"
    # Every line parses back, with the fields the issue names.
    printf '%s\n' "$OUT" >"$T/run/events.jsonl"
    run_capture "$PY" - "$T/run/events.jsonl" <<'PYEOF'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
kinds = [e["event"] for e in events]
assert kinds.count("run.start") == 2 and kinds.count("run.end") == 2, kinds
for e in events:
    assert {"ts", "run_id", "event", "prev"} <= e.keys(), e
starts = [e for e in events if e["event"] == "run.start"]
assert starts[0]["argv"] == ["sh", "-c", "exit 3"], starts[0]["argv"]
assert len(starts[0]["policy_digest"]) == 64 and starts[0]["layers"], starts[0]
ends = [e for e in events if e["event"] == "run.end"]
assert ends[0]["exit_code"] == 3 and ends[0]["signal"] is None, ends[0]
assert ends[1]["limit_hit"] == "timeout", ends[1]
hits = [e for e in events if e["event"] == "limit.hit"]
assert hits and hits[0]["limit"] == "timeout" and hits[0]["value"] == 1, hits
assert hits[0]["run_id"] == ends[1]["run_id"]
print("events ok")
PYEOF
    assert_contains "$OUT" "events ok"
    run_capture as_user "$SBX" audit verify
    assert_eq 0 "$RC" "audit verify"
    assert_contains "$OUT" "intact: 5 event(s)"
}

test_audit_log_unreachable_inside() {
    # The worst case: the workspace is the home directory the log lives in.
    assert_succeeds sbx run -- true
    local log
    log=$(audit_log)
    [[ -f $log ]] || fail "no audit log at $log"
    cd "$HOME" || fail "cd"
    chmod 755 "$HOME"
    baseline "append to the audit log" as_user sh -c "echo forged >> '$log.probe' && rm '$log.probe' && test -w '$log'"
    sandboxed_fails "read the audit log" sbx run --workspace "$HOME" -- cat "$log"
    sandboxed_fails "forge an event" sbx run --workspace "$HOME" -- sh -c "echo '{\"event\":\"forged\"}' >> '$log'"
    sandboxed_fails "list the audit directory" sbx run --workspace "$HOME" -- ls "$(dirname "$log")"
    # (the attempt itself is in the log, quoted in run.start's argv)
    if grep -qx '{"event":"forged"}' "$log"; then fail "a forged line reached the log"; fi
    run_capture as_user "$SBX" audit verify
    assert_eq 0 "$RC" "audit verify after the attempts"
}

test_audit_path_in_workspace_root_refused() {
    # The workspace root cannot be hidden from the sandbox: refuse, say why.
    write_policy "$T/run/p.json" "{\"audit\": {\"path\": \"$WS/audit.jsonl\"}}"
    assert_status 125 sbx run --policy "$T/run/p.json" -- true
    assert_contains "$ERR" "is itself visible to the sandbox"
}

test_audit_path_in_workspace_subdir_hidden() {
    write_policy "$T/run/p.json" "{\"audit\": {\"path\": \"$WS/logs/audit.jsonl\"}}"
    assert_succeeds sbx run --policy "$T/run/p.json" -- true
    baseline "read the log" as_user cat "$WS/logs/audit.jsonl"
    sandboxed_fails "read the log" sbx run --policy "$T/run/p.json" -- cat "$WS/logs/audit.jsonl"
    # Renaming the directory away to plant a fake one fails too.
    sandboxed_fails "move the log directory" sbx run --policy "$T/run/p.json" -- mv "$WS/logs" "$WS/logs2"
    run_capture as_user "$SBX" audit verify --log "$WS/logs/audit.jsonl"
    assert_eq 0 "$RC" "audit verify"
}

test_audit_verify_names_edited_line() {
    assert_succeeds sbx run -- true
    assert_succeeds sbx run -- true
    local log
    log=$(audit_log)
    run_capture as_user "$SBX" audit verify
    assert_eq 0 "$RC" "intact log"
    # An edit of line 2 (run.end of the first run) breaks the chain at line 3.
    sed -i '2s/"exit_code":0/"exit_code":1/' "$log"
    run_capture as_user "$SBX" audit verify
    assert_eq 1 "$RC" "audit verify after an edit"
    assert_contains "$OUT" "audit.jsonl:3:"
    # Truncating the last line shows against the head record.
    assert_succeeds sbx run -- true
    sed -i '$d' "$log"
    sed -i '2s/"exit_code":1/"exit_code":0/' "$log"
    run_capture as_user "$SBX" audit verify
    assert_eq 1 "$RC" "audit verify after truncation"
    assert_contains "$OUT" "truncated"
}

# A full disk under the log: strict_mode refuses to run unrecorded, the
# default runs with a loud warning. The tiny tmpfs lives in a private
# mount namespace of a user namespace, so this works unprivileged too.
test_audit_full_disk() {
    write_policy "$T/run/strict.json" '{"enforcement": {"strict_mode": true}, "resources": {"memory_mb": 0, "pids": 0, "nofile": 0, "fsize_mb": 0}}'
    cat >"$T/run/full.sh" <<SHEOF
set -u
mount -t tmpfs -o size=16k,nr_inodes=64 none '$T/run/state' || exit 90
export XDG_STATE_HOME='$T/run/state'
'$SBX' run -q -- true; echo "before=\$?"
dd if=/dev/zero of='$T/run/state/fill' bs=1k count=64 2>/dev/null
# The log's last page may still have room: run until the disk says no.
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    '$SBX' run -- true 2>'$T/run/err'; rc=\$?
    cat '$T/run/err' >&2
    grep -q 'NOT recorded' '$T/run/err' && break
done
echo "default=\$rc"
'$SBX' run --policy '$T/run/strict.json' -- true; echo "strict=\$?"
'$SBX' audit verify; echo "verify=\$?"
SHEOF
    user_dir "$T/run/state"
    run_capture as_user unshare -Urm sh "$T/run/full.sh"
    [[ $OUT == *default=* ]] || skip "cannot mount a tmpfs in a user namespace here ($OUT $ERR)"
    assert_contains "$OUT" "before=0"
    assert_contains "$OUT" "default=0"
    assert_contains "$ERR" "NOT recorded"
    assert_contains "$OUT" "strict=125"
    assert_contains "$ERR" "strict_mode: refusing to start"
    # What was recorded before the disk filled is still a whole chain.
    assert_contains "$OUT" "audit log intact:"
    assert_contains "$OUT" "verify=0"
}

# audit_all_access: every open, exec, unlink, rename and mkdir is recorded
# with the policy's verdict; without the key, none is.
test_audit_all_access_records_file_events() {
    user_file "$WS/data.txt" "hello" 644
    write_policy "$T/run/on.json" '{"enforcement": {"audit_all_access": true}}'
    run_capture sbx run -- cat "$WS/data.txt"
    assert_eq 0 "$RC" "run without audit_all_access"
    run_capture as_user "$SBX" audit --event fs --json
    assert_eq "" "$OUT" "file events without audit_all_access"
    run_capture sbx run --policy "$T/run/on.json" -- sh -c "cat '$WS/data.txt'; cat /etc/shadow; touch /usr/sbx-audit-probe; mkdir '$WS/newdir'; mv '$WS/newdir' '$WS/moved'"
    assert_contains "$OUT" "hello"
    run_capture as_user "$SBX" audit --json
    printf '%s\n' "$OUT" >"$T/run/ev.jsonl"
    run_capture "$PY" - "$T/run/ev.jsonl" "$WS" <<'PYEOF'
import json, sys
ws = sys.argv[2]
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
last = ev[-1]["run_id"]
ev = [e for e in ev if e["run_id"] == last]
def find(kind, path, **kw):
    for e in ev:
        if e["event"] == kind and e.get("path") == path and all(e.get(k) == v for k, v in kw.items()):
            return e
    raise SystemExit(f"missing {kind} {path} {kw}: " + json.dumps([e for e in ev if e.get('path') == path]))
find("fs.access", ws + "/data.txt", access="read", verdict="allow")
find("fs.deny", "/etc/shadow", verdict="deny")
find("fs.deny", "/usr/sbx-audit-probe", access="create")
find("fs.access", ws + "/newdir", access="mkdir", verdict="allow")
assert any(e["event"] == "fs.access" and e.get("access") == "rename" and e.get("path2") == ws + "/moved" for e in ev)
assert any(e["event"] == "exec" and e["path"].endswith("/sh") and e["verdict"] == "allow" for e in ev)
print("file events ok", len(ev))
PYEOF
    assert_contains "$OUT" "file events ok"
    run_capture as_user "$SBX" audit verify
    assert_eq 0 "$RC" "audit verify"
}
