#!/bin/sh
# Build the domain-matcher fuzzer (domain_normalize, domain_rules_match,
# domain_rules_match_ip, addr_special) with clang's libFuzzer + ASan/UBSan
# and run it for a bounded time.   usage: tests/fuzz/run-domain.sh [SECONDS]
# (default 30). The committed corpus (tests/fuzz/corpus/domain) only seeds
# the run; new inputs go to tests/fuzz/corpus-run/ (git-ignored). Exits
# non-zero when the fuzzer finds a crash, leak, sanitizer report or
# timeout; the reproducer is left in tests/fuzz/corpus-run/artifacts/.
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
[ -n "$cc" ] || { echo "run-domain.sh: clang not found" >&2; exit 2; }

mkdir -p "$out/bin" "$out/domain" "$out/artifacts"
"$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$root/src" \
    "$here/fuzz_domain.c" "$root/src/net/domain.c" "$root/src/net/addr_class.c" \
    -lidn2 -o "$out/bin/fuzz_domain"

seed=$here/corpus/domain
[ -d "$seed" ] || seed=
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
"$out/bin/fuzz_domain" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1100 \
    -print_final_stats=1 \
    -artifact_prefix="$out/artifacts/" \
    "$out/domain" $seed
