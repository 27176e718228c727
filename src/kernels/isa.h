// The instruction-set level the fast kernels may use: detected once from the CPU (and the
// OS's register saving), lowered on request with TRIT_ISA so that every path can be run and
// tested on one machine.
//
// Levels come in families, one per architecture, each ordered from the least to the most
// capable; the reference belongs to every family. A kernel needs one level and runs at that
// level and those above it in the same family (IsaCovers). x86-64 (cpuid) and AArch64 Linux
// (the kernel's HWCAP bits) are detected; the Cortex-M levels are fixed when firmware is built
// (CompiledCortexMIsa).
#pragma once

#include <string_view>
#include <vector>

namespace trit {

enum class Isa {
  kRef,       // the scalar reference kernels only
  kAvx2,      // x86-64: AVX2 + FMA
  kAvx512,    // x86-64: AVX-512 F/BW/VL/DQ + VNNI (VPDPBUSD)
  kNeon,      // AArch64: Advanced SIMD
  kNeonDot,   // AArch64: + SDOT/UDOT
  kNeonI8mm,  // AArch64: + SMMLA (i8mm)
  kArmDsp,    // Cortex-M: DSP extension (SMLAD)
  kMve,       // Cortex-M: Helium (MVE)
};

enum class IsaFamily { kPortable, kX86, kAArch64, kCortexM };

std::string_view IsaName(Isa isa);

constexpr IsaFamily FamilyOf(Isa isa) {
  switch (isa) {
    case Isa::kRef:
      return IsaFamily::kPortable;
    case Isa::kAvx2:
    case Isa::kAvx512:
      return IsaFamily::kX86;
    case Isa::kNeon:
    case Isa::kNeonDot:
    case Isa::kNeonI8mm:
      return IsaFamily::kAArch64;
    case Isa::kArmDsp:
    case Isa::kMve:
      return IsaFamily::kCortexM;
  }
  return IsaFamily::kPortable;
}

// Whether a kernel that needs `needed` may run when kernels are chosen for `active`: the
// reference always; otherwise the same family at the same or a higher level (within a family
// the enumerators are in ascending order of capability).
constexpr bool IsaCovers(Isa active, Isa needed) {
  return needed == Isa::kRef || (FamilyOf(active) == FamilyOf(needed) &&
                                 static_cast<int>(active) >= static_cast<int>(needed));
}

// The Cortex-M level this translation unit is compiled for (kRef elsewhere): a
// microcontroller's ISA is fixed when its firmware is built.
constexpr Isa CompiledCortexMIsa() {
#if defined(__ARM_FEATURE_MVE)
  return Isa::kMve;
#elif defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
  return Isa::kArmDsp;
#else
  return Isa::kRef;
#endif
}

// The best level this CPU supports (kRef where nothing is detected).
Isa DetectedIsa();

// Every level this CPU can run, the reference first and DetectedIsa() last.
std::vector<Isa> RunnableIsas();

// The level kernels are chosen for: DetectedIsa(), or TRIT_ISA when it is set. Throws
// trit::Error (kInvalidArgument) when TRIT_ISA names an unknown level or one this CPU lacks.
Isa ActiveIsa();

// Whether this CPU has AVX-512 VBMI (byte permutes: the 256-entry table lookups).
bool HasAvx512Vbmi();
// Whether this CPU has AVX-512 VPOPCNTDQ (vector popcount: the binary xor + popcount GEMM).
bool HasAvx512Vpopcntdq();

}  // namespace trit
