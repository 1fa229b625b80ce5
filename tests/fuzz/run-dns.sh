#!/bin/sh
# Build the DNS message fuzzer with clang's libFuzzer + ASan/UBSan and run
# it for a bounded time.   usage: tests/fuzz/run-dns.sh [SECONDS] (default 30)
# The committed corpus (tests/fuzz/corpus/dns: real queries and responses
# captured from glibc and dnsmasq) only seeds the run; new inputs go to
# tests/fuzz/corpus-run/dns (git-ignored). Exits non-zero when the fuzzer
# finds a crash, leak, sanitizer report or timeout; the reproducer is left
# in tests/fuzz/corpus-run/artifacts/.
set -eu

seconds=${1:-30}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-$root/tests/fuzz/corpus-run}
cc=${CC_FUZZ:-}
if [ -z "$cc" ]; then
    for c in clang-14 clang; do
        if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
    done
fi
[ -n "$cc" ] || { echo "run-dns.sh: clang not found" >&2; exit 2; }

mkdir -p "$out/bin" "$out/dns" "$out/artifacts"
"$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" \
    "$here/fuzz_dns.c" "$root/src/net/dns_msg.c" \
    -o "$out/bin/fuzz_dns"

# Messages fit in 64 KiB (TCP); UDP ones rarely pass 4 KiB.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$out/bin/fuzz_dns" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 \
    -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" \
    "$out/dns" "$here/corpus/dns"
