// The type rule of each op (OpDef::check_types): which dtypes and quantization parameters its
// inputs and output may have. Each throws kInvalidGraph with "node 'name' (Op): problem".
// Graph::Validate calls them once the graph's structure is checked.
#pragma once

#include "core/graph.h"

namespace trit {

// Conv2D, Dense: float, or a quantized or binary input with quantized weights.
void CheckLinearTypes(const Graph& graph, const Node& node);
void CheckQuantizeTypes(const Graph& graph, const Node& node);
void CheckDequantizeTypes(const Graph& graph, const Node& node);
void CheckBinarizeTypes(const Graph& graph, const Node& node);
// BatchNorm, LayerNorm: constant f32 parameters; the data input and output as CheckSameTypes; a
// known fused activation.
void CheckBatchNormTypes(const Graph& graph, const Node& node);
// Add: as CheckSameTypes, and a known fused activation.
void CheckAddTypes(const Graph& graph, const Node& node);
// The recurrent cells and StructuredDense: f32, with f32 or int8 structured weight parts.
void CheckStructuredTypes(const Graph& graph, const Node& node);
// f32 inputs only.
void CheckFloatOnlyTypes(const Graph& graph, const Node& node);
// Div: f32; or a quantized dividend and output with one f32 constant divisor (an 8-bit table).
void CheckDivTypes(const Graph& graph, const Node& node);
// A Div whose divisor is one f32 constant: the Div that has an 8-bit form.
bool DividesByOneConstant(const Graph& graph, const Node& node);
// Float in, float out; or quantized in, quantized out with one scale each; aliases also binary in,
// binary out.
void CheckSameTypes(const Graph& graph, const Node& node);

}  // namespace trit
