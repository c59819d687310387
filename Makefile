# Set-up and test entry points. `make test` is what CI runs.
SWIFT ?= swift
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := libopenblas-dev liblapacke-dev pkg-config openmpi-bin libopenmpi-dev strace libc6-dev-arm64-cross

.PHONY: deps build release test demo bench clean

# The main job: train the default zoo model on the embedded synthetic data.
DEMO_MODEL ?= moe
DEMO_STEPS ?= 1500

# Installs the BLAS/LAPACK packages, Open MPI (the engine of data-parallel
# training under mpirun), pkg-config, strace (the fault-injection test
# kills runs with it) and the arm64 libc headers (the C target's arm64
# compile check) with apt when missing.
deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The tests that run the float32 kernels through VectorMath.isa: `make test`
# runs them once more with TENSOR_VECTOR_KERNELS=avx2, the path of an x86-64
# CPU without AVX-512 (KernelPathTests itself runs every path the CPU has).
AVX2_TESTS := KernelPathTests|ReductionForwardTests|ReductionGradientTests|OptimizerTests|RecurrentForwardTests|PyTorchTwinTests

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel
	TENSOR_VECTOR_KERNELS=portable $(SWIFT) test --skip-build --parallel
	TENSOR_VECTOR_KERNELS=avx2 $(SWIFT) test --skip-build --filter '$(AVX2_TESTS)'
	scripts/portability_check.sh
	scripts/docs_check.sh
	scripts/mpi_equivalence.sh .build/debug/DistributedCheck
	scripts/mpi_netns.sh .build/debug/DistributedCheck
	scripts/tensorboard_interop.sh .build/debug/yt8m
	scripts/kill_campaign.sh .build/debug/yt8m
	scripts/storage_faults.sh .build/debug/yt8m
	.build/debug/RecordFuzzer Fuzz/seeds
	scripts/fuzz.sh 20000

demo: deps
	$(SWIFT) build -c release --product yt8m
	.build/release/yt8m train --model $(DEMO_MODEL) --steps $(DEMO_STEPS) --out runs/demo --restart

bench: release
	$(SWIFT) run -c release Benchmarks

clean:
	rm -rf .build
