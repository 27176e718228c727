#include "kernels/ref/batch_norm.h"

#include <cmath>

#include "kernels/requantize.h"

namespace trit::ref {

void BatchNormF32(int64_t positions, int64_t channels, const float* input, const float* gamma,
                  const float* beta, const float* mean, const float* variance, float epsilon,
                  float* output) {
  for (int64_t p = 0; p < positions; ++p) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t i = p * channels + c;
      output[i] = (input[i] - mean[c]) / std::sqrt(variance[c] + epsilon) * gamma[c] + beta[c];
    }
  }
}

void ChannelAffineF32(int64_t positions, int64_t channels, const float* input, const float* scale,
                      const float* shift, float* output) {
  for (int64_t p = 0; p < positions; ++p) {
    const float* x = input + p * channels;
    float* y = output + p * channels;
    for (int64_t c = 0; c < channels; ++c) y[c] = x[c] * scale[c] + shift[c];
  }
}

template <typename In, typename Out>
void BatchNormQ8(int64_t positions, int64_t channels, const In* input, int32_t input_zero_point,
                 const int64_t* multiplier, const int64_t* offset, int32_t shift,
                 int32_t output_zero_point, int32_t lo, int32_t hi, Out* output) {
  for (int64_t p = 0; p < positions; ++p) {
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t i = p * channels + c;
      const int64_t scaled =
          (static_cast<int64_t>(input[i]) - input_zero_point) * multiplier[c] + offset[c];
      const int64_t value = output_zero_point + RoundingShiftRight(scaled, shift);
      output[i] = static_cast<Out>(value < lo ? lo : (value > hi ? hi : value));
    }
  }
}

#define TRIT_INSTANTIATE_BN(In, Out)                                                       \
  template void BatchNormQ8<In, Out>(int64_t, int64_t, const In*, int32_t, const int64_t*, \
                                     const int64_t*, int32_t, int32_t, int32_t, int32_t, Out*);
TRIT_INSTANTIATE_BN(int8_t, int8_t)
TRIT_INSTANTIATE_BN(int8_t, uint8_t)
TRIT_INSTANTIATE_BN(uint8_t, int8_t)
TRIT_INSTANTIATE_BN(uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_BN

}  // namespace trit::ref
