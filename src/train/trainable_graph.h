// What the trainer trains: a LibTorch module that runs a trit graph and can write itself back
// as one. The fp32 TorchGraph and the quantization-aware QatGraph are the two kinds.
#pragma once

#include <torch/torch.h>

#include "core/graph.h"

namespace trit::train {

class TrainableGraph : public torch::nn::Module {
 public:
  // input: [N, H, W, C] (the graph input's shape with any batch size); returns the logits.
  virtual torch::Tensor forward(const torch::Tensor& input) = 0;
  // The graph with the trained parameters written back.
  virtual Graph ExportGraph() const = 0;
  // The graph being trained (its input shape drives the batcher).
  virtual const Graph& graph() const = 0;
  // Called before every optimizer step with the progress through training in [0, 1]:
  // pruning and blending schedules hang on it.
  virtual void BeginStep(double progress) {}
};

}  // namespace trit::train
