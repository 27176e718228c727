#include "kernels/ref/softmax.h"

#include <algorithm>
#include <cmath>

namespace trit::ref {

void SoftmaxF32(int64_t outer, int64_t axis, int64_t inner, const float* input, float* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* in = input + o * axis * inner + i;
      float* out = output + o * axis * inner + i;
      float max_value = in[0];
      for (int64_t a = 1; a < axis; ++a) max_value = std::max(max_value, in[a * inner]);
      float sum = 0.0f;
      for (int64_t a = 0; a < axis; ++a) {
        out[a * inner] = std::exp(in[a * inner] - max_value);
        sum += out[a * inner];
      }
      for (int64_t a = 0; a < axis; ++a) out[a * inner] /= sum;
    }
  }
}

template <typename In, typename Out>
void SoftmaxQ8(int64_t outer, int64_t axis, int64_t inner, const In* input,
               const int32_t* exp_table, int64_t inv_scale, int32_t output_zero_point, int32_t lo,
               int32_t hi, Out* output) {
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const In* in = input + o * axis * inner + i;
      Out* out = output + o * axis * inner + i;
      int32_t max_value = in[0];
      for (int64_t a = 1; a < axis; ++a) max_value = std::max<int32_t>(max_value, in[a * inner]);
      int64_t sum = 0;
      for (int64_t a = 0; a < axis; ++a) sum += exp_table[max_value - in[a * inner]];
      const int64_t denominator = sum << 16;
      for (int64_t a = 0; a < axis; ++a) {
        const int64_t numerator = exp_table[max_value - in[a * inner]] * inv_scale + (sum << 15);
        const int64_t level = output_zero_point + numerator / denominator;  // both >= 0: floor
        out[a * inner] = static_cast<Out>(level < lo ? lo : (level > hi ? hi : level));
      }
    }
  }
}

#define TRIT_INSTANTIATE_SOFTMAX(In, Out)                                                         \
  template void SoftmaxQ8<In, Out>(int64_t, int64_t, int64_t, const In*, const int32_t*, int64_t, \
                                   int32_t, int32_t, int32_t, Out*);
TRIT_INSTANTIATE_SOFTMAX(int8_t, int8_t)
TRIT_INSTANTIATE_SOFTMAX(int8_t, uint8_t)
TRIT_INSTANTIATE_SOFTMAX(uint8_t, int8_t)
TRIT_INSTANTIATE_SOFTMAX(uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_SOFTMAX

}  // namespace trit::ref
