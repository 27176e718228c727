// Inference folding, on every import and before every compression; the result computes the
// same function in fp32 with fewer ops and tensors, and gives the quantizer one requantization
// per layer instead of three:
// - BatchNorm into the preceding Conv2D/Dense; a per-channel constant Mul, Div, Add or Sub after
//   one into its weights and bias (quant/fold_constants.h);
// - ReLU/ReLU6 into the fused activation of the layer, the Add (a residual block's sum) or the
//   BatchNorm left standing (a pre-activation block's) before it (also across a MaxPool, which
//   commutes with ReLU);
// - Mul(x, Sigmoid(x)) into one Silu, Mul(x, Tanh(Softplus(x))) into one Mish,
//   Mul(x, HardSigmoid(x; 1/6, 1/2)) into one HardSwish, hard-sigmoid and hard-swish spelled
//   out as Add, Clip, Mul and Div into theirs, GELU's erf and tanh forms into one Gelu
//   (quant/fold_gelu.h), LayerNorm spelled out into one LayerNorm (quant/fold_layer_norm.h);
// - a ReduceMean over H and W into a GlobalAvgPool;
// - Dropout removed, duplicate nodes computed once, unread nodes removed;
// - a recurrent cell's bias pair added into one vector where that is exact
//   (core/recurrent_layout.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

// A BatchNorm as it was before folding, with the bias of the layer it was folded into: what QAT
// recipes that train BatchNorm live need to undo the fold.
struct FoldedBatchNorm {
  std::vector<float> gamma, beta, mean, var;
  double epsilon = 1e-5;
  std::vector<float> layer_bias;  // the layer's own bias (zeros where it had none)
  // gamma / sqrt(var + eps) per channel: what multiplied each output channel's weights.
  std::vector<float> Gains() const;
};

struct FoldReport {
  int batch_norms_folded = 0;
  int activations_fused = 0;
  int silus_fused = 0;          // Mul(x, Sigmoid(x)) -> Silu(x)
  int mishes_fused = 0;         // Mul(x, Tanh(Softplus(x))) -> Mish(x)
  int hard_swishes_fused = 0;   // Mul(x, HardSigmoid(x; 1/6, 1/2)) -> HardSwish(x), and spelled out
  int hard_sigmoids_fused = 0;  // Clip(x + 3, 0, 6) / 6 -> HardSigmoid(x; 1/6, 1/2)
  int gelus_fused = 0;          // erf and tanh forms spelled out -> Gelu (quant/fold_gelu.h)
  int layer_norms_fused = 0;    // spelled out -> LayerNorm (quant/fold_layer_norm.h)
  int constants_folded = 0;     // into a layer's weights and bias (quant/fold_constants.h)
  int duplicates_merged = 0;    // the same op, inputs and attributes: computed once
  int dead_nodes_removed = 0;   // nothing read their outputs
  int reduce_means_pooled = 0;  // ReduceMean over H and W -> GlobalAvgPool (+ Reshape)
  int dropouts_removed = 0;
  int recurrent_bias_pairs_folded = 0;                 // one per direction
  std::map<std::string, FoldedBatchNorm> batch_norms;  // by the name of the layer it joined
};

Graph FoldForInference(const Graph& graph, FoldReport* report = nullptr);

// "folded 2 BatchNorm, fused 3 activations, removed 1 Dropout[, fused 2 GELU][, fused 4 SiLU][,
// fused 1 Mish][, fused 1 hard-sigmoid][, fused 2 hard-swish][, added 1 recurrent bias pair]\n"
std::string FoldSummary(const FoldReport& report);

}  // namespace trit::quant
