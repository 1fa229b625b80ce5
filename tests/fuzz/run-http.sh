#!/bin/sh
# The HTTP request parser fuzzer for a bounded time.   usage: tests/fuzz/run-http.sh [SECONDS]
# (default 30); see fuzz-lib.sh.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run http "${1:-30}" 20000 "src/net/http_req.c src/net/sniff.c" "" 
