#include "kernels/registry/recurrent.h"

#if defined(__aarch64__)
#include "kernels/arm/kronecker.h"
#include "kernels/arm/quantize_vector_q8.h"
#include "kernels/arm/rnn_cell_step.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/kronecker.h"
#include "kernels/x86/q8_dot_rows.h"
#include "kernels/x86/quantize_vector_q8.h"
#include "kernels/x86/rnn_cell_step.h"
#endif

namespace trit {
namespace {

ref::Q8Kernels Q8Reference() { return {}; }

#if defined(__x86_64__)
ref::Q8Kernels Q8Avx512() {
  return {x86::PackedQ8RowsMaker(Isa::kAvx512), x86::KroneckerLeftModeQ8Avx512,
          x86::QuantizeVectorQ8Avx512};
}
ref::Q8Kernels Q8Avx2() {
  return {x86::PackedQ8RowsMaker(Isa::kAvx2), x86::KroneckerLeftModeQ8Avx2,
          x86::QuantizeVectorQ8Avx2};
}
#endif
#if defined(__aarch64__)
// The dense int8 rows stay the reference's (no packed AArch64 rows yet).
ref::Q8Kernels Q8Neon() {
  return {nullptr, arm::KroneckerLeftModeQ8Neon, arm::QuantizeVectorQ8Neon};
}
#endif

// Cortex-M (DSP, MVE) rows: none yet.
constexpr KernelCandidate<RecurrentProblem, CellStepF32Fn> kCellStepF32[] = {
#if defined(__x86_64__)
    {"cell_step_f32__avx512", Isa::kAvx512, nullptr, x86::CellStepF32Avx512},
    {"cell_step_f32__avx2", Isa::kAvx2, nullptr, x86::CellStepF32Avx2},
#endif
#if defined(__aarch64__)
    {"cell_step_f32__neon", Isa::kNeon, nullptr, arm::CellStepF32Neon},
#endif
    {"ref_cell_step_f32", Isa::kRef, nullptr, ref::CellStepF32},
};

// Sparse-row crossovers measured on a 512 x 128 matrix (an LSTM's U) on the 2-core EPYC VM:
// about 92% with AVX-512, between 80% and 90% with AVX2; set at or below the measured point so
// that a matrix pruned to exactly 95% (19 of 20 weights) is not missed by a rounded count.
constexpr KernelCandidate<RecurrentProblem, StructuredKernels> kStructured[] = {
#if defined(__x86_64__)
    {"structured__avx512",
     Isa::kAvx512,
     nullptr,
     {x86::KroneckerMatmulF32Avx512, x86::KroneckerLeftModeF32Avx512, Q8Avx512, 0.92}},
    {"structured__avx2",
     Isa::kAvx2,
     nullptr,
     {x86::KroneckerMatmulF32Avx2, x86::KroneckerLeftModeF32Avx2, Q8Avx2, 0.85}},
#endif
#if defined(__aarch64__)
    // Crossover: the AVX2 figure, not measured on ARM (no hardware here).
    {"structured__neon",
     Isa::kNeon,
     nullptr,
     {arm::KroneckerMatmulF32Neon, arm::KroneckerLeftModeF32Neon, Q8Neon, 0.85}},
#endif
    {"ref_structured", Isa::kRef, nullptr, {ref::KroneckerMatmulF32, nullptr, Q8Reference, 0.5}},
};

}  // namespace

std::span<const KernelCandidate<RecurrentProblem, CellStepF32Fn>> CellStepF32Kernels() {
  return kCellStepF32;
}
std::span<const KernelCandidate<RecurrentProblem, StructuredKernels>> StructuredProductKernels() {
  return kStructured;
}

}  // namespace trit
