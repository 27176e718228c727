// The op-definition table: one row per OpType (op_def.cc) holding what the IR knows about the op:
// its name, inputs and attributes, its shape function and type rule, how quantization treats it,
// and whether its output is a zero-copy alias of its input. Shape inference, validation, the op
// names and the quantizer read it; the layers above keep per-op tables of their own (the ONNX
// exporter, the trainer), built the same way (core/op_table.h).
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "core/op_type.h"
#include "core/shape.h"

namespace trit {

class Graph;
struct Node;

enum class AttrKind : uint8_t { kInt, kFloat, kString, kInts, kFloats };
std::string_view AttrKindName(AttrKind kind);  // "int", "float", "string", "int list", ...

struct AttrDef {
  std::string_view name;
  AttrKind kind;
  std::string_view fallback;  // the value readers use when it is absent; empty: required
};

// How the quantizer (quant/quantize_graph.cc) lowers an op whose input it quantized, and which
// scale and zero point the output then carries.
enum class QuantRule : uint8_t {
  kKeepsInputParams,   // runs on i8/u8; the output has the input's scale and zero point
  kJoinsInputs,        // Concat: runs on i8/u8; the output's own parameters where calibrated,
                       // else the first input's (the runtime rescales the other inputs)
  kRequantizes,        // runs on i8/u8 where the output is calibrated, with its own parameters
  kQuantizedWeights,   // Conv2D, Dense: weights quantized per the plan, i8/u8 in and out
  kStructuredWeights,  // int8 structured weight parts; the activations stay f32
  kBinarizes,          // Binarize: a binary output for the binary layers that read it
  kConvertsType,       // Quantize, Dequantize: the quantizer inserts them, a float graph has none
  kStaysFloat,         // f32 in and out
};

// max_inputs of ops whose inputs their layout parser counts (core/recurrent_layout.h,
// core/structured_layout.h).
inline constexpr int kInputsCountedByLayout = std::numeric_limits<int>::max();

struct OpDef {
  OpType op{};
  std::string_view name;  // stored in .trit files and used in every message about a node
  int min_inputs = 1;
  int max_inputs = 1;
  std::span<const AttrDef> attrs = {};
  // The output shape from the input shapes and attributes; throws kShape naming the node.
  // Called once the input count is within [min_inputs, max_inputs].
  Shape (*infer_shape)(const Graph&, const Node&) = nullptr;
  // The dtypes and quantization parameters the op takes; throws kInvalidGraph naming the node.
  void (*check_types)(const Graph&, const Node&) = nullptr;
  QuantRule quant = QuantRule::kStaysFloat;
  // The output is the input's bytes (the runtime plans both as one tensor), so binary tensors
  // pass through as well.
  bool alias = false;
};

bool IsKnownOpType(OpType op);
const OpDef& GetOpDef(OpType op);    // throws kInvalidGraph for a number outside the enumeration
std::span<const OpDef> AllOpDefs();  // indexed by OpType

// A quantized output without parameters of its own takes the input's (shape inference).
bool InheritsInputQuantParams(OpType op);

}  // namespace trit
