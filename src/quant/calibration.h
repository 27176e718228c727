// Calibration: statistics of every activation of an fp32 graph over a sample of inputs.
#pragma once

#include <map>
#include <string>

#include "core/graph.h"
#include "quant/activation_range.h"

namespace trit::quant {

// `samples` holds `count` inputs back to back, each as many floats as the graph input.
// Two passes over the samples: exact ranges first, then histograms over those ranges.
std::map<std::string, TensorStats> CollectActivationStats(const Graph& graph, const float* samples,
                                                          int64_t count);

}  // namespace trit::quant
