#!/bin/sh
# The domain name and address rule fuzzer for a bounded time.   usage: tests/fuzz/run-domain.sh [SECONDS]
# (default 30); see fuzz-lib.sh.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run domain "${1:-30}" 1100 "src/net/domain.c src/net/addr_class.c" "-lidn2" 
