// Two passes of quant::FoldForInference that leave the function as it is and the graph smaller:
//
// A Mul, Div, Add or Sub of a Conv2D's or Dense's output by a constant that is one value per
// output channel (or one value), where the layer has no fused activation and feeds only that
// node, goes into the layer: Mul and Div scale the weight rows and the bias, Add and Sub shift
// the bias (`v - c` only: `c - v` would negate the weights). Exporters write these for a
// normalization after a layer, a folded scale, or a BatchNorm they spelled out; quantized, each
// would be a requantization of its own.
//
// Duplicate nodes (the same op, inputs and attributes) are computed once, and nodes whose
// outputs nothing reads are removed.
#pragma once

#include <set>

#include "core/graph.h"

namespace trit::quant {

// Each folded node's inputs are cleared and it joins `removed`; the layer's weights and bias
// become new constants (the old ones may be shared). Returns how many were folded.
int FoldConstantsIntoLinearLayers(Graph& graph, std::set<NodeId>& removed);

// Returns how many nodes were merged into an earlier duplicate.
int MergeDuplicateNodes(Graph& graph, std::set<NodeId>& removed);

// Returns how many nodes were removed because no node or graph output reads what they compute.
int RemoveDeadNodes(Graph& graph, std::set<NodeId>& removed);

}  // namespace trit::quant
