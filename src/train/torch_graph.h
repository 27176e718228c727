// A trit graph as a LibTorch module: the same IR, executed by LibTorch with autograd so that
// it can be trained, then written back into the graph. Activations are NHWC as in the IR;
// convolutions and pools run in LibTorch's NCHW and permute around it.
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "core/graph.h"
#include "train/trainable_graph.h"

namespace trit::train {

class TorchGraph : public TrainableGraph {
 public:
  // fp32 graphs with one input; weights initialised from the graph's constants.
  // Throws trit::Error (kUnsupported) naming the node for what it cannot train.
  explicit TorchGraph(const Graph& graph);

  // input: [N, H, W, C] (the graph's input shape with any batch size). Returns the first
  // graph output. Dropout and BatchNorm follow is_training().
  torch::Tensor forward(const torch::Tensor& input) override;

  // The graph with every trained parameter and BatchNorm statistic written back.
  Graph ExportGraph() const override;

  const Graph& graph() const override { return graph_; }

  // Gradual magnitude pruning of every recurrent cell's dense W and U to `sparsity` zeros:
  // the target follows Zhu & Gupta's cubic schedule from 0 to 60% of training, each matrix is
  // pruned to it before every step, and the export holds exactly the final sparsity. Throws
  // kInvalidArgument when the graph has no dense recurrent matrix.
  void PruneRecurrent(double sparsity);
  void BeginStep(double progress) override;

 private:
  // Zeroes the smallest-magnitude `sparsity` of t's elements.
  static void PruneTensor(torch::Tensor& t, double sparsity);

  torch::Tensor Param(ValueId id) const { return tensors_.at(id); }

  Graph graph_;
  std::vector<NodeId> order_;
  std::map<ValueId, torch::Tensor> tensors_;  // constants as parameters or buffers
  std::vector<ValueId> pruned_;
  double sparsity_ = 0.0;
};

}  // namespace trit::train
