// DeepChip's QAT recipe, as its published training code (TensorFlow + Tensorpack, after TTQ)
// does it: per-layer TTQ ternary weights (threshold 0.05 x max|W|, Wp and Wn trained from 1.0,
// the latent weights' gradient scaled by Wp / 1 / Wn, Wp and Wn's by the plain sums), every
// activation clipped to [0, 1] and quantized to uint8 with step 1/255, first and last layer in
// fp32, BatchNorm and biases in fp32, trained with batch statistics and folded at export.
#pragma once

#include "core/graph.h"
#include "quant/fold.h"
#include "quant/quantize_graph.h"
#include "train/qat_graph.h"

namespace trit::train {

// Rewrites `plan` (made for `folded`, activations already listed) and `qat` into the recipe.
// `fold` is the report of the fold that made `folded`. Throws kInvalidArgument for a graph
// with fewer than 3 Conv2D/Dense layers.
void ApplyDeepChipPreset(const Graph& folded, const quant::FoldReport& fold, quant::QuantPlan& plan,
                         QatOptions& qat);

}  // namespace trit::train
