// The function target attributes of the kernels built per instruction set
// (no build flags: SwiftPM refuses unsafeFlags in dependencies). Other
// architectures (arm64: Graviton, Ampere, Raspberry Pi) have no such
// attribute: there the loops compile as portable C and are never chosen,
// since ck_cpu_isa() returns 0.
#ifndef CK_TARGETS_H
#define CK_TARGETS_H
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
#define CK_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define CK_TARGET_AVX512 __attribute__((target("avx2,fma,avx512f,avx512dq,avx512bw,avx512vl")))
#else
#define CK_X86 0
#define CK_TARGET_AVX2
#define CK_TARGET_AVX512
#endif
#endif
