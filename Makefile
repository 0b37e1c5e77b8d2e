# entente — the newcomer's commands. `make run` and `make test` are all you need.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
PREFIX     ?= /usr/local
CMAKE_GEN  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: all setup build build-asan run serve test test-release test-asan install format tidy clean fuzz

all: build

setup: web/node_modules/.package-lock.json
	@bash scripts/setup.sh

# The report's JavaScript (vega, vega-lite, vega-embed), map data (world-atlas), the web
# app's editor (codemirror) and the browser tests' driver (playwright-core), pinned by
# web/package-lock.json. CMake embeds all but the last into the binary, so they are needed
# to build.
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@command -v npm >/dev/null 2>&1 || bash scripts/setup.sh
	cd web && npm ci --no-audit --no-fund

$(BUILD)/CMakeCache.txt: | setup
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DENTENTE_WERROR=ON

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Clang build with AddressSanitizer + UBSan for the unit tests, plus the libFuzzer target.
$(ASAN_BUILD)/CMakeCache.txt: | setup
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug \
	  -DENTENTE_SANITIZE=ON -DENTENTE_FUZZ=ON -DENTENTE_WERROR=ON -DENTENTE_BENCH=OFF

build-asan: setup $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

run: build
	./$(BUILD)/entente run
	@./$(BUILD)/entente report -o $(BUILD)/report.html >/dev/null
	@echo "report: $(abspath $(BUILD)/report.html)"

# The web app on http://127.0.0.1:8080/ (docs/api.md), storing runs in $(BUILD)/entente.db.
serve: build
	./$(BUILD)/entente serve --db $(BUILD)/entente.db

test-release: build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-asan: build-asan
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The whole suite: Release tests, then the sanitizer build's tests and bounded fuzzing.
test: test-release test-asan

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Longer fuzzing than the test suite's, keeping what it finds: each target fuzzes for
# FUZZ_SECONDS from its corpus, then merges the new inputs (minimised: only those that add
# coverage) into tests/fuzz/<target>-corpus/, to be committed. Crashes land in build-asan/.
FUZZ_SECONDS ?= 300
fuzz: build-asan
	@set -e; for t in scenario:corpus games:games-corpus readers:readers-corpus api:api-corpus; do \
	  name=$${t%%:*}; corpus=tests/fuzz/$${t#*:}; work=$(ASAN_BUILD)/fuzz-work/$$name; \
	  mkdir -p $$work; cp $$corpus/* $$work/; \
	  $(ASAN_BUILD)/tests/fuzz/fuzz_$$name -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	    -artifact_prefix=$(ASAN_BUILD)/fuzz-work/ $$work || exit 1; \
	  $(ASAN_BUILD)/tests/fuzz/fuzz_$$name -merge=1 $$corpus $$work; \
	done

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# clang-tidy reads the clang build's compile commands (gcc-only warning flags confuse it).
tidy: build-asan
	clang-tidy -p $(ASAN_BUILD) --quiet $$(git ls-files 'src/*.cpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
