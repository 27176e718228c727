// Factories of the op kernels, one per file in this folder; op_registry.cc dispatches to them.
#pragma once

#include <memory>

#include "runtime/op_kernel.h"

namespace trit::runtime {

std::unique_ptr<OpKernel> MakeConv2DKernel(const Graph& graph, const Node& node, ThreadPool* pool);
std::unique_ptr<OpKernel> MakeDenseKernel(const Graph& graph, const Node& node, ThreadPool* pool);
std::unique_ptr<OpKernel> MakePoolKernel(const Graph& graph, const Node& node);  // Max/Avg/Global
std::unique_ptr<OpKernel> MakePadKernel(const Graph& graph, const Node& node);
// Add/Mul/Sub/Div/Pow
std::unique_ptr<OpKernel> MakeElementwiseKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeTransposeKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeReduceMeanKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeMatMulKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeConcatKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeReshapeKernel(const Graph& graph,
                                            const Node& node);  // Reshape/Flatten/Dropout
std::unique_ptr<OpKernel> MakeActivationKernel(const Graph& graph,
                                               const Node& node);  // and Sqrt/Hard*
std::unique_ptr<OpKernel> MakeSoftmaxKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeBatchNormKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeBinarizeKernel(const Graph& graph, const Node& node);
// LSTM/GRU/FastRNN/FastGRNN
std::unique_ptr<OpKernel> MakeRecurrentKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeStructuredDenseKernel(const Graph& graph, const Node& node);
std::unique_ptr<OpKernel> MakeQuantizeKernel(const Graph& graph,
                                             const Node& node);  // Quantize/Dequantize

}  // namespace trit::runtime
