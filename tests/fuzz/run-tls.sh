#!/bin/sh
# Build the tls parser fuzzer with clang's libFuzzer + ASan/UBSan and run it
# for a bounded time.   usage: tests/fuzz/run-tls.sh [SECONDS]   (default 30)
# The committed corpus (tests/fuzz/corpus/tls) only seeds the run; new inputs
# go to tests/fuzz/corpus-run/tls (git-ignored). Exits non-zero when the
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
[ -n "$cc" ] || { echo "run-tls.sh: clang not found" >&2; exit 2; }

mkdir -p "$out/bin" "$out/tls" "$out/artifacts"
"$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Werror \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" \
    "$here/fuzz_tls.c" "$root/src/net/tls_sni.c" "$root/src/net/sniff.c" \
    -o "$out/bin/fuzz_tls"

UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$out/bin/fuzz_tls" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=20000 \
    -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/tls-" \
    "$out/tls" "$here/corpus/tls"
