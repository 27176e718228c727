# The two entry points of the README. Each installs what it needs first.
JOBS ?= $(shell nproc)

.PHONY: deps build build-asan build-tsan build-aarch64 build-cortex-m test demo bench bench-peers clean

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

build-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

# Only the threaded tests' binaries (the target trit_thread_tests).
build-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS)

# The runtime side cross-built for AArch64 (cmake/toolchains/aarch64-linux-gnu.cmake).
build-aarch64: deps
	@cmake --preset aarch64 >/dev/null
	@cmake --build --preset aarch64 -j $(JOBS)

# The freestanding runtime and its test firmware for Cortex-M4, M7 and M55 (arm-none-eabi-gcc);
# it reads the host build's schema header and fixtures, so the host builds first.
build-cortex-m: build
	@for target in cortex-m4 cortex-m7 cortex-m55; do \
	  cmake --preset $$target >/dev/null && cmake --build --preset $$target -j $(JOBS) || exit 1; \
	done

# The whole suite in release (with the lint checks: layering, clang-format), again under
# AddressSanitizer + UndefinedBehaviorSanitizer, the threaded tests under ThreadSanitizer, and
# the AArch64 build's suite under qemu-user at three CPU models (NEON and + dot product: the
# tests labelled isa, whose kernels the level picks; + i8mm: all),
# and the Cortex-M firmware under qemu-system-arm (M4, M7, M55). Every build treats warnings as
# errors.
test: build build-asan build-tsan build-aarch64 build-cortex-m
	@ctest --preset release -j $(JOBS)
	@ctest --preset asan -j $(JOBS)
	@ctest --preset tsan -j $(JOBS)
	@ctest --preset aarch64-cortex-a53 -j $(JOBS)
	@ctest --preset aarch64-cortex-a76 -j $(JOBS)
	@ctest --preset aarch64-max -j $(JOBS)
	@ctest --preset cortex-m4 -j $(JOBS)
	@ctest --preset cortex-m7 -j $(JOBS)
	@ctest --preset cortex-m55 -j $(JOBS)

demo: build
	@scripts/demo.sh build/release

# The kernel benchmarks beside oneDNN and the end-to-end model latencies (docs/benchmarks.md).
# Minutes, not part of the tests.
bench:
	@scripts/install-deps.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bench/kernels.sh build/release
	@bench/models.sh build/release

# trit beside ONNX Runtime 1.30 (npm, installed outside the repo) and PyTorch on the zoo models.
bench-peers:
	@scripts/install-deps.sh --bench
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@bench/peers/run.sh build/release

clean:
	rm -rf build
