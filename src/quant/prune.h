// Magnitude pruning of fp32 Conv2D/Dense weights: unstructured (per layer, or one global
// threshold), and structured channel pruning that removes whole filters and the inputs of the
// next layer that read them, so the network really gets smaller.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

struct LayerSparsity {
  std::string node;
  int64_t weights = 0;
  int64_t zeros = 0;
};

// Zeroes the smallest-magnitude weights so that `sparsity` of them are 0: in every layer
// (global = false) or over all layers together with one threshold (global = true).
// Layers named in `skip` are left alone.
std::vector<LayerSparsity> PruneMagnitude(Graph& graph, double sparsity, bool global,
                                          const std::set<std::string>& skip = {});

// Per-layer targets: zeroes the smallest-magnitude `sparsity` of each named layer's weights.
std::vector<LayerSparsity> PruneMagnitudePerLayer(Graph& graph,
                                                  const std::map<std::string, double>& sparsity);

// Block pruning: blocks of kPruneBlockChannels output channels x kPruneBlockDepth input
// channels at one kernel tap, the blocks the AVX-512 int8 GEMM skips (docs/kernels.md, "Block
// sparsity"). Weights are [Cout, taps..., Cin] (OHWI) or [Cout, K]; blocks at the edges hold
// what is left. A block's magnitude is its weights' sum of squares.
inline constexpr int64_t kPruneBlockChannels = 16, kPruneBlockDepth = 4;

// Per-layer targets by blocks: zeroes the round(sparsity x blocks) blocks of least magnitude
// in each named Conv2D (groups 1) or Dense layer. Grouped and depthwise convolutions, which no
// block kernel runs, are pruned weight by weight instead.
std::vector<LayerSparsity> PruneBlocksPerLayer(Graph& graph,
                                               const std::map<std::string, double>& sparsity);

// The sparsity target of Zhu & Gupta's gradual pruning at `step` of a schedule that starts at
// `begin` and reaches `final_sparsity` at `end`: s = final * (1 - (1 - t)^3).
double CubicSparsity(double final_sparsity, int64_t step, int64_t begin, int64_t end);

// Fraction of zero weights per Conv2D/Dense layer.
std::vector<LayerSparsity> MeasureSparsity(const Graph& graph);

}  // namespace trit::quant
