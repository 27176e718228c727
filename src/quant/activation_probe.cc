#include "quant/activation_probe.h"

#include <cstring>

#include "core/error.h"

namespace trit::quant {

ActivationProbe::ActivationProbe(const Graph& graph) {
  Graph probe = graph;
  if (probe.inputs().size() != 1 || probe.value(probe.inputs()[0]).dtype != DType::kF32) {
    throw Error(ErrorCode::kUnsupported, "calibration needs a graph with one f32 input");
  }
  probe.mutable_outputs().clear();
  for (size_t v = 0; v < probe.values().size(); ++v) {
    const Value& value = probe.values()[v];
    if (value.is_constant() || static_cast<ValueId>(v) == probe.inputs()[0]) continue;
    probe.MarkOutput(static_cast<ValueId>(v));
    names_.push_back(value.name);
  }
  session_ = runtime::Session::FromGraph(std::move(probe));
  input_elements_ = session_->input_bytes(0) / sizeof(float);
}

void ActivationProbe::Run(const float* input) {
  std::memcpy(session_->input_data(0), input, input_elements_ * sizeof(float));
  session_->Run();
}

void ActivationProbe::RealValues(size_t i, std::vector<float>& out) const {
  const Value& v = session_->output(i);
  const size_t count = static_cast<size_t>(NumElements(v.shape));
  out.resize(count);
  const void* data = session_->output_data(i);
  switch (v.dtype) {
    case DType::kF32:
      std::memcpy(out.data(), data, count * sizeof(float));
      return;
    case DType::kI8:
    case DType::kU8: {
      const float scale = v.quant.scale[0];
      const int32_t zero = v.quant.zero_point[0];
      for (size_t k = 0; k < count; ++k) {
        const int32_t q = v.dtype == DType::kI8 ? static_cast<const int8_t*>(data)[k]
                                                : static_cast<const uint8_t*>(data)[k];
        out[k] = scale * static_cast<float>(q - zero);
      }
      return;
    }
    default:
      throw Error(ErrorCode::kUnsupported, "tensor '" + v.name + "' has no real value to probe");
  }
}

}  // namespace trit::quant
