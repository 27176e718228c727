// LayerNorm spelled out, as exporters write it below opset 17 (which has LayerNormalization),
// becomes one LayerNorm node (part of quant::FoldForInference):
//   m = ReduceMean(x, axes, keepdims=1); c = x - m; v = ReduceMean(c^2, axes, keepdims=1)
//   y = c / Sqrt(v + epsilon) [* scale] [+ bias]
// with `axes` the trailing axes of x, c^2 as Pow(c, 2) or Mul(c, c), and scale and bias
// constants with one value per element of a row (shaped as the trailing axes, leading 1s
// allowed). Every intermediate node feeds only the next ones of the pattern; the last node of
// it becomes the LayerNorm.
#pragma once

#include <set>

#include "core/graph.h"

namespace trit::quant {

// Rewrites each spelled-out LayerNorm of `graph` (float values) in place; the other nodes of the
// pattern go into `removed` with their inputs cleared. Returns how many it fused.
int FoldSpelledOutLayerNorms(Graph& graph, std::set<NodeId>& removed);

}  // namespace trit::quant
