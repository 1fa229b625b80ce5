#!/bin/sh
# Build the policy fuzzer with clang's libFuzzer + ASan/UBSan and run it for
# a bounded time.   usage: tests/fuzz/run.sh [SECONDS]   (default 30)
# The committed corpus (tests/fuzz/corpus/policy) only seeds the run; new
# inputs go to tests/fuzz/corpus-run/ (git-ignored). Exits non-zero when
# the fuzzer finds a crash, leak, sanitizer report or timeout; the
# reproducer is left in tests/fuzz/corpus-run/artifacts/.
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
[ -n "$cc" ] || { echo "run.sh: clang not found" >&2; exit 2; }

mkdir -p "$out/bin" "$out/policy" "$out/artifacts"
# shellcheck disable=SC2086
"$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" \
    "$here/fuzz_policy.c" "$root"/src/policy/*.c "$root"/src/util/*.c \
    -ljansson -o "$out/bin/fuzz_policy"

# The dictionary steers the fuzzer towards the schema's keys and words.
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$out/bin/fuzz_policy" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="$here/policy.dict" -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" \
    "$out/policy" "$here/corpus/policy"
