# shellcheck shell=bash
# sandboxctl test and report: the probe suite on real sandboxes, its output
# formats, the results log, and the summary rendered in headless Chromium.

# The self-test runs a copy of sandboxctl inside a memory-limited sandbox
# (RLIMIT_AS without a cgroup), where an ASan binary cannot even start:
# tests/run-all runs this file against the plain build only.
asan_guard() {
    [[ ${SANDBOXCTL_ASAN:-0} == 1 ]] &&
        skip "sandboxctl test re-runs the binary under RLIMIT_AS; an ASan build cannot start there"
    return 0
}

# st_json FILTER-PY   evaluate python over the JSON array in $OUT (as `r`)
st_py() { "$PY" -c "$1" "${@:2}"; }

# status_of NAME   the status of probe NAME in the JSON array $OUT
status_of() {
    st_py 'import json,sys; r={p["name"]: p for p in json.loads(sys.argv[1])}; print(r[sys.argv[2]]["status"])' "$OUT" "$1"
}

detail_of() {
    st_py 'import json,sys; r={p["name"]: p for p in json.loads(sys.argv[1])}; print(r[sys.argv[2]]["detail"])' "$OUT" "$1"
}

# Probes that hold under the default policy on every host that can run
# the namespace mode (the rest may be skipped with a reason).
MUST_PASS="shadow-unreadable ssh-keys-unreadable workspace-writable temp-writable
persistence-paths-protected blocked-domain-unreachable host-loopback-tcp-unreachable
host-unix-socket-unreachable abstract-unix-socket-unreachable metadata-ip-unreachable
blocked-name-dns-fails host-processes-invisible host-signal-refused tiocsti-refused
tiocsti-high-bits-refused nested-userns-refused mount-refused keyctl-refused bpf-refused
io-uring-refused perf-event-open-refused userfaultfd-refused leftover-daemon-gone
fork-bomb-bounded file-size-limit temp-full open-files-limit memory-limit
audit-log-hidden audit-run-recorded sandbox-listed"

assert_all_pass() {
    local p s
    for p in $MUST_PASS; do
        s=$(status_of "$p") || fail "probe $p missing from the JSON output"
        [[ $s == PASS ]] || fail "$p: expected PASS, got $s: $(detail_of "$p")"
    done
    st_py 'import json,sys
r = json.loads(sys.argv[1])
bad = [p for p in r if p["status"] not in ("PASS", "SKIP") or not p["detail"]
       or set(p) != {"name", "control", "status", "detail", "duration_ms"}]
assert not bad, bad' "$OUT" || fail "malformed or failing probes"
}

no_leftovers() {
    local left
    left=$(find "$WS" -maxdepth 1 -name '.sandboxctl-test-*' -o -maxdepth 1 -name .git)
    [[ -z $left ]] || fail "left in the workspace: $left"
    pgrep -f sbxvictim >/dev/null && fail "victim process left running"
    return 0
}

test_selftest_default_policy() {
    asan_guard
    assert_status 0 sbx test --format json
    assert_all_pass
    assert_eq SKIP "$(status_of trusted-domain-reachable)" "trusted-domain-reachable"
    # A progress line per probe on stderr (not a terminal here).
    assert_match "$ERR" "\[1/[0-9]+\] shadow-unreadable"
    assert_contains "$ERR" "leftover-daemon-gone"
    no_leftovers
}

# strict_refuses [OPTIONS]   `run` would refuse the strict profile here
# (strict_mode and a gap, e.g. no cgroup for the memory limit as nobody)
strict_refuses() {
    run_capture sbx check --policy sandbox-security/policies "$@"
    [[ $OUT == *"strict_mode: run will refuse"* ]]
}

# relax_strict   the strict profile without strict_mode (a copy of the
# user's choice to accept this host's gaps)
relax_strict() {
    sed -i 's/"strict_mode": true/"strict_mode": false/' \
        "$WS/sandbox-security/policies/file-system-policy.json"
    grep -q '"strict_mode": false' "$WS/sandbox-security/policies/file-system-policy.json" ||
        fail "could not turn strict_mode off"
}

test_selftest_strict_profile_tap_and_log() {
    asan_guard
    assert_succeeds sbx init --profile strict .
    if strict_refuses; then
        # Fail closed, as run does: nothing can be probed.
        assert_status 125 sbx test --policy sandbox-security/policies --format tap
        assert_contains "$ERR" "strict_mode"
        [[ ! -e $WS/sandbox-security/tests/test-results.log ]] || fail "a log line for a refused run"
        relax_strict
    fi
    local log=$WS/sandbox-security/tests/test-results.log
    assert_status 0 sbx test --policy sandbox-security/policies --format tap
    # TAP 13: a plan, then one line per probe.
    st_py 'import re,sys
lines = sys.argv[1].splitlines()
assert lines[0] == "TAP version 13", lines[0]
n = int(re.fullmatch(r"1\.\.(\d+)", lines[1]).group(1))
tests = [l for l in lines[2:] if re.match(r"(not )?ok \d+ - ", l)]
assert len(tests) == n, (len(tests), n)
for i, l in enumerate(tests, 1):
    m = re.fullmatch(r"(not )?ok (\d+) - ([a-z0-9-]+)( # SKIP .+)?", l)
    assert m and int(m.group(2)) == i, l
    assert not m.group(1), "failed: " + l
other = [l for l in lines[2:] if l not in tests and not l.startswith("  ")]
assert not other, other' "$OUT" || fail "TAP output does not parse"
    assert_contains "$OUT" "ok 1 - shadow-unreadable"
    [[ -s $log ]] || fail "no results log at $log"
    assert_eq 1 "$(wc -l <"$log")" "results log lines"
    assert_succeeds sbx test --policy sandbox-security/policies --format json -q
    assert_eq 2 "$(wc -l <"$log")" "results log lines after a second run"
    assert_all_pass
    st_py 'import json,sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["result"] == 0 and e["failed"] == 0, e
    assert e["passed"] + e["skipped"] == e["total"] == len(e["probes"])
    assert len(e["policy_digest"]) == 64 and "T" in e["timestamp"]
    assert e["host"]["mode"] == "namespaces"' "$log" || fail "results log lines"
    no_leftovers
}

# A policy that denies a secret in the workspace: with --no-namespaces the
# mask cannot be enforced, and the probes must say so.
test_selftest_weakened_policy_fails() {
    asan_guard
    user_file "$WS/secret.txt" "SBX-SELFTEST-SECRET"
    write_policy "$T/run/weak.json" "{
  \"file_system\": {
    \"allowed_paths\": [$SYS_RO],
    \"readonly_paths\": [$SYS_RO],
    \"denied_paths\": [\"/etc/shadow\", \"$WS/secret.txt\", \"~/.ssh/**\"]
  }
}"
    # Enforced with namespaces: the same probes pass.
    assert_status 0 sbx test --policy "$T/run/weak.json" --format json -q
    assert_eq PASS "$(status_of denied-paths-unreadable)" "denied-paths-unreadable (namespaces)"
    assert_contains "$(detail_of denied-paths-unreadable)" "$WS/secret.txt"
    local res=$T/run/results.log
    user_file "$res" ""
    : >"$res"
    assert_status 1 sbx test --policy "$T/run/weak.json" --no-namespaces --format junit \
        --results "$res"
    # JUnit XML, read by a real XML parser.
    st_py 'import sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.argv[1])
suite = root.find("testsuite")
cases = {c.get("name"): c for c in suite.iter("testcase")}
assert int(suite.get("tests")) == len(cases)
assert int(suite.get("failures")) == sum(1 for c in cases.values() if c.find("failure") is not None)
f = cases["denied-paths-unreadable"].find("failure")
assert f is not None and "secret.txt" in f.get("message"), f
assert cases["ssh-keys-unreadable"].find("failure") is not None
assert cases["trusted-domain-reachable"].find("skipped") is not None
assert cases["keyctl-refused"].find("failure") is None' "$OUT" || fail "JUnit output"
    st_py 'import json,sys
e = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert e["result"] == 1 and e["host"]["mode"] == "landlock-only", e
assert any(p["name"] == "denied-paths-unreadable" and p["status"] == "FAIL" for p in e["probes"])' "$res" || fail "results log of the failing run"
    no_leftovers
}

test_selftest_shadow_visible_fails() {
    asan_guard
    require_root "as non-root /etc/shadow is unreadable whatever the policy says"
    write_policy "$T/run/noshadow.json" "{
  \"file_system\": {\"allowed_paths\": [$SYS_RO], \"readonly_paths\": [$SYS_RO]}
}"
    assert_status 1 sbx test --policy "$T/run/noshadow.json" --format json -q
    assert_eq FAIL "$(status_of shadow-unreadable)" "shadow-unreadable with /etc unmasked"
    assert_eq PASS "$(status_of keyctl-refused)" "keyctl-refused"
}

test_selftest_trusted_and_blocked_domains() {
    asan_guard
    write_policy "$T/run/net.json" '{
  "network": {"trusted_domains": ["api.anthropic.com"],
              "blocked_domains": ["*.example-malicious.com"]}
}'
    assert_status 0 sbx test --policy "$T/run/net.json" --format json -q
    assert_eq SKIP "$(status_of trusted-domain-reachable)"
    assert_eq "not probed yet: this needs a loopback server pinned through the filtering proxy" \
        "$(detail_of trusted-domain-reachable)"
    assert_eq PASS "$(status_of blocked-domain-unreachable)"
    assert_contains "$(detail_of blocked-domain-unreachable)" "probe.example-malicious.com"
    assert_eq PASS "$(status_of blocked-name-dns-fails)"
}

test_selftest_usage() {
    asan_guard
    assert_status 2 sbx test --format xml
    assert_status 2 sbx test extra-operand
    assert_status 2 sbx report --format pdf
    assert_status 0 sbx test --help
    assert_contains "$OUT" "--format"
}

# render HTML   the DOM as headless Chromium builds it, in $DOM
render() {
    command -v chromium >/dev/null || fail "chromium is not installed (scripts/install-deps)"
    local prof
    prof=$(mktemp -d "$T/chromium.XXXXXX")
    DOM=$(timeout 50 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --dump-dom "file://$1" 2>/dev/null)
    [[ -n $DOM ]] || fail "chromium rendered nothing for $1"
    timeout 50 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$prof" --window-size=1200,1600 --screenshot="$T/run/shot.png" \
        "file://$1" >/dev/null 2>&1
    [[ -s $T/run/shot.png ]] || fail "no screenshot"
}

# The statuses the rendered page must show, computed here independently from
# the results log and `check --json`, compared with the DOM.
compare_dom() { # LOG CHECK-JSON
    st_py '
import json, sys
from html.parser import HTMLParser
log, chk, dom = sys.argv[1:4]
entry = json.loads(open(log).read().splitlines()[-1])
controls = json.loads(chk)["controls"]
areas = {"File Isolation": ["file_system"], "Network Isolation": ["network"],
         "Process Isolation": ["process", "environment"],
         "Resource Limits": ["resources"], "Audit Logging": ["audit"], "Monitoring": []}
want = {}
for name, ar in areas.items():
    ps = [p for p in entry["probes"] if p["control"] == name]
    passed = sum(p["status"] == "PASS" for p in ps)
    failed = sum(p["status"] == "FAIL" for p in ps)
    gaps = [c for c in controls if c["area"] in ar and c["state"] in ("PARTIAL", "NOT ENFORCED")]
    if failed:
        want[name] = "Partial" if passed else "Inactive"
    elif not passed:
        want[name] = "Not tested"
    else:
        want[name] = "Partial" if gaps else "Active"

class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.row = None; self.cell = None; self.got = {}; self.svg = False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-control" in a: self.row = a["data-control"]
        if tag == "td" and self.row and "status" in (a.get("class") or "").split():
            self.cell = self.row; self.got[self.row] = ""
        if tag == "svg" and a.get("id") == "posture-chart": self.svg = True
    def handle_endtag(self, tag):
        if tag == "td": self.cell = None
        if tag == "tr": self.row = None
    def handle_data(self, d):
        if self.cell: self.got[self.cell] += d
p = P(); p.feed(dom)
got = {k: v.strip() for k, v in p.got.items()}
assert p.svg, "no posture chart in the DOM"
assert got == want, ("rendered", got, "expected", want)
assert entry["policy_digest"] in dom, "policy digest not shown"
print(json.dumps(got))
' "$1" "$2" "$DOM"
}

test_selftest_report_chromium() {
    asan_guard
    assert_succeeds sbx init --profile strict .
    strict_refuses && relax_strict
    assert_succeeds sbx test --policy sandbox-security/policies -q
    assert_succeeds sbx report
    local html=$WS/sandbox-security/docs/SECURITY-SUMMARY.html
    local md=$WS/sandbox-security/docs/SECURITY-SUMMARY.md
    [[ -s $html && -s $md ]] || fail "report files missing"
    # Self-contained: no scripts, no links, nothing fetched (the only URL is
    # the SVG namespace name).
    local page stripped
    page=$(cat "$html")
    stripped=${page//'xmlns="http://www.w3.org/2000/svg"'/}
    for bad in "http:" "https:" "<script" "<link" "url(" "@import"; do
        assert_not_contains "$stripped" "$bad" "external resources in the page"
    done
    run_capture sbx check --json --policy sandbox-security/policies
    local chk=$OUT
    render "$html"
    local got
    got=$(compare_dom "$WS/sandbox-security/tests/test-results.log" "$chk" 2>&1) ||
        fail "rendered statuses differ from the results: $got"
    echo "rendered: $got"
    assert_contains "$got" '"File Isolation": "Active"'
    assert_contains "$DOM" "Landlock ABI"
    assert_contains "$(cat "$md")" "| File Isolation | ✓ Active |"

    # A weakened run: File Isolation must no longer render as Active.
    strict_refuses --no-namespaces && relax_strict
    assert_status 1 sbx test --policy sandbox-security/policies --no-namespaces -q
    assert_succeeds sbx report --format html
    run_capture sbx check --json --no-namespaces --policy sandbox-security/policies
    chk=$OUT
    render "$html"
    got=$(compare_dom "$WS/sandbox-security/tests/test-results.log" "$chk" 2>&1) ||
        fail "rendered statuses differ from the results (weakened run): $got"
    echo "rendered: $got"
    assert_not_contains "$got" '"File Isolation": "Active"'
    assert_match "$got" '"File Isolation": "(Partial|Inactive)"'
}

test_selftest_report_without_results() {
    asan_guard
    assert_succeeds sbx report --format md --output "$T/run/s.md"
    chown "$TUID:$TGID" "$T/run" 2>/dev/null
    assert_contains "$(cat "$T/run/s.md")" "| File Isolation | – Not tested |"
    assert_contains "$(cat "$T/run/s.md")" "No \`sandboxctl test\` results"
}
