// The recurrent cells in LibTorch (autograd through every part of a structured W and U: the
// Kronecker factors, low-rank factors and HMD blocks are what is trained). Same semantics as
// kernels/ref/recurrent.h: W x for the whole sequence as one product, U h step by step.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/graph.h"
#include "core/recurrent_layout.h"

namespace trit::train {

// LSTM / GRU / FastRNN / FastGRNN on x [N, T, I]; `in` are the node's inputs in order. With
// `int8_products`, every vector that meets W or U (x_t, h, a GRU's r * h) is fake-quantized to
// int8 as the runtime quantizes it (symmetric, max |v| / 127 per vector; straight-through
// gradients): quantization-aware training of int8 cells.
torch::Tensor RunRecurrentOp(const Graph& graph, const Node& node,
                             const std::vector<torch::Tensor>& in, bool int8_products = false);

}  // namespace trit::train
