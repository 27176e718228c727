// Inference folding: BatchNorm into the preceding Conv2D/Dense, ReLU/ReLU6 into the conv's fused
// activation (also across a MaxPool, which commutes with ReLU), Dropout removed. The result
// computes the same function in fp32 with fewer ops and tensors, and gives the quantizer one
// requantization per layer instead of three.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

struct FoldReport {
  int batch_norms_folded = 0;
  int activations_fused = 0;
  int dropouts_removed = 0;
  // Layer name -> gamma / sqrt(var + eps) of the BatchNorm folded into it, per channel: what
  // was multiplied into each output channel's weights (QAT recipes that keep BN apart undo it).
  std::map<std::string, std::vector<float>> batch_norm_gains;
};

Graph FoldForInference(const Graph& graph, FoldReport* report = nullptr);

}  // namespace trit::quant
