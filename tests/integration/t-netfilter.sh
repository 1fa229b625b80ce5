# shellcheck shell=bash
# The filtering network's proxy path: trusted names reachable through the
# HTTP and SOCKS5 proxies inside the sandbox, everything else refused with
# a reason. Servers run on the host's loopback; names are pinned there
# with network.hosts (nothing leaves this machine).

# start_http_server   a real HTTP server (python3 http.server) on 127.0.0.1
start_http_server() {
    local ready=$T/run/http.ready.$RANDOM
    user_dir "$T/run/www"
    user_file "$T/run/www/hello.txt" "hello-from-host-http" 644
    bg_user "$PY" -c '
import http.server, os, sys, functools
os.chdir(sys.argv[1])
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), h)
open(sys.argv[2] + ".tmp", "w").write(str(s.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
s.serve_forever()' "$T/run/www" "$ready"
    wait_for 5 test -s "$ready" || fail "http server did not start"
    PORT=$(cat "$ready")
}

net_policy() { # extra JSON members of "network"
    write_policy "$T/run/net.json" "{
  \"network\": {
    \"trusted_domains\": [\"example.test\", \"*.good.test\", \"localhost\"],
    \"blocked_domains\": [\"bad.good.test\"],
    \"hosts\": {\"example.test\": \"127.0.0.1\", \"api.good.test\": \"127.0.0.1\",
              \"bad.good.test\": \"127.0.0.1\", \"other.test\": \"127.0.0.1\"},
    \"allowed_ports\": {\"outbound\": [$PORT]}
    $1
  }
}"
}

test_proxy_reaches_trusted_names_only() {
    start_http_server
    baseline "fetch from the host's loopback" as_user curl -sf "http://127.0.0.1:$PORT/hello.txt"
    net_policy ""
    # Through the HTTP proxy (absolute-form), through CONNECT, through SOCKS5.
    run_capture sbx run --policy "$T/run/net.json" -- sh -c "
        curl -sf http://example.test:$PORT/hello.txt; echo
        curl -sf -p http://api.good.test:$PORT/hello.txt; echo
        curl -sf --proxy socks5h://127.0.0.1:1080 http://example.test:$PORT/hello.txt; echo"
    assert_eq 0 "$RC" "proxied fetches"
    assert_eq 3 "$(grep -c hello-from-host-http <<<"$OUT")" "three fetches through the proxies"
    # Refused: blocked beats trusted, unlisted, an IP literal, a port not
    # allowed, a trusted name that resolves to loopback without a pin.
    run_capture sbx run --policy "$T/run/net.json" -- sh -c "
        for u in http://bad.good.test:$PORT/ http://other.test:$PORT/ http://127.0.0.1:$PORT/ \
                 http://example.test:1/ http://localhost:$PORT/; do
            curl -s -o /dev/null -w '%{http_code} ' -x http://127.0.0.1:3128 --noproxy '' \"\$u\"
        done
        curl -s http://bad.good.test:$PORT/hello.txt"
    assert_eq "403 403 403 403 403 " "$(head -c 20 <<<"$OUT")" "refusals"
    assert_contains "$OUT" "denied by the sandbox policy (blocked_domains: bad.good.test)"
    assert_not_contains "$OUT" "hello-from-host-http"
    assert_contains "$ERR" "network: denied other.test"
    # A program that ignores proxy variables has no network at all.
    sandboxed_fails "direct connect" sbx run --policy "$T/run/net.json" -- \
        curl -sf --noproxy '*' "http://127.0.0.1:$PORT/hello.txt"
    # Every decision is in the audit trail.
    run_capture as_user "$SBX" audit --event net --json
    assert_contains "$OUT" '"event":"net.allow","domain":"example.test"'
    assert_contains "$OUT" '"event":"net.deny","domain":"bad.good.test"'
    assert_contains "$OUT" '"rule":"an IP address not in trusted_domains"'
}

test_proxy_rate_limit_and_fronting() {
    start_http_server
    net_policy ", \"rate_limiting\": {\"enabled\": true, \"requests_per_minute\": 60, \"burst\": 3}"
    run_capture sbx run --policy "$T/run/net.json" -- sh -c "
        for i in 1 2 3 4 5; do curl -s -o /dev/null -w '%{http_code} ' http://example.test:$PORT/hello.txt; done"
    assert_eq "200 200 200 403 403 " "$OUT" "burst of 3, then refused"
    # Host header fronting on the proxy path: target and Host differ.
    net_policy ""
    run_capture sbx run --policy "$T/run/net.json" -- \
        curl -s -o /dev/null -w '%{http_code}' -H "Host: other.test" "http://example.test:$PORT/hello.txt"
    assert_eq "403" "$OUT" "Host header fronting"
}

test_proxy_variables_only_with_proxies() {
    PORT=1
    net_policy ""
    run_capture sbx run -q --policy "$T/run/net.json" -- sh -c 'echo "$HTTPS_PROXY|$ALL_PROXY"'
    assert_eq "http://127.0.0.1:3128|socks5h://127.0.0.1:1080" "$OUT" "variables with the proxies"
    run_capture env HTTPS_PROXY=http://caller.example:8 "$SBX" run -q --no-namespaces \
        --policy "$T/run/net.json" -- sh -c 'echo "$HTTPS_PROXY"'
    assert_eq "http://caller.example:8" "$OUT" "no proxy without namespaces: the caller's value"
}
