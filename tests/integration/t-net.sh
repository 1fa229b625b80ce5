# shellcheck shell=bash
# Network: only loopback addresses are ever used.

test_host_loopback_tcp() {
    start_tcp_server 127.0.0.1
    baseline "connect 127.0.0.1:$PORT" probe tcp_connect 127.0.0.1 "$PORT"
    assert_contains "$OUT" "hello-from-host"
    sandboxed_fails "connect 127.0.0.1:$PORT" sbx_probe -- tcp_connect 127.0.0.1 "$PORT"
    assert_not_contains "$OUT" "hello-from-host"
    if command -v curl >/dev/null; then
        sandboxed_fails "curl 127.0.0.1:$PORT" sbx run -- curl -sS -m 3 "http://127.0.0.1:$PORT/"
    fi
}

test_host_loopback_tcp6() {
    python_has_ipv6() { as_user "$PY" -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0))'; }
    python_has_ipv6 2>/dev/null || skip "no ::1 on the host"
    start_tcp_server ::1
    baseline "connect [::1]:$PORT" probe tcp_connect ::1 "$PORT"
    sandboxed_fails "connect [::1]:$PORT" sbx_probe -- tcp_connect ::1 "$PORT"
    assert_not_contains "$OUT" "hello-from-host"
}

test_loopback_inside_works() {
    # The sandbox has its own loopback: a server and a client inside talk.
    local ready=$WS/ready
    assert_succeeds sbx run -- sh -c "
        $PY -c \"\$0\" tcp_server 127.0.0.1 '$ready' & s=\$!
        i=0; while [ ! -s '$ready' ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i+1)); done
        $PY -c \"\$0\" tcp_connect 127.0.0.1 \$(cat '$ready'); r=\$?
        kill \$s; exit \$r" "$PROBE"
    assert_contains "$OUT" "hello-from-host"
}

test_host_unix_socket() {
    local sock=$T/run/host.sock
    start_unix_server "$sock"
    baseline "connect $sock" probe unix_connect "$sock"
    assert_contains "$OUT" "hello-from-host"
    sandboxed_fails "connect $sock" sbx_probe -- unix_connect "$sock"
    assert_not_contains "$OUT" "hello-from-host"
}

test_host_unix_socket_in_home() {
    user_dir "$HOME/.gnupg"
    chmod 700 "$HOME/.gnupg"
    local sock=$HOME/.gnupg/S.gpg-agent
    start_unix_server "$sock"
    baseline "connect ~/.gnupg/S.gpg-agent" probe unix_connect "$sock"
    sandboxed_fails "connect ~/.gnupg/S.gpg-agent" sbx_probe -- unix_connect "$sock"
    assert_not_contains "$OUT" "hello-from-host"
}

test_host_abstract_unix_socket() {
    local name=@sbx-test-$(rand)
    start_unix_server "$name"
    baseline "connect abstract $name" probe unix_connect "$name"
    assert_contains "$OUT" "hello-from-host"
    sandboxed_fails "connect abstract $name" sbx_probe -- unix_connect "$name"
    assert_not_contains "$OUT" "hello-from-host"
}

test_only_loopback_interface() {
    assert_succeeds sbx run -- cat /proc/net/dev
    local ifs
    ifs=$(awk -F: 'NR > 2 {gsub(/ /, "", $1); print $1}' <<<"$OUT" | sort | tr '\n' ' ')
    assert_eq "lo " "$ifs" "network interfaces inside"
}

test_host_loopback_udp() {
    local ready=$T/run/udp.ready
    bg_user "$PY" -c "$PROBE" udp_server 127.0.0.1 "$ready"
    wait_for 5 test -s "$ready" || fail "udp server did not start"
    PORT=$(cat "$ready")
    baseline "udp 127.0.0.1:$PORT" probe udp_send 127.0.0.1 "$PORT"
    assert_contains "$OUT" "hello-from-host-udp"
    sandboxed_fails "udp 127.0.0.1:$PORT" sbx_probe -- udp_send 127.0.0.1 "$PORT"
    assert_not_contains "$OUT" "hello-from-host"
}

test_packet_socket() {
    baseline "socket(AF_PACKET, SOCK_RAW)" probe packet_socket
    sandboxed_fails "socket(AF_PACKET, SOCK_RAW)" sbx_probe -- packet_socket
}

test_raw_socket() {
    baseline "socket(AF_INET, SOCK_RAW)" probe raw_socket
    sandboxed_fails "socket(AF_INET, SOCK_RAW)" sbx_probe -- raw_socket
}

test_inside_listener_unreachable() {
    # A server inside the sandbox on 127.0.0.1 is not reachable from the host.
    local ready=$WS/ready
    bg_user "$SBX" run -- "$PY" -c "$PROBE" tcp_server 127.0.0.1 "$ready"
    wait_for 10 test -s "$ready" || fail "server inside did not start"
    PORT=$(cat "$ready")
    # (baseline: a host server on a port is reachable -- shown by the
    # other tests; here the attack is from the host inwards)
    sandboxed_fails "connect from the host to 127.0.0.1:$PORT inside" probe tcp_connect 127.0.0.1 "$PORT"
    assert_not_contains "$OUT" "hello-from-host"
}
