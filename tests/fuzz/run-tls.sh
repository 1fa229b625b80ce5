#!/bin/sh
# The TLS ClientHello parser fuzzer for a bounded time.   usage: tests/fuzz/run-tls.sh [SECONDS]
# (default 30); see fuzz-lib.sh.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
fuzz_run tls "${1:-30}" 20000 "src/net/tls_sni.c src/net/sniff.c" "" 
