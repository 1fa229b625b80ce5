#!/bin/sh
# The SOCKS5 parser fuzzer for a bounded time.   usage: tests/fuzz/run-socks5.sh [SECONDS]
# (default 30); see fuzz-lib.sh.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run socks5 "${1:-30}" 1024 "src/net/socks5.c src/net/sniff.c" "" 
