#!/bin/sh
# The C target compiles for arm64 Linux (Graviton, Ampere, Raspberry Pi),
# where its x86 kernels must fall back to portable C; the Swift code has no
# architecture-specific path. Cross-compiles Sources/CKernels with clang for
# aarch64-linux-gnu against Debian's arm64 libc headers
# (libc6-dev-arm64-cross), warnings as errors, and checks the object's
# architecture. The run of the whole test suite on the portable kernels
# (TENSOR_VECTOR_KERNELS=portable) is in `make test`.
set -eu
cd "$(dirname "$0")/.."
CC=${CC:-clang}
SYSROOT=/usr/aarch64-linux-gnu/include
[ -d "$SYSROOT" ] || { echo "portability_check: $SYSROOT missing (apt-get install libc6-dev-arm64-cross)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for source in Sources/CKernels/*.c; do
    object="$out/$(basename "$source" .c).o"
    "$CC" --target=aarch64-linux-gnu -isystem "$SYSROOT" -O2 -Wall -Wextra -Werror \
        -I Sources/CKernels/include -c "$source" -o "$object"
    # e_machine, the ELF header's 16-bit field at byte 18: 183 is EM_AARCH64.
    machine=$(od -An -t u2 -j 18 -N 2 "$object" | tr -d ' ')
    [ "$machine" = 183 ] || { echo "portability_check: $object has ELF machine $machine, not aarch64 (183)" >&2; exit 1; }
    echo "portability_check: $source compiles for aarch64-linux-gnu"
done
