// Accuracy of a .trit model on a dataset, computed by our runtime (the number users trust).
#pragma once

#include <cstdint>
#include <vector>

#include "core/graph.h"
#include "data/dataset.h"

namespace trit::cli {

struct Evaluation {
  int64_t samples = 0;
  double top1 = 0.0;
  double top5 = -1.0;  // only with more than 5 classes
  int32_t num_classes = 0;
  std::vector<std::vector<int64_t>> confusion;  // [true class][predicted class]
  std::vector<int32_t> predictions;             // top-1 class of each sample
};

// Runs the graph with a batched copy of its input, split over `threads` sessions.
Evaluation Evaluate(const Graph& graph, const data::Dataset& dataset, int threads, int64_t limit);

}  // namespace trit::cli
