# The two commands of the README's quick start, and what they stand on.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_SECONDS ?= 30

.PHONY: all deps build demo test unit integration asan fuzz bench clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD) --werror

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) >/dev/null

demo: build
	@scripts/demo

# The whole suite: unit tests, integration tests (as root and as an
# unprivileged user), the same again under ASan+UBSan, and the fuzzers for
# a bounded time. Ends with one "N passed, N failed" line.
test: build
	@tests/run-all

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) --werror -Db_sanitize=address,undefined -Db_lundef=false

asan: deps $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) >/dev/null

bench: build
	@bench/startup

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
