// trit graph IR -> ONNX (opset 14), so that ONNX Runtime can run the same network.
//
// Float graphs become plain ONNX. Quantized graphs become QDQ: every i8/u8 tensor is a
// QuantizeLinear/DequantizeLinear pair with its scale and zero point; quantized weights are
// int8 initializers (ternary, int4, int2 levels included) read through DequantizeLinear with
// their per-channel scales, biases int32 at scale s_x * s_w. Rank-4 inputs and outputs are NCHW,
// as ONNX convention has them (a graph that already converts its input from NCHW, as an
// imported one does, keeps it); inside, the spatial ops work on NCHW.
#pragma once

#include <string>

#include "core/graph.h"

namespace onnx {
class ModelProto;
}

namespace trit::onnx_export {

// Throws trit::Error (kUnsupported) naming the node when an op has no ONNX form (Binarize,
// binary activations).
onnx::ModelProto ToOnnx(const Graph& graph);

// ToOnnx, written atomically.
void ExportModel(const Graph& graph, const std::string& path);

}  // namespace trit::onnx_export
