// The shape function of each op (OpDef::infer_shape): the output shape from the input shapes and
// attributes. Each throws kShape with "node 'name' (Op): problem".
#pragma once

#include <string>

#include "core/graph.h"

namespace trit {

[[noreturn]] void FailShape(const Node& node, const std::string& problem);

Shape InferConv2DShape(const Graph& graph, const Node& node);
Shape InferDenseShape(const Graph& graph, const Node& node);
Shape InferPoolShape(const Graph& graph, const Node& node);  // MaxPool, AvgPool
Shape InferGlobalAvgPoolShape(const Graph& graph, const Node& node);
Shape InferBroadcastShape(const Graph& graph, const Node& node);  // Add, Mul, Sub, Div, Pow
Shape InferMatMulShape(const Graph& graph, const Node& node);
Shape InferTransposeShape(const Graph& graph, const Node& node);
Shape InferReduceMeanShape(const Graph& graph, const Node& node);
Shape InferConcatShape(const Graph& graph, const Node& node);
Shape InferReshapeShape(const Graph& graph, const Node& node);
Shape InferFlattenShape(const Graph& graph, const Node& node);
Shape InferSoftmaxShape(const Graph& graph, const Node& node);
Shape InferBatchNormShape(const Graph& graph, const Node& node);
Shape InferLayerNormShape(const Graph& graph, const Node& node);
Shape InferPadShape(const Graph& graph, const Node& node);
Shape InferRecurrentShape(const Graph& graph, const Node& node);  // LSTM, GRU, FastRNN, FastGRNN
Shape InferStructuredDenseShape(const Graph& graph, const Node& node);
Shape InferSameShape(const Graph& graph, const Node& node);  // the input's shape
Shape InferGeluShape(const Graph& graph, const Node& node);  // and checks `approximate`

}  // namespace trit
