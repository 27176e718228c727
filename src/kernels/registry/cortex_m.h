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

}  // namespace trit
