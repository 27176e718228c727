// Structured weight matrices (core/structured_layout.h) in LibTorch: built from their parts with
// autograd through every part (Kronecker factors, low-rank factors, HMD blocks are what is
// trained), their int8 fake quantization, and the StructuredDense op.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "core/graph.h"
#include "core/structured_layout.h"

namespace trit::train {

// The dense matrix [rows, cols] a structured slot stands for, from the node's input tensors.
torch::Tensor MaterializeStructured(const StructuredSlot& slot,
                                    const std::vector<torch::Tensor>& in);

// A structured part rounded to int8 levels as quant/structured_weights.h does (one scale per row
// or per part), with straight-through gradients.
torch::Tensor FakeQuantStructuredPart(const torch::Tensor& latent, bool per_row);

// Each vector along the last axis rounded to int8 levels of its own scale max|v| / 127, as the
// runtime quantizes a product's input for int8 weights; straight-through gradients.
torch::Tensor FakeQuantVectors(const torch::Tensor& v);

// StructuredDense on x [..., K]; `in` are the node's inputs in order. With `int8_products`, x
// is fake-quantized per vector (quantization-aware training of int8 weights).
torch::Tensor RunStructuredDenseOp(const Graph& graph, const Node& node,
                                   const std::vector<torch::Tensor>& in,
                                   bool int8_products = false);

}  // namespace trit::train
