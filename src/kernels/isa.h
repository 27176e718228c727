// The instruction-set level the fast kernels may use: detected once from the CPU (and the
// OS's register saving), lowered on request with TRIT_ISA=ref|avx2|avx512 so that every path
// can be run and tested on one machine.
#pragma once

#include <string_view>

namespace trit {

enum class Isa {
  kRef,     // the scalar reference kernels only
  kAvx2,    // AVX2 + FMA
  kAvx512,  // AVX-512 F/BW/VL/DQ + VNNI (VPDPBUSD)
};

std::string_view IsaName(Isa isa);

// The best level this CPU supports (kRef on other architectures).
Isa DetectedIsa();

// The level kernels are chosen for: DetectedIsa(), or TRIT_ISA when it is set. Throws
// trit::Error (kInvalidArgument) when TRIT_ISA names an unknown level or one this CPU lacks.
Isa ActiveIsa();

// Whether this CPU has AVX-512 VBMI (byte permutes: the 256-entry table lookups).
bool HasAvx512Vbmi();
// Whether this CPU has AVX-512 VPOPCNTDQ (vector popcount: the binary xor + popcount GEMM).
bool HasAvx512Vpopcntdq();

}  // namespace trit
