// Folds input normalization into a graph: y = (x - mean) / std per channel, as Add and Mul
// nodes in front of everything that read the input. The exported model then takes raw
// [0, 1] samples, in training, in `trit eval` and on the device alike.
#pragma once

#include <vector>

#include "core/graph.h"

namespace trit::train {

// mean/std: one value, or one per channel of the (channels-last) input. Throws kShape.
Graph PrependNormalization(const Graph& graph, const std::vector<float>& mean,
                           const std::vector<float>& std);

}  // namespace trit::train
