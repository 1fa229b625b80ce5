#!/bin/sh
# The policy loader fuzzer for a bounded time.   usage: tests/fuzz/run-policy.sh
# [SECONDS] (default 30); see fuzz-lib.sh. The dictionary steers it towards
# the schema's keys and words.
set -eu
. "$(dirname "$0")/fuzz-lib.sh"
# shellcheck disable=SC2046
fuzz_run policy "${1:-30}" 8192 "$(cd "$(dirname "$0")/../.." && echo src/policy/*.c src/util/*.c)" "-ljansson" policy.dict
