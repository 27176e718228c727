// Structured (channel) pruning: removes the weakest output channels of a Conv2D/Dense layer and
// the inputs of the next layer that read them, so the network really gets smaller and faster.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

struct PrunedChannels {
  std::string node;
  int64_t channels_before = 0;
  std::vector<int64_t> kept;  // indices of the surviving output channels, ascending
};

// Removes `fraction` of the output channels (rounded down, at least one kept) of every f32
// Conv2D (groups = 1) / Dense layer whose output reaches exactly one next Conv2D/Dense through
// channel-wise ops only (activations, pools, Pad, Dropout, BatchNorm, one Flatten). Channels
// are ranked by the L1 norm of their weights, times |gamma / sqrt(var + eps)| of a BatchNorm on
// the way. Layers that feed anything else (Add, Concat, graph outputs), share their weights, or
// are named in `skip` keep all their channels. The kept channels compute exactly what they did;
// the next layer just stops reading the removed ones. Returns the layers that lost channels.
std::vector<PrunedChannels> PruneChannels(Graph& graph, double fraction,
                                          const std::set<std::string>& skip = {});

}  // namespace trit::quant
