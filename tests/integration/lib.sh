# shellcheck shell=bash
# Helpers for the sandboxctl integration tests.  Sourced by the runner into
# a fresh bash for every (test, user) pair; the test function then runs as
# the runner's user (root when the runner is root), and everything that must
# happen as the test's user goes through `as_user` (or `sbx`, which is
# `as_user` + the sandboxctl binary).
#
# Environment provided by the runner:
#   T          fresh per-test temp dir (mode 755, removed afterwards)
#   TEST_USER  "root", "nobody", or the name of the non-root runner user
#   SBX        absolute path of the sandboxctl binary
#   LIBDIR     this directory
# Set up by lib_setup (called by the runner before the test):
#   $T/run     a scratch dir owned by the test's user (outside WS)
#   WS         $T/ws, a workspace owned by the test's user (cwd of the test)
#   HOME       $T/home, a fake home owned by the test's user (exported)
#   TUID/TGID  uid/gid of the test's user
#   PROBE      text of probe.py, for `/usr/bin/python3 -c "$PROBE" NAME ...`
#   PY         /usr/bin/python3 (never a pyenv shim: invisible inside)

PY=/usr/bin/python3
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PROBE=$(cat "$LIBDIR/probe.py")
BG_PIDS=()
CLEANUPS=()

lib_setup() {
    if [[ $TEST_USER == nobody ]]; then
        TUID=65534 TGID=65534
    else
        TUID=$(id -u) TGID=$(id -g)
    fi
    WS=$T/ws
    mkdir -p "$WS" "$T/home" "$T/run"
    chown "$TUID:$TGID" "$WS" "$T/home" "$T/run" 2>/dev/null
    export HOME=$T/home WS
    export TMPDIR=/tmp
    unset XDG_RUNTIME_DIR SSH_AUTH_SOCK GPG_AGENT_INFO
    cd "$WS" || exit 1
    trap lib_cleanup EXIT
    trap 'echo "killed by a signal (timeout?)"; exit 143' TERM INT HUP
}

lib_cleanup() {
    local c p
    for c in "${CLEANUPS[@]}"; do eval "$c" >/dev/null 2>&1; done
    for p in "${BG_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null; done
}

# on_exit 'shell command'   run at the end of the test, even on failure
on_exit() { CLEANUPS+=("$1"); }

# as_user CMD...   run CMD as the test's user (root, nobody or the runner)
as_user() {
    if [[ $TEST_USER == nobody && $(id -u) == 0 ]]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
    else
        "$@"
    fi
}

# sbx ARGS...   run sandboxctl as the test's user (bounded by a timeout)
sbx() { as_user timeout -k 2 30 "$SBX" "$@"; }

# bg_user CMD...   start CMD in the background as the test's user; its pid
# goes into $BG_PID and is killed at the end of the test.
bg_user() {
    if [[ $TEST_USER == nobody && $(id -u) == 0 ]]; then
        setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" &
    else
        "$@" &
    fi
    BG_PID=$!  # the command's own pid (bash and setpriv exec it)
    BG_PIDS+=("$BG_PID")
}

# user_file PATH [CONTENT] [MODE]   create a file owned by the test's user
user_file() {
    mkdir -p "$(dirname "$1")"
    printf '%s\n' "${2-}" >"$1"
    chmod "${3:-600}" "$1"
    chown "$TUID:$TGID" "$1"
}

# user_dir DIR...   create directories owned by the test's user
user_dir() { mkdir -p "$@" && chown "$TUID:$TGID" "$@" && chmod 755 "$@"; }

# probe NAME ARGS...   run an attack probe as the test's user, unsandboxed
probe() { as_user timeout -k 2 30 "$PY" -c "$PROBE" "$@"; }

# sbx_probe [sandboxctl run options] -- NAME ARGS...   run a probe inside
sbx_probe() {
    local opts=()
    while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
    shift
    sbx run "${opts[@]}" -- "$PY" -c "$PROBE" "$@"
}

# --- results -------------------------------------------------------------

fail() {
    echo "FAIL: $*"
    exit 1
}

skip() {
    echo "$*" >"$SBXIT_SKIPFILE"
    exit 77
}

# run_capture CMD...   run CMD, store stdout in $OUT, stderr in $ERR, exit
# status in $RC; never fails.
run_capture() {
    local o e
    o=$(mktemp "$T/.out.XXXXXX") e=$(mktemp "$T/.err.XXXXXX")
    chmod 666 "$o" "$e"
    "$@" >"$o" 2>"$e"
    RC=$?
    OUT=$(cat "$o") ERR=$(cat "$e")
    rm -f "$o" "$e"
    local shown="$*"
    shown=${shown//"$PROBE"/'$PROBE'}
    echo "\$ ${shown:0:400}"
    echo "  -> exit $RC"
    [[ -n $OUT ]] && sed 's/^/  stdout: /' <<<"$OUT" | head -20
    [[ -n $ERR ]] && sed 's/^/  stderr: /' <<<"$ERR" | head -20
    return 0
}

assert_eq() { # EXPECTED ACTUAL [WHAT]
    [[ $1 == "$2" ]] || fail "${3:-value}: expected '$1', got '$2'"
}

assert_ne() { # UNEXPECTED ACTUAL [WHAT]
    [[ $1 != "$2" ]] || fail "${3:-value}: expected anything but '$1'"
}

assert_contains() { # HAYSTACK NEEDLE [WHAT]
    [[ $1 == *"$2"* ]] || fail "${3:-output}: expected to contain '$2', got: '$1'"
}

assert_not_contains() { # HAYSTACK NEEDLE [WHAT]
    [[ $1 != *"$2"* ]] || fail "${3:-output}: expected NOT to contain '$2', got: '$1'"
}

assert_match() { # STRING ERE [WHAT]
    [[ $1 =~ $2 ]] || fail "${3:-output}: expected to match /$2/, got: '$1'"
}

# assert_succeeds CMD...   CMD must exit 0 (output kept in OUT/ERR/RC)
assert_succeeds() {
    run_capture "$@"
    [[ $RC == 0 ]] || fail "expected success (exit 0) of: $*; got exit $RC"
}

# assert_fails CMD...   CMD must exit non-zero (output kept in OUT/ERR/RC)
assert_fails() {
    run_capture "$@"
    [[ $RC != 0 ]] || fail "expected failure (non-zero exit) of: $*; it succeeded"
}

# assert_status N CMD...
assert_status() {
    local want=$1; shift
    run_capture "$@"
    [[ $RC == "$want" ]] || fail "expected exit $want of: $*; got $RC"
}

# baseline WHAT CMD...   the attack CMD must work unsandboxed, as the test's
# user; otherwise the test is skipped (it would prove nothing).
baseline() {
    local what=$1; shift
    echo "# baseline (unsandboxed): $what"
    run_capture "$@"
    [[ $RC == 0 ]] || skip "unsandboxed attack does not work as $TEST_USER ($what: exit $RC${ERR:+: ${ERR:0:120}}${OUT:+: ${OUT:0:120}})"
}

# sandboxed_fails WHAT CMD...   the attack CMD run inside must fail -- by
# being refused, not because the sandbox (125) or the command (126, 127)
# could not start: those would prove nothing, so they fail the test.
sandboxed_fails() {
    local what=$1; shift
    echo "# sandboxed: $what"
    run_capture "$@"
    [[ $RC != 0 ]] || fail "attack succeeded inside the sandbox: $what"
    case $RC in
    125) fail "sandbox set-up failed (exit 125): the attack was never tried: $what" ;;
    126 | 127) fail "command could not be executed inside (exit $RC): the attack was never tried: $what" ;;
    esac
    [[ $OUT != *PROBE-ERROR* ]] || fail "probe error: $OUT"
}

require_root() { [[ $TEST_USER == root ]] || skip "${1:-needs root}"; }

rand() { printf '%s%04d' "$(date +%s%N | tail -c 7)" $((RANDOM % 10000)); }

# wait_for SECONDS CMD...   poll CMD until it succeeds
wait_for() {
    local end=$((SECONDS + $1)); shift
    until "$@" 2>/dev/null; do
        ((SECONDS >= end)) && return 1
        sleep 0.05
    done
}

# --- policies ------------------------------------------------------------

# System paths a custom policy must list for /usr/bin/python3, sh, git...
SYS_RO='"/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc"'

# write_policy FILE JSON-OBJECT-BODY   (owned by the test's user, 644).
# base_policy FILE [EXTRA-SECTIONS]: a policy that shows the system
# read-only plus EXTRA top-level sections, e.g. '"resources": {"pids": 50}'
write_policy() {
    printf '%s\n' "$2" >"$1"
    chmod 644 "$1"
    chown "$TUID:$TGID" "$1"
}

base_policy() {
    local extra=${2:+,$'\n'$2}
    write_policy "$1" "{
  \"file_system\": {
    \"allowed_paths\": [$SYS_RO],
    \"readonly_paths\": [$SYS_RO],
    \"denied_paths\": [\"/etc/shadow\", \"/etc/gshadow\"]
  }$extra
}"
}

examples_dir() {
    local d=${SANDBOXCTL_EXAMPLES:-$LIBDIR/../../../shared/examples}
    [[ -d $d ]] || return 1
    (cd "$d" && pwd)
}

# host servers --------------------------------------------------------------

# start_tcp_server HOST   as the test's user; port in $PORT
start_tcp_server() {
    local ready=$T/run/tcp.ready.$RANDOM
    bg_user "$PY" -c "$PROBE" tcp_server "$1" "$ready"
    wait_for 5 test -s "$ready" || fail "tcp server did not start"
    PORT=$(cat "$ready")
}

# start_unix_server PATH|@ABSTRACT   as the test's user
start_unix_server() {
    local ready=$T/run/unix.ready.$RANDOM
    bg_user "$PY" -c "$PROBE" unix_server "$1" "$ready"
    wait_for 5 test -s "$ready" || fail "unix server did not start"
}
