// Kernel tables of Conv2D and Dense: the indirect GEMMs (fp32, 8-bit, binary), depthwise
// convolutions, and the batch-1 Dense kernels (GEMV: low-bit codes, sparse ternary index
// lists). Each row builds a TiledKernel from an ISA-neutral layer (kernels/linear_layer.h); the
// reference row builds nothing (null entry): the binding then runs the reference convolution
// or Dense (kernels/ref/conv2d.h, dense.h), or, for the GEMV and binary tables, goes on to the
// 8-bit GEMM table.
#pragma once

#include <memory>
#include <span>

#include "core/dtype.h"
#include "kernels/gemv_layer.h"
#include "kernels/linear_layer.h"
#include "kernels/registry/kernel_table.h"
#include "kernels/tiled_kernel.h"

namespace trit {

// Each maker gets the level of its row (a class may build for several levels).
template <typename Layer>
using MakeTiledKernelFn = std::unique_ptr<TiledKernel> (*)(Isa isa, const Layer& layer);

template <typename Layer>
using TiledKernelCandidate = KernelCandidate<Layer, MakeTiledKernelFn<Layer>>;

std::span<const TiledKernelCandidate<F32GemmLayer>> F32GemmKernels();
std::span<const TiledKernelCandidate<F32DepthwiseLayer>> F32DepthwiseKernels();
std::span<const TiledKernelCandidate<Q8GemmLayer>> Q8GemmKernels();
std::span<const TiledKernelCandidate<Q8DepthwiseLayer>> Q8DepthwiseKernels();
// Binary inputs and binary weights (xor + popcount). The reference row: the bits unpacked to
// int8 levels for the 8-bit GEMM.
std::span<const TiledKernelCandidate<B1GemmLayer>> B1GemmKernels();

// Batch-1 Dense with 8-bit inputs.
// Dense layers (and convolutions that read their whole input once) of at most kQ8GemvMaxRows
// rows: the GEMV table's, whose rows decline what they do not take (then the GEMM runs).
inline constexpr int64_t kQ8GemvMaxRows = 8;
struct Q8GemvProblem {
  GemvLayer layer;
  DType weights = DType::kI8;        // the stored type: i8, i4, i2, ternary or binary
  bool ternary_per_channel = false;  // every channel's levels in {+pos, 0, -neg}
  bool fits_index_lists = false;     // sparse::TernaryGemv::Fits
  double zero_share = 0.0;           // share of zero levels
  double zero_block_share = 0.0;     // share of zero 16 x 4 blocks (Q8GemmPlan::ZeroBlockShare)
};
std::span<const TiledKernelCandidate<Q8GemvProblem>> Q8GemvKernels();

// The kernel a table picks for `layer` at `level`, built; null when that is the reference row.
template <typename Layer>
std::unique_ptr<TiledKernel> MakeTiledKernel(std::span<const TiledKernelCandidate<Layer>> table,
                                             const Layer& layer, Isa level) {
  const TiledKernelCandidate<Layer>& chosen = ChooseKernel(table, layer, level);
  return chosen.entry ? chosen.entry(chosen.isa, layer) : nullptr;
}

}  // namespace trit
