// The float ops of the IR in LibTorch (autograd), shared by the fp32 trainer and QAT.
// Activations are NHWC; conv weights arrive as LibTorch's OIHW.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "core/graph.h"
#include "core/op_params.h"

namespace trit::train {

inline torch::Tensor ToNchw(const torch::Tensor& x) { return x.permute({0, 3, 1, 2}); }
inline torch::Tensor ToNhwc(const torch::Tensor& x) { return x.permute({0, 2, 3, 1}).contiguous(); }

// Zero (or -inf) padding of an NCHW tensor by [top, left, bottom, right].
inline torch::Tensor PadSpatial(const torch::Tensor& x, const WindowParams& p, double value) {
  if (p.pad_top == 0 && p.pad_left == 0 && p.pad_bottom == 0 && p.pad_right == 0) return x;
  return torch::constant_pad_nd(x, {p.pad_left, p.pad_right, p.pad_top, p.pad_bottom}, value);
}

// A fused activation (Conv2D, Dense, StructuredDense).
inline torch::Tensor Activate(const torch::Tensor& x, Activation a) {
  switch (a) {
    case Activation::kRelu:
      return torch::relu(x);
    case Activation::kRelu6:
      return torch::clamp(x, 0.0, 6.0);
    default:
      return x;
  }
}

// One float node. Reshape takes its target from the graph with the batch replaced by the
// actual one; Dropout and BatchNorm follow `training`.
torch::Tensor RunFloatOp(const Graph& graph, const Node& node, const std::vector<torch::Tensor>& in,
                         bool training);

// Throws trit::Error(kUnsupported) naming the node and what cannot be trained.
[[noreturn]] void Unsupported(const Node& node, const std::string& what);

}  // namespace trit::train
