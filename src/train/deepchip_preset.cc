#include "train/deepchip_preset.h"

#include "core/error.h"

namespace trit::train {

void ApplyDeepChipPreset(const Graph& folded, const quant::FoldReport& fold, quant::QuantPlan& plan,
                         QatOptions& qat) {
  const std::vector<NodeId> layers = quant::LinearLayers(folded);
  if (layers.size() < 3) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "--preset deepchip needs at least 3 Conv2D/Dense layers (first and last stay fp32)");
  }
  quant::WeightSpec ternary;
  ternary.type = quant::WeightType::kTernary;
  ternary.per_channel = false;
  ternary.ternary_threshold = 0.05;
  plan.default_weights = ternary;
  plan.layers.clear();
  const std::string first = folded.node(layers.front()).name;
  const std::string last = folded.node(layers.back()).name;
  plan.layers[first].type = quant::WeightType::kF32;
  plan.layers[last].type = quant::WeightType::kF32;
  for (auto& [name, params] : plan.activations) {
    params.dtype = DType::kU8;
    params.quant = QuantParams::PerTensor(1.0f / 255.0f, 0);
  }
  qat.trained_ternary_scales = true;
  qat.ternary_scale_start = 1.0;
  qat.scale_ternary_gradients = false;
  // The fp32 first and last layers keep theirs folded (QatGraph trains BatchNorm live in
  // quantized layers only); DeepChip's ConvNet has none there.
  qat.batch_norms = fold.batch_norms;
  qat.batch_norms.erase(first);
  qat.batch_norms.erase(last);
}

}  // namespace trit::train
