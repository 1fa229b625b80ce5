# shellcheck shell=bash
# ps and monitor against a real running sandbox, and run --monitor.

wait_for_run() {
    local i
    for i in $(seq 1 100); do
        run_capture as_user "$SBX" ps --json
        [[ $OUT == *'"run_id"'* ]] && return 0
        sleep 0.05
    done
    fail "the running sandbox never appeared in ps"
}

# Each test its own runtime directory: other sandboxes of the same user
# (another test, the developer's shell) must not show up here.
private_runtime() {
    export XDG_RUNTIME_DIR=$T/run/rt
    mkdir -p "$XDG_RUNTIME_DIR"
    chown "$TUID:$TGID" "$XDG_RUNTIME_DIR"
    chmod 700 "$XDG_RUNTIME_DIR"
}

test_ps_and_monitor_see_running_sandbox() {
    private_runtime
    run_capture as_user "$SBX" ps --json
    assert_eq "[]" "$(tr -d ' \n' <<<"$OUT")" "ps before any run"
    bg_user "$SBX" run -q -- sh -c 'head -c 3000000 /dev/zero > "$TMPDIR/blob"; sleep 30'
    wait_for_run
    sleep 0.5
    run_capture as_user "$SBX" ps --json
    printf '%s' "$OUT" >"$T/run/ps.json"
    run_capture "$PY" -c '
import json, sys
runs = json.load(open(sys.argv[1]))
assert len(runs) == 1, runs
r = runs[0]
assert r["command"].startswith("sh -c"), r
assert r["pids"] >= 2, r            # init and the shell at least
assert r["memory_bytes"] > 0, r
print("ps ok", r["run_id"])' "$T/run/ps.json"
    assert_contains "$OUT" "ps ok"
    local id=${OUT##* }
    run_capture as_user "$SBX" monitor --json --count 2 --interval 0.2 "${id:0:20}"
    assert_eq 0 "$RC" "monitor"
    printf '%s\n' "$OUT" >"$T/run/mon.jsonl"
    run_capture "$PY" -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(lines) == 2, lines
m = lines[-1]
assert m["pids"] >= 2 and m["workspace_bytes"] >= 0, m
assert m["temp_used_bytes"] >= 3000000, m   # the blob in the private tmpfs
print("monitor ok")' "$T/run/mon.jsonl"
    assert_contains "$OUT" "monitor ok"
    kill -TERM "$BG_PID"
    wait "$BG_PID" 2>/dev/null
    run_capture as_user "$SBX" ps --json
    assert_eq "[]" "$(tr -d ' \n' <<<"$OUT")" "ps after the run"
}

test_run_monitor_summary_lines() {
    run_capture sbx run --monitor=1 -- sleep 2.6
    assert_eq 0 "$RC" "run --monitor"
    local n
    n=$(grep -c 'sandboxctl: monitor: .* up [0-9]* s, cpu .* memory .* process(es), workspace' <<<"$ERR")
    [[ $n -ge 2 ]] || fail "expected 2 or more summary lines, got $n: $ERR"
    assert_status 125 sbx run --monitor=0 -- true
}
