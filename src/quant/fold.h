// Inference folding: BatchNorm into the preceding Conv2D/Dense, ReLU/ReLU6 into the conv's fused
// activation (also across a MaxPool, which commutes with ReLU), Dropout removed. The result
// computes the same function in fp32 with fewer ops and tensors, and gives the quantizer one
// requantization per layer instead of three.
#pragma once

#include "core/graph.h"

namespace trit::quant {

struct FoldReport {
  int batch_norms_folded = 0;
  int activations_fused = 0;
  int dropouts_removed = 0;
};

Graph FoldForInference(const Graph& graph, FoldReport* report = nullptr);

}  // namespace trit::quant
