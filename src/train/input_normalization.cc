#include "train/input_normalization.h"

#include <string>

#include "core/error.h"

namespace trit::train {

Graph PrependNormalization(const Graph& graph, const std::vector<float>& mean,
                           const std::vector<float>& std) {
  Graph g = graph;
  const ValueId input = g.inputs().at(0);
  const int64_t channels = g.value(input).shape.back();
  auto per_channel = [&](const std::vector<float>& values, float fallback, const char* what) {
    if (values.empty()) return std::vector<float>(static_cast<size_t>(channels), fallback);
    if (values.size() == 1) return std::vector<float>(static_cast<size_t>(channels), values[0]);
    if (static_cast<int64_t>(values.size()) != channels) {
      throw Error(ErrorCode::kShape, std::string(what) + " needs 1 or " + std::to_string(channels) +
                                         " values, got " + std::to_string(values.size()));
    }
    return values;
  };
  std::vector<float> shift = per_channel(mean, 0.0f, "--mean");
  std::vector<float> scale = per_channel(std, 1.0f, "--std");
  for (float& m : shift) m = -m;
  for (float& s : scale) {
    if (!(s > 0.0f)) throw Error(ErrorCode::kInvalidArgument, "--std values must be positive");
    s = 1.0f / s;
  }
  // Everything that read the input now reads the normalized tensor.
  const ValueId mean_id =
      g.AddConstant("input.mean_negated", DType::kF32, {channels}, Buffer::FromVector(shift));
  const ValueId scale_id =
      g.AddConstant("input.inverse_std", DType::kF32, {channels}, Buffer::FromVector(scale));
  const size_t old_nodes = g.nodes().size();
  const ValueId centered = g.AddNode(OpType::kAdd, "input.center", {input, mean_id});
  const ValueId normalized = g.AddNode(OpType::kMul, "input.scale", {centered, scale_id});
  for (size_t n = 0; n < old_nodes; ++n) {
    for (ValueId& in : g.nodes()[n].inputs) {
      if (in == input) in = normalized;
    }
  }
  for (ValueId& out : g.mutable_outputs()) {
    if (out == input) out = normalized;
  }
  g.InferShapes();
  g.Validate();
  return g;
}

}  // namespace trit::train
