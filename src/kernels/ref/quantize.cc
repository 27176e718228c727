#include "kernels/ref/quantize.h"

#include <cmath>
#include <limits>

namespace trit::ref {

template <typename Out>
void QuantizeF32(int64_t count, const float* input, float scale, int32_t zero_point, Out* output) {
  constexpr float kLo = std::numeric_limits<Out>::min();
  constexpr float kHi = std::numeric_limits<Out>::max();
  for (int64_t i = 0; i < count; ++i) {
    // nearbyint rounds half to even in the default rounding mode; NaN maps to the zero point.
    float value = std::nearbyint(input[i] / scale) + static_cast<float>(zero_point);
    if (std::isnan(input[i])) value = static_cast<float>(zero_point);
    value = value < kLo ? kLo : (value > kHi ? kHi : value);
    output[i] = static_cast<Out>(value);
  }
}

template <typename In>
void DequantizeF32(int64_t count, const In* input, float scale, int32_t zero_point, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    output[i] = scale * static_cast<float>(static_cast<int32_t>(input[i]) - zero_point);
  }
}

template void QuantizeF32<int8_t>(int64_t, const float*, float, int32_t, int8_t*);
template void QuantizeF32<uint8_t>(int64_t, const float*, float, int32_t, uint8_t*);
template void DequantizeF32<int8_t>(int64_t, const int8_t*, float, int32_t, float*);
template void DequantizeF32<uint8_t>(int64_t, const uint8_t*, float, int32_t, float*);

}  // namespace trit::ref
