// The Cortex-M family's kernel table for Conv2D and Dense with 8-bit activations: the rows the
// freestanding runtime picks from when it is compiled (at the level CompiledCortexMIsa()), and
// that trit deploy reads with a target's level to name each layer's kernel in its report. The
// entries are names of kernels, not pointers to them: a host build has no Cortex-M code, and
// the runtime maps each entry to its run function (micro/ops_linear.cc).
#pragma once

#include <span>

#include "core/dtype.h"
#include "kernels/registry/kernel_candidate.h"

namespace trit {

struct CortexMLinearProblem {
  DType input, weights, output;
  int groups = 1, in_channels = 1, out_channels = 1;
};

enum class CortexMLinear { kReference, kConvDsp, kConvMve, kDepthwiseDsp, kDepthwiseMve };

using CortexMLinearCandidate = KernelCandidate<CortexMLinearProblem, CortexMLinear>;

std::span<const CortexMLinearCandidate> CortexMLinearKernels();

// Pools with 8-bit activations, every 8-bit layer. MaxPool that rescales takes the max, then
// maps it through a 256-entry table of the rescale (q8_lookup.h); AvgPool and GlobalAvgPool
// rescale as part of the average.
struct CortexMPoolProblem {
  DType type = DType::kI8;
  bool rescaled = false;
};

enum class CortexMPool { kReference, kMaxDsp, kMaxMve, kAvgDsp, kAvgMve };

using CortexMPoolCandidate = KernelCandidate<CortexMPoolProblem, CortexMPool>;

std::span<const CortexMPoolCandidate> CortexMMaxPoolKernels();
std::span<const CortexMPoolCandidate> CortexMAvgPoolKernels();

// Add with 8-bit activations: the fast kernel takes inputs of the output's shape (no
// broadcasting) and the multipliers and shift its exact arithmetic allows (q8_add.h).
struct CortexMAddProblem {
  bool same_shapes = false;
  bool exact = false;      // cortex_m::AddQ8DspTakes
  bool exact_mve = false;  // cortex_m::AddQ8MveTakes
};

enum class CortexMAdd { kReference, kDsp, kMve };

using CortexMAddCandidate = KernelCandidate<CortexMAddProblem, CortexMAdd>;

std::span<const CortexMAddCandidate> CortexMAddKernels();

// Relu and Clip with 8-bit activations: between tensors of one type and quantization a clamp of
// the levels; otherwise the rescale and clamp of each of the 256 input levels in a table built
// when the layer is prepared (q8_lookup.h).
struct CortexMClampProblem {
  DType type = DType::kI8;
  bool same_quantization = false;
};

enum class CortexMClamp { kReference, kDsp, kMve, kLookup, kLookupMve };

using CortexMClampCandidate = KernelCandidate<CortexMClampProblem, CortexMClamp>;

std::span<const CortexMClampCandidate> CortexMClampKernels();

// BatchNorm with 8-bit activations: the 32-bit split of q8_batch_norm.h, where the layer's shift
// allows it (BatchNormQ8Takes).
struct CortexMBatchNormProblem {
  bool split = false;
};

enum class CortexMBatchNorm { kReference, kSplit, kSplitMve };

using CortexMBatchNormCandidate = KernelCandidate<CortexMBatchNormProblem, CortexMBatchNorm>;

std::span<const CortexMBatchNormCandidate> CortexMBatchNormKernels();

// The int8 row products of the recurrent cells (dense rows and low-rank parts): Helium's dot
// product (q8_dot_mve.h) or the portable loop.
enum class CortexMDot { kReference, kMve };

using CortexMDotCandidate = KernelCandidate<bool, CortexMDot>;

std::span<const CortexMDotCandidate> CortexMDotKernels();

}  // namespace trit
