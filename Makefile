# The two commands README.md leads with. Both install what they need first.
#   make demo   build, then run the tutorial end to end on the embedded defaults (the server keeps running)
#   make test   build (warnings are errors), then run every test
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all demo test deps test-deps bench-deps build build-ci bench clean

all: build

deps:
	scripts/install-deps

test-deps:
	scripts/install-deps --test

bench-deps:
	scripts/install-deps --bench

build: deps
	cmake -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

build-ci: test-deps
	cmake -S . -B $(BUILD_DIR) -DSLUICE_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)

demo: build
	examples/credit-card/run-demo $(BUILD_DIR)/sluice

test: build-ci
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS) --timeout 600

bench: bench-deps
	cmake -S . -B $(BUILD_DIR) -DSLUICE_BUILD_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_DIR) -j$(JOBS)
	bench/run-all $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
