#include "core/op_type.h"

#include <array>
#include <string>

#include "core/error.h"

namespace trit {
namespace {
constexpr std::array<std::string_view, kNumOpTypes> kNames = {
    "Conv2D",     "Dense",     "MaxPool",    "AvgPool",     "GlobalAvgPool",
    "Add",        "Mul",       "Concat",     "Reshape",     "Flatten",
    "Relu",       "Clip",      "Sigmoid",    "Tanh",        "Softmax",
    "BatchNorm",  "Quantize",  "Dequantize", "Pad",         "Dropout",
    "Binarize",   "Sub",       "Div",        "Pow",         "Sqrt",
    "ReduceMean", "Transpose", "MatMul",     "HardSigmoid", "HardSwish",
    "LSTM",       "GRU",       "FastRNN",    "FastGRNN",    "StructuredDense"};
}  // namespace

std::string_view OpTypeName(OpType op) {
  const auto index = static_cast<size_t>(op);
  return index < kNames.size() ? kNames[index] : "invalid";
}

std::optional<OpType> ParseOpType(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<OpType>(i);
  }
  return std::nullopt;
}

Activation ParseActivation(std::string_view name) {
  if (name == "none") return Activation::kNone;
  if (name == "relu") return Activation::kRelu;
  if (name == "relu6") return Activation::kRelu6;
  throw Error(ErrorCode::kInvalidGraph, "unknown activation '" + std::string(name) + "'");
}

}  // namespace trit
