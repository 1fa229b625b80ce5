#!/bin/sh
# The DNS message fuzzer for a bounded time.   usage: tests/fuzz/run-dns.sh [SECONDS]
# (default 30); see fuzz-lib.sh.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run dns "${1:-30}" 4096 "src/net/dns_msg.c" "" 
