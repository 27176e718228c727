// GELU spelled out, as exporters write it for opsets before 20 (which has no Gelu op), becomes one
// Gelu node (part of quant::FoldForInference):
//   erf form   x * (1 + Erf(x / sqrt 2)) * 0.5   (Div by sqrt 2 or Mul by 1/sqrt 2)
//   tanh form  x * (1 + Tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) * 0.5   (x^3 as Pow(x, 3) or
//              x * x * x)
// The three factors of the outer product may come in any order and grouping (PyTorch writes
// (x * (1 + erf)) * 0.5, TensorFlow 0.5 * x * (1 + erf), others x * (0.5 * (1 + erf))), the sums in
// either order. Constants match to relative 1e-6 (exporters print them with 7 to 17 digits).
// Every intermediate node must feed only the next one; the fused node replaces the outermost Mul.
#pragma once

#include <set>

#include "core/graph.h"

namespace trit::quant {

// Rewrites each spelled-out GELU of `graph` (float values only) in place: the outermost Mul
// becomes the Gelu node, the other nodes of the pattern go into `removed` with their inputs
// cleared. Nodes already in `removed` are not looked at. Returns how many it fused.
int FoldSpelledOutGelus(Graph& graph, std::set<NodeId>& removed);

}  // namespace trit::quant
