// Small graph surgery helpers shared by the folding, pruning and quantization passes.
#pragma once

#include <set>
#include <vector>

#include "core/graph.h"

namespace trit::quant {

// The nodes that read each value (index = value id).
std::vector<std::vector<NodeId>> Consumers(const Graph& graph);

// True when `value` is read by exactly one node and is not a graph output.
bool HasSingleConsumer(const Graph& graph, const std::vector<std::vector<NodeId>>& consumers,
                       ValueId value);

// Makes every reader of `from` (nodes and graph outputs) read `to` instead.
void ReplaceUses(Graph& graph, ValueId from, ValueId to);

// A copy of `graph` without `removed` nodes and without values nothing refers to any more.
// Value and node order are otherwise kept; shapes are re-inferred and the result validated.
Graph Compact(const Graph& graph, const std::set<NodeId>& removed);

// The float data of a constant f32 value.
std::vector<float> FloatData(const Value& value);
// Whether `v` is an f32 constant holding one value within `relative` of `expected` (the default:
// to float precision).
bool IsScalarConstant(const Graph& graph, ValueId v, float expected, float relative = 1e-7f);
void SetFloatData(Value& value, const std::vector<float>& data);
// An Add without a fused activation: the only Add the decomposed-op patterns may take in.
bool IsPlainAdd(const Node& node);

}  // namespace trit::quant
