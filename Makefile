# lakestream front door. `make test` and `make run` install what is missing first.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)
CLI := $(BUILD_DIR)/bin/lakestream

.PHONY: all bootstrap configure build test run bench fuzz format lint package install clean

all: build

bootstrap:
	@scripts/bootstrap.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake --preset $(PRESET)

configure: $(BUILD_DIR)/CMakeCache.txt

build: bootstrap configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 600

run: build
	@scripts/run_demo.sh $(CLI)

bench: build
	@scripts/run_bench.sh $(BUILD_DIR)

# libFuzzer targets (fuzz/README.md): build preset fuzz (clang) and run each for FUZZ_SECONDS;
# FUZZ_TARGETS="json parquet" picks some. `make test` replays their corpora without clang.
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	@scripts/run_fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

lint: configure
	@git ls-files 'src/*.cc' 'tools/*.cc' | xargs clang-tidy -p $(BUILD_DIR) --quiet

package: build
	cd $(BUILD_DIR) && cpack

install: build
	cmake --install $(BUILD_DIR) --prefix $(or $(PREFIX),/usr/local)

clean:
	rm -rf build
