#include "core/op_type.h"

#include <string>

#include "core/error.h"
#include "core/op_def.h"

namespace trit {
std::string_view OpTypeName(OpType op) { return IsKnownOpType(op) ? GetOpDef(op).name : "invalid"; }

std::optional<OpType> ParseOpType(std::string_view name) {
  for (const OpDef& def : AllOpDefs()) {
    if (def.name == name) return def.op;
  }
  return std::nullopt;
}

Activation ParseActivation(std::string_view name) {
  if (name == "none") return Activation::kNone;
  if (name == "relu") return Activation::kRelu;
  if (name == "relu6") return Activation::kRelu6;
  throw Error(ErrorCode::kInvalidGraph, "unknown activation '" + std::string(name) + "'");
}

GeluApproximation ParseGeluApproximation(std::string_view name) {
  if (name == "none") return GeluApproximation::kNone;
  if (name == "tanh") return GeluApproximation::kTanh;
  throw Error(ErrorCode::kInvalidGraph,
              "Gelu: unknown approximate '" + std::string(name) + "' (none or tanh)");
}

}  // namespace trit
