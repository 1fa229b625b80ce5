# shellcheck shell=bash
# sandboxctl init: profiles, generated documents, check and run on the
# result, no overwriting, no symlink following, the interactive mode.

# init_pty EXPECT ANSWER ... -- CMD...   run CMD (as the test's user) on a
# fresh pseudo-terminal; wait for each EXPECT text, then type ANSWER and
# Enter. The transcript goes to stdout; the exit status is CMD's.
init_pty() {
    as_user timeout -k 2 40 "$PY" -c '
import os, pty, select, sys, time
args = sys.argv[1:]
sep = args.index("--")
pairs, cmd = args[:sep], args[sep + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
seen = b""
pos = 0
def more(deadline):
    global seen
    r, _, _ = select.select([fd], [], [], max(0, deadline - time.time()))
    if not r:
        return False
    try:
        d = os.read(fd, 4096)
    except OSError:
        d = b""
    seen += d
    return bool(d)
for i in range(0, len(pairs), 2):
    want = pairs[i].encode()
    deadline = time.time() + 15
    while seen.find(want, pos) < 0:
        if not more(deadline):
            sys.stdout.write(seen.decode(errors="replace"))
            sys.exit("init_pty: no %r in the output" % pairs[i])
    pos = seen.find(want, pos) + len(want)
    os.write(fd, pairs[i + 1].encode() + b"\r")
deadline = time.time() + 20
while more(deadline):
    pass
sys.stdout.write(seen.decode(errors="replace"))
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st))
' "$@"
}

POL=sandbox-security/policies
DOCS=sandbox-security/docs

# The risk-matrix row of THREAT in a THREAT-ASSESSMENT.md
matrix_row() { grep -m1 "^| $2 |" "$1"; }

# check exits 0 (fully enforced) or 2 (valid, gaps listed), never 1
check_ok() {
    run_capture sbx check --policy "$1"
    [[ $RC == 0 || $RC == 2 ]] || fail "check --policy $1 exited $RC (expected 0 or 2)"
}

test_init_agent_default() {
    user_file "$WS/.env" "SBX-DOTENV-SECRET" 644
    # stdin is not a terminal here: no questions, the agent profile
    assert_succeeds sbx init
    assert_contains "$OUT" "profile agent"
    local f
    for f in $POL/file-system-policy.json $POL/network-policy.json $POL/resource-policy.json \
        $DOCS/REQUIREMENTS.md $DOCS/THREAT-ASSESSMENT.md; do
        [[ -f $WS/$f && ! -L $WS/$f ]] || fail "$f not written"
        assert_eq "$TUID" "$(stat -c %u "$WS/$f")" "owner of $f"
    done
    [[ -d $WS/sandbox-security/tests ]] || fail "sandbox-security/tests not created"
    # portable: ${WORKSPACE} and ~, not this machine's paths
    assert_eq '${WORKSPACE}' "$(jq -r .file_system.workspace.path "$WS/$POL/file-system-policy.json")"
    assert_not_contains "$(cat "$WS"/$POL/*.json)" "$WS"
    assert_not_contains "$(cat "$WS"/$POL/*.json)" "$HOME"
    jq -e '.file_system.denied_paths | index("~/.ssh") and index("${WORKSPACE}/.env")' \
        "$WS/$POL/file-system-policy.json" >/dev/null || fail "secrets not denied"
    jq -e '.network.mode == "filtered" and (.network.trusted_domains | index("*.anthropic.com")
        and index("pypi.org") and index("*.npmjs.org") and index("github.com"))' \
        "$WS/$POL/network-policy.json" >/dev/null || fail "agent trusted domains missing"
    assert_eq 4096 "$(jq .resources.memory_mb "$WS/$POL/resource-policy.json")" "memory_mb"
    # the documents describe this policy for this workspace
    local req threat
    req=$(cat "$WS/$DOCS/REQUIREMENTS.md") threat=$(cat "$WS/$DOCS/THREAT-ASSESSMENT.md")
    assert_contains "$req" "Read-write: \`$WS\`"
    assert_contains "$req" "\`$WS/.env\`"
    assert_contains "$req" "| memory_mb | 4096 MiB |"
    assert_contains "$req" "\`*.anthropic.com\`"
    local t
    for t in "File Escape" "Network Intrusion" "Resource Exhaustion" "Data Exfiltration" "Privilege Escalation"; do
        matrix_row "$WS/$DOCS/THREAT-ASSESSMENT.md" "$t" >/dev/null || fail "no risk-matrix row for $t"
    done
    # 12 trusted names with wildcards: not Low
    assert_match "$(matrix_row "$WS/$DOCS/THREAT-ASSESSMENT.md" "Network Intrusion")" \
        '^\| Network Intrusion \| Medium \| High \| Medium \| P1 \|$'
    assert_contains "$threat" "network.trusted_domains: 12 names"
    # check accepts it; run runs with it and the workspace .env stays hidden
    check_ok "$POL"
    assert_succeeds sbx run --policy "$POL" -- sh -c 'echo inside-ok; cat .env; touch made-inside'
    assert_contains "$OUT" "inside-ok"
    assert_not_contains "$OUT" "SBX-DOTENV-SECRET"
    [[ -e $WS/made-inside ]] || fail "the workspace is not writable with the generated policy"
}

test_init_profiles() {
    local prof d
    for prof in strict web-dev offline; do
        d=$WS/p-$prof
        assert_succeeds sbx init --profile "$prof" "$d"
        assert_contains "$OUT" "profile $prof"
        check_ok "$d/$POL"
        run_capture sbx run --policy "$d/$POL" -- sh -c 'echo ran-$((40+2))'
        if [[ $prof == strict && $RC == 125 ]]; then
            # fail closed: only where init said run would refuse here
            assert_contains "$ERR" "strict_mode"
            assert_contains "$(sbx init --force --profile strict "$d" 2>&1)" "will refuse"
        else
            assert_eq 0 "$RC" "run with the $prof policy"
            assert_contains "$OUT" "ran-42"
        fi
    done
    assert_eq none "$(jq -r .network.mode "$WS/p-strict/$POL/network-policy.json")"
    assert_eq true "$(jq -r .enforcement.strict_mode "$WS/p-strict/$POL/file-system-policy.json")"
    assert_eq 1024 "$(jq .resources.memory_mb "$WS/p-strict/$POL/resource-policy.json")"
    assert_eq false "$(jq -r .enforcement.strict_mode "$WS/p-offline/$POL/file-system-policy.json")"
    assert_eq none "$(jq -r .network.mode "$WS/p-offline/$POL/network-policy.json")"
    assert_eq "[3000,5173,8000,8080]" \
        "$(jq -c .network.allowed_ports.inbound "$WS/p-web-dev/$POL/network-policy.json")"
    # no network: Network Intrusion is Low; web-dev publishes ports: not Low
    assert_match "$(matrix_row "$WS/p-strict/$DOCS/THREAT-ASSESSMENT.md" "Network Intrusion")" \
        '^\| Network Intrusion \| Low \| High \| Low \| P2 \|$'
    assert_match "$(matrix_row "$WS/p-offline/$DOCS/THREAT-ASSESSMENT.md" "Data Exfiltration")" \
        '^\| Data Exfiltration \| Low \| Critical \| Medium \| P1 \|$'
    assert_contains "$(cat "$WS/p-web-dev/$DOCS/THREAT-ASSESSMENT.md")" "allowed_ports.inbound"
    assert_match "$(matrix_row "$WS/p-web-dev/$DOCS/THREAT-ASSESSMENT.md" "Network Intrusion")" \
        '\| Medium \| High \| Medium \| P1 \|$'
    # strict bounds CPU time: that reason is gone
    assert_not_contains "$(cat "$WS/p-strict/$DOCS/THREAT-ASSESSMENT.md")" "burns CPU"
}

test_init_docs_follow_host() {
    # The resource layer in the documents is the one check reports here
    # (cgroup as root, RLIMIT_AS without a cgroup).
    assert_succeeds sbx init --profile offline
    run_capture sbx check --json --policy "$POL"
    local layer
    layer=$(jq -r '.controls[] | select(.item | startswith("memory ")) | .layer' <<<"$OUT")
    [[ -n $layer ]] || fail "check lists no memory control"
    assert_contains "$(cat "$WS/$DOCS/REQUIREMENTS.md")" "| memory_mb | 4096 MiB | $layer |"
    assert_contains "$(cat "$WS/$DOCS/THREAT-ASSESSMENT.md")" "resources.memory_mb 4096"
    if [[ $layer == RLIMIT_AS ]]; then
        assert_contains "$(cat "$WS/$DOCS/THREAT-ASSESSMENT.md")" "only RLIMIT_AS here"
    else
        assert_contains "$(cat "$WS/$DOCS/THREAT-ASSESSMENT.md")" "resources.memory_mb 4096: $layer"
    fi
}

test_init_refuses_overwrite() {
    assert_succeeds sbx init --profile offline
    printf 'MY-EDITS\n' >"$WS/$DOCS/REQUIREMENTS.md"
    rm "$WS/$DOCS/THREAT-ASSESSMENT.md"
    assert_status 1 sbx init --profile strict
    assert_contains "$ERR" "sandboxctl: init: sandbox-security/policies/file-system-policy.json: already exists"
    assert_contains "$ERR" "REQUIREMENTS.md: already exists"
    assert_contains "$ERR" "--force"
    assert_contains "$ERR" "nothing written"
    # nothing written: not even the file that was missing
    [[ ! -e $WS/$DOCS/THREAT-ASSESSMENT.md ]] || fail "a file was written although init refused"
    assert_eq "MY-EDITS" "$(cat "$WS/$DOCS/REQUIREMENTS.md")"
    assert_eq none "$(jq -r .network.mode "$WS/$POL/network-policy.json")"
    assert_eq false "$(jq -r .enforcement.strict_mode "$WS/$POL/file-system-policy.json")"
    # --force replaces them all
    assert_succeeds sbx init --force --profile strict
    assert_contains "$OUT" "replaced sandbox-security/docs/REQUIREMENTS.md"
    assert_contains "$OUT" "created  sandbox-security/docs/THREAT-ASSESSMENT.md"
    assert_not_contains "$(cat "$WS/$DOCS/REQUIREMENTS.md")" "MY-EDITS"
    assert_eq true "$(jq -r .enforcement.strict_mode "$WS/$POL/file-system-policy.json")"
    [[ -z $(find "$WS/sandbox-security" -name '.*.tmp') ]] || fail "temporary files left behind"
}

test_init_symlinks_not_followed() {
    user_file "$T/run/victim" "VICTIM" 644
    user_dir "$WS/sandbox-security" "$WS/sandbox-security/docs"
    as_user ln -s "$T/run/victim" "$WS/$DOCS/REQUIREMENTS.md"
    assert_status 1 sbx init
    assert_contains "$ERR" "REQUIREMENTS.md: already exists"
    [[ ! -e $WS/$POL ]] || fail "policies written although init refused"
    # --force replaces the link itself; its target is never opened
    assert_succeeds sbx init --force
    assert_eq "VICTIM" "$(cat "$T/run/victim")" "symlink target"
    [[ -f $WS/$DOCS/REQUIREMENTS.md && ! -L $WS/$DOCS/REQUIREMENTS.md ]] ||
        fail "REQUIREMENTS.md is still a symlink"
    # a planted directory symlink is refused, even with --force
    user_dir "$T/run/elsewhere"
    rm -rf "$WS/$POL"
    as_user ln -s "$T/run/elsewhere" "$WS/$POL"
    assert_status 1 sbx init --force
    assert_contains "$ERR" "sandbox-security/policies: is a symlink or not a directory"
    [[ -z $(ls -A "$T/run/elsewhere") ]] || fail "files written through a directory symlink"
}

test_init_interactive() {
    # On a terminal without --profile: questions with defaults in brackets;
    # an invalid answer is asked again.
    assert_succeeds init_pty \
        "Profile (agent, strict, web-dev or offline) [agent]: " "bogus" \
        "try again" "offline" \
        "[\${WORKSPACE}]: " "" \
        "Memory limit in MiB (0: none) [4096]: " "lots" \
        "try again" "1536" \
        "Process limit (0: none) [1024]: " "" \
        -- "$SBX" init "$WS/i1"
    assert_contains "$OUT" 'no profile "bogus"'
    assert_contains "$OUT" "profile offline"
    assert_eq 1536 "$(jq .resources.memory_mb "$WS/i1/$POL/resource-policy.json")"
    assert_eq 1024 "$(jq .resources.pids "$WS/i1/$POL/resource-policy.json")"
    assert_eq none "$(jq -r .network.mode "$WS/i1/$POL/network-policy.json")"
    assert_contains "$(cat "$WS/i1/$DOCS/REQUIREMENTS.md")" "| memory_mb | 1536 MiB |"
    # a networked profile asks for domains; the answer lands in the policy
    assert_succeeds init_pty \
        "[agent]: " "web-dev" \
        "[\${WORKSPACE}]: " "" \
        "Trusted domains to add" "api.example.com, *.internal.example" \
        "[8192]: " "" \
        "[2048]: " "300" \
        -- "$SBX" init "$WS/i2"
    jq -e '.network.trusted_domains | index("api.example.com") and index("*.internal.example")' \
        "$WS/i2/$POL/network-policy.json" >/dev/null || fail "added domains missing"
    assert_eq 300 "$(jq .resources.pids "$WS/i2/$POL/resource-policy.json")"
    check_ok "$WS/i2/$POL"
    # --profile (or --yes) on a terminal: no questions
    assert_succeeds init_pty -- "$SBX" init --profile strict "$WS/i3"
    assert_not_contains "$OUT" "Profile ("
    assert_succeeds init_pty -- "$SBX" init --yes "$WS/i4"
    assert_not_contains "$OUT" "Profile ("
    assert_contains "$OUT" "profile agent"
    # end of input (Ctrl-D) aborts and writes nothing
    assert_status 1 init_pty "[agent]: " $'\x04' -- "$SBX" init "$WS/i5"
    assert_contains "$OUT" "no answer (end of input); nothing written"
    [[ ! -e $WS/i5 ]] || fail "an aborted init created $WS/i5"
}

test_init_usage() {
    assert_succeeds sbx init --help
    local help=$OUT opt part
    assert_contains "$help" "Usage: sandboxctl init [OPTIONS] [DIR]"
    part=$LIBDIR/../../doc/init.scd.part
    if [[ -r $part ]]; then
        # every option of --help is in the manual text, and the profiles too
        for opt in --profile --workspace --yes --force --help agent strict web-dev offline; do
            assert_contains "$help" "$opt"
            grep -q -- "$opt" "$part" || fail "$opt in --help but not in doc/init.scd.part"
        done
    fi
    assert_status 1 sbx init --profile nope
    assert_contains "$ERR" "sandboxctl: init: --profile nope: no such profile; expected agent, strict, web-dev or offline"
    assert_status 1 sbx init --bogus
    assert_contains "$ERR" "sandboxctl: init: unknown option --bogus"
    assert_status 1 sbx init a b
    assert_contains "$ERR" "one DIR at most"
    assert_status 1 sbx init --profile
    assert_contains "$ERR" "needs a value"
    [[ ! -e $WS/sandbox-security ]] || fail "a usage error wrote files"
}
