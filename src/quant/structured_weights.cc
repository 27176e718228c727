#include "quant/structured_weights.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace trit::quant {

Value QuantizeStructuredPart(const Value& part, bool per_row) {
  per_row = per_row && !part.shape.empty() && part.shape[0] > 0;  // an empty top part: one scale
  const int64_t count = NumElements(part.shape);
  const int64_t rows = per_row ? part.shape[0] : 1;
  const int64_t per_scale = count / std::max<int64_t>(rows, 1);
  const float* w = part.data->as<float>();
  std::vector<float> scales(static_cast<size_t>(rows));
  std::vector<int8_t> levels(static_cast<size_t>(count));
  for (int64_t r = 0; r < rows; ++r) {
    float largest = 0.0f;
    for (int64_t i = 0; i < per_scale; ++i)
      largest = std::max(largest, std::fabs(w[r * per_scale + i]));
    const float scale = largest > 0.0f ? largest / 127.0f : 1.0f;
    scales[static_cast<size_t>(r)] = scale;
    for (int64_t i = 0; i < per_scale; ++i) {
      const float level = std::round(w[r * per_scale + i] / scale);
      levels[static_cast<size_t>(r * per_scale + i)] =
          static_cast<int8_t>(std::clamp(level, -127.0f, 127.0f));
    }
  }
  Value q = part;
  q.dtype = DType::kI8;
  q.data = Buffer::FromVector(levels);
  q.quant = {};
  q.quant.scale = scales;
  q.quant.zero_point.assign(scales.size(), 0);
  q.quant.axis = per_row ? 0 : -1;
  return q;
}

}  // namespace trit::quant
