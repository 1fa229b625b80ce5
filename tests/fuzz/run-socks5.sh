#!/bin/sh
# Build the socks5 parser fuzzer with clang's libFuzzer + ASan/UBSan and run it
# for a bounded time.   usage: tests/fuzz/run-socks5.sh [SECONDS]   (default 30)
# The committed corpus (tests/fuzz/corpus/socks5) only seeds the run; new inputs
# go to tests/fuzz/corpus-run/socks5 (git-ignored). Exits non-zero when the
# fuzzer finds a crash, leak, sanitizer report or timeout; the reproducer is
# left in tests/fuzz/corpus-run/artifacts/.
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
[ -n "$cc" ] || { echo "run-socks5.sh: clang not found" >&2; exit 2; }

mkdir -p "$out/bin" "$out/socks5" "$out/artifacts"
"$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Werror \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" \
    "$here/fuzz_socks5.c" "$root/src/net/socks5.c" "$root/src/net/sniff.c" \
    -o "$out/bin/fuzz_socks5"

UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$out/bin/fuzz_socks5" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1024 \
    -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/socks5-" \
    "$out/socks5" "$here/corpus/socks5"
