# shellcheck shell=sh
# Shared by the tests/fuzz/run*.sh scripts: build one libFuzzer harness with
# clang + ASan/UBSan and run it for a bounded time. The committed corpus
# (tests/fuzz/corpus/NAME) only seeds the run; new inputs go to
# tests/fuzz/corpus-run/NAME (git-ignored). Returns non-zero when the
# fuzzer finds a crash, leak, sanitizer report or timeout; the reproducer
# is left in tests/fuzz/corpus-run/artifacts/.
#
#   fuzz_run NAME SECONDS MAX_LEN "SOURCES (relative to the repo)" "LIBS" [DICT]

fuzz_run() {
    name=$1 seconds=$2 max_len=$3 sources=$4 libs=$5 dict=${6:-}
    here=$(cd "$(dirname "$0")" && pwd)
    root=$(cd "$here/../.." && pwd)
    out=${FUZZ_OUT:-$root/tests/fuzz/corpus-run}
    cc=${CC_FUZZ:-}
    if [ -z "$cc" ]; then
        for c in clang-14 clang; do
            if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
        done
    fi
    [ -n "$cc" ] || { echo "fuzz $name: clang not found" >&2; return 2; }
    mkdir -p "$out/bin" "$out/$name" "$out/artifacts"
    paths=""
    for s in $sources; do paths="$paths $root/$s"; done
    # shellcheck disable=SC2086
    "$cc" -g -O1 -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Werror \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I"$root/src" "$here/fuzz_$name.c" $paths $libs -o "$out/bin/fuzz_$name" || return 2
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$name-"
    [ -n "$dict" ] && set -- "$@" -dict="$here/$dict"
    mkdir -p "$here/corpus/$name"
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$out/bin/fuzz_$name" "$@" "$out/$name" "$here/corpus/$name"
}
