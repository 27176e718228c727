#include "kernels/registry/linear.h"

#include "kernels/b1_gemm.h"
#include "kernels/f32_depthwise.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_winograd.h"
#include "kernels/lowbit_gemv.h"
#include "kernels/q8_depthwise.h"
#include "kernels/sparse/ternary_gemv.h"
#if defined(__aarch64__)
#include "kernels/arm/q8_gemm.h"
#endif
#if defined(__x86_64__)
#include "kernels/x86/q8_gemm.h"
#endif

namespace trit {
namespace {

// The ISA classes take the level they pack for.
template <typename Kernel, typename Layer>
std::unique_ptr<TiledKernel> MakeForLevel(Isa isa, const Layer& layer) {
  return std::make_unique<TiledKernelOf<Kernel>>(isa, layer);
}

// Portable index lists: the sums are exact, so any level gives the reference's bytes. Where
// they pay depends on what else the level has (measured in docs/benchmarks.md): about 97% zeros
// against the 2-bit codes (AVX-512), about 70% against the 8-bit GEMM (AVX2).
[[maybe_unused]] std::unique_ptr<TiledKernel> MakeIndexLists(Isa, const Q8GemvProblem& p) {
  return std::make_unique<TiledKernelOf<sparse::TernaryGemv>>(p.layer);
}
[[maybe_unused]] bool SparseTernary(const Q8GemvProblem& p, double crossover) {
  return p.layer.rows == 1 && p.weights == DType::kTernary && p.fits_index_lists &&
         p.zero_share >= crossover;
}

#if defined(__aarch64__)
// Not measured on ARM hardware (none here): the AVX2 crossover against an 8-bit GEMM of the
// same width, until the instruction counts of bench/arm/ say otherwise.
bool SparseTernaryPastNeonGemm(const Q8GemvProblem& p) { return SparseTernary(p, 0.70); }
#endif

[[maybe_unused]] bool TernaryCodes(const Q8GemvProblem& p) {
  return (p.weights == DType::kTernary || p.weights == DType::kBinary) && p.ternary_per_channel;
}
[[maybe_unused]] bool Int4OrInt2Codes(const Q8GemvProblem& p) {
  return p.weights == DType::kI4 || p.weights == DType::kI2;
}
[[maybe_unused]] std::unique_ptr<TiledKernel> MakeLowBitGemv(Isa isa, const Q8GemvProblem& p) {
  using Codes = LowBitGemv::Codes;
  const Codes codes = p.weights == DType::kI4   ? Codes::kInt4
                      : p.weights == DType::kI2 ? Codes::kInt2
                                                : Codes::kTernary;
  return std::make_unique<TiledKernelOf<LowBitGemv>>(isa, p.layer, codes);
}

#if defined(__aarch64__)
// Unpacking the codes costs more instructions than the int8 GEMM's one-row loop spends
// (bench/arm/count.sh); the codes pay where the GEMV waits on memory, that is once the int8
// weights no longer fit in a core's L2 (512 KiB on a Cortex-A76): a threshold from the cache
// size, not measured on hardware (none here).
// Batches of more than one row are left to the GEMM: not measured on ARM.
bool MemoryBound(const Q8GemvProblem& p) {
  return p.layer.rows == 1 && p.layer.n * p.layer.depth >= 512 * 1024;
}
bool TernaryCodesFromMemory(const Q8GemvProblem& p) { return TernaryCodes(p) && MemoryBound(p); }
bool Int4OrInt2CodesFromMemory(const Q8GemvProblem& p) {
  return Int4OrInt2Codes(p) && MemoryBound(p);
}
#endif

#if defined(__x86_64__)
bool SparseTernaryPastAvx512Codes(const Q8GemvProblem& p) { return SparseTernary(p, 0.97); }
// Past the block lists' crossover the int8 GEMM (one row, the listed blocks only) beats
// reading every code (docs/benchmarks.md, "Block sparsity").
bool ZeroBlocksPastAvx512Crossover(const Q8GemvProblem& p) {
  return p.zero_block_share >= x86::kAvx512BlockListCrossover;
}
bool SparseTernaryPastAvx2Gemm(const Q8GemvProblem& p) { return SparseTernary(p, 0.70); }
// 2-bit codes serve batches of up to kQ8GemvMaxRows rows: their lookups are shared by the rows,
// and they beat the GEMM on the panel expanded per run at every batch up to 8 (docs/
// benchmarks.md, "Low-bit GEMV on small batches"). int4 repeats its loop per row: one row.
bool TernaryOrInt2Codes(const Q8GemvProblem& p) {
  return TernaryCodes(p) || p.weights == DType::kI2;
}
bool Int4CodesOneRow(const Q8GemvProblem& p) {
  return p.weights == DType::kI4 && p.layer.rows == 1;
}

bool HasVpopcntdq(const B1GemmLayer&) { return HasAvx512Vpopcntdq(); }
#endif

template <int kM>
[[maybe_unused]] std::unique_ptr<TiledKernel> MakeWinograd(Isa isa, const F32GemmLayer& layer) {
  return std::make_unique<TiledKernelOf<F32Winograd>>(isa, layer, kM);
}

// Winograd against the direct GEMM: the crossover measured on x86 (docs/benchmarks.md,
// "Winograd"), one thread, 3x3 stride-1 layers of 8 to 256 channels at 8x8 to 56x56. At
// AVX-512, F(4x4) beats the direct GEMM from 16 channels and 8x8 outputs up, and F(2x2) beats
// F(4x4) where F(4x4) has few tiles for many channels (8x8 outputs, 128 and 256 channels); at 8
// channels the direct GEMM wins (16-lane transforms on 8 channels). At AVX2, F(4x4) wins at every
// measured shape, 8 channels included, so AVX2 has no F(2x2) row. NEON, by instructions executed
// under qemu (no ARM hardware here; bench/arm/winograd.sh): F(4x4) executes 1.24-3.57x fewer
// than the direct GEMM at every shape but 8 channels at 14x14 (a tie) and 16 channels at 14x14
// (1.02x), and F(2x2) beats it only at 14x14 with 16 and 32 channels, by at most 9%: AVX2's rule,
// no F(2x2) row. Smaller layers were not measured: they keep the direct GEMM.
[[maybe_unused]] bool WinogradBase(const F32GemmLayer& layer, int64_t min_channels) {
  return F32Winograd::Fits(layer) && layer.depth >= min_channels && layer.n >= min_channels &&
         layer.m >= 64;
}
[[maybe_unused]] bool WinogradF4Wins(const F32GemmLayer& layer) {
  return WinogradBase(layer, 16) && (layer.m >= 196 || layer.depth <= 64);
}
[[maybe_unused]] bool WinogradF2Wins(const F32GemmLayer& layer) { return WinogradBase(layer, 16); }
[[maybe_unused]] bool WinogradF4WinsFrom8Channels(const F32GemmLayer& layer) {
  return WinogradBase(layer, 8);
}

// Rows best first. Cortex-M (DSP, MVE) rows: none yet; their layers are the same.
constexpr TiledKernelCandidate<F32GemmLayer> kF32Gemm[] = {
#if defined(__x86_64__)
    {"f32_winograd_f4x4__avx512", Isa::kAvx512, WinogradF4Wins, MakeWinograd<4>},
    {"f32_winograd_f2x2__avx512", Isa::kAvx512, WinogradF2Wins, MakeWinograd<2>},
    {"f32_igemm__avx512", Isa::kAvx512, nullptr, MakeForLevel<F32Gemm, F32GemmLayer>},
    {"f32_winograd_f4x4__avx2", Isa::kAvx2, WinogradF4WinsFrom8Channels, MakeWinograd<4>},
    {"f32_igemm__avx2", Isa::kAvx2, nullptr, MakeForLevel<F32Gemm, F32GemmLayer>},
#endif
#if defined(__aarch64__)
    // The crossover in instructions executed (above), not timed: no ARM hardware here.
    {"f32_winograd_f4x4__neon", Isa::kNeon, WinogradF4WinsFrom8Channels, MakeWinograd<4>},
    {"f32_igemm_4x16__neon", Isa::kNeon, nullptr, MakeForLevel<F32Gemm, F32GemmLayer>},
#endif
    {"ref_f32", Isa::kRef, nullptr, nullptr},
};

constexpr TiledKernelCandidate<F32DepthwiseLayer> kF32Depthwise[] = {
#if defined(__x86_64__)
    {"f32_dwconv__avx512", Isa::kAvx512, nullptr, MakeForLevel<F32Depthwise, F32DepthwiseLayer>},
    {"f32_dwconv__avx2", Isa::kAvx2, nullptr, MakeForLevel<F32Depthwise, F32DepthwiseLayer>},
#endif
#if defined(__aarch64__)
    {"f32_dwconv__neon", Isa::kNeon, nullptr, MakeForLevel<F32Depthwise, F32DepthwiseLayer>},
#endif
    {"ref_f32", Isa::kRef, nullptr, nullptr},
};

constexpr TiledKernelCandidate<Q8GemmLayer> kQ8Gemm[] = {
#if defined(__x86_64__)
    {"q8_igemm__avx512vnni", Isa::kAvx512, nullptr, MakeForLevel<x86::Q8Gemm, Q8GemmLayer>},
    {"q8_igemm__avx2", Isa::kAvx2, nullptr, MakeForLevel<x86::Q8Gemm, Q8GemmLayer>},
#endif
#if defined(__aarch64__)
    {"q8_igemm_4x16c8__i8mm", Isa::kNeonI8mm, nullptr, MakeForLevel<arm::Q8Gemm, Q8GemmLayer>},
    {"q8_igemm_4x16c4__neondot", Isa::kNeonDot, nullptr, MakeForLevel<arm::Q8Gemm, Q8GemmLayer>},
    {"q8_igemm_4x16__neon", Isa::kNeon, nullptr, MakeForLevel<arm::Q8Gemm, Q8GemmLayer>},
#endif
    {"ref_q8", Isa::kRef, nullptr, nullptr},
};

constexpr TiledKernelCandidate<Q8DepthwiseLayer> kQ8Depthwise[] = {
#if defined(__x86_64__)
    {"q8_dwconv__avx512vnni", Isa::kAvx512, nullptr, MakeForLevel<Q8Depthwise, Q8DepthwiseLayer>},
    {"q8_dwconv__avx2", Isa::kAvx2, nullptr, MakeForLevel<Q8Depthwise, Q8DepthwiseLayer>},
#endif
#if defined(__aarch64__)
    {"q8_dwconv__neondot", Isa::kNeonDot, nullptr, MakeForLevel<Q8Depthwise, Q8DepthwiseLayer>},
    {"q8_dwconv__neon", Isa::kNeon, nullptr, MakeForLevel<Q8Depthwise, Q8DepthwiseLayer>},
#endif
    {"ref_q8", Isa::kRef, nullptr, nullptr},
};

constexpr TiledKernelCandidate<B1GemmLayer> kB1Gemm[] = {
#if defined(__x86_64__)
    {"b1_igemm__avx512vpopcntdq", Isa::kAvx512, HasVpopcntdq, MakeForLevel<B1Gemm, B1GemmLayer>},
    {"b1_igemm_4x16__avx2", Isa::kAvx2, nullptr, MakeForLevel<B1Gemm, B1GemmLayer>},
#endif
#if defined(__aarch64__)
    {"b1_igemm_4x16__neon", Isa::kNeon, nullptr, MakeForLevel<B1Gemm, B1GemmLayer>},
#endif
    {"unpack_b1_to_q8", Isa::kRef, nullptr, nullptr},
};

// The index lists come first where they pay; a level's predicate is its crossover, so at
// AVX-512 a ternary layer between 70% and 97% zeros takes the 2-bit codes before the AVX2 row.
constexpr TiledKernelCandidate<Q8GemvProblem> kQ8Gemv[] = {
#if defined(__x86_64__)
    {"q8_gemm_table", Isa::kAvx512, ZeroBlocksPastAvx512Crossover, nullptr},
    {"qs8_sparse_ternary_gemv", Isa::kAvx512, SparseTernaryPastAvx512Codes, MakeIndexLists},
    {"lowbit_gemv_ternary_int2__avx512vnni", Isa::kAvx512, TernaryOrInt2Codes, MakeLowBitGemv},
    {"lowbit_gemv_int4__avx512vnni", Isa::kAvx512, Int4CodesOneRow, MakeLowBitGemv},
    {"qs8_sparse_ternary_gemv", Isa::kAvx2, SparseTernaryPastAvx2Gemm, MakeIndexLists},
#endif
#if defined(__aarch64__)
    {"qs8_sparse_ternary_gemv", Isa::kNeon, SparseTernaryPastNeonGemm, MakeIndexLists},
    {"lowbit_gemv_ternary__neondot", Isa::kNeonDot, TernaryCodesFromMemory, MakeLowBitGemv},
    {"lowbit_gemv_int4_int2__neondot", Isa::kNeonDot, Int4OrInt2CodesFromMemory, MakeLowBitGemv},
#endif
    {"q8_gemm_table", Isa::kRef, nullptr, nullptr},
};

}  // namespace

std::span<const TiledKernelCandidate<F32GemmLayer>> F32GemmKernels() { return kF32Gemm; }
std::span<const TiledKernelCandidate<F32DepthwiseLayer>> F32DepthwiseKernels() {
  return kF32Depthwise;
}
std::span<const TiledKernelCandidate<Q8GemmLayer>> Q8GemmKernels() { return kQ8Gemm; }
std::span<const TiledKernelCandidate<Q8DepthwiseLayer>> Q8DepthwiseKernels() {
  return kQ8Depthwise;
}
std::span<const TiledKernelCandidate<B1GemmLayer>> B1GemmKernels() { return kB1Gemm; }
std::span<const TiledKernelCandidate<Q8GemvProblem>> Q8GemvKernels() { return kQ8Gemv; }

}  // namespace trit
