#include "kernels/ref/dense.h"

#include <algorithm>

namespace trit::ref {

void DenseF32(int rows, int in_features, int out_features, const float* input, const float* weights,
              const float* bias, float act_min, float act_max, float* output) {
  for (int r = 0; r < rows; ++r) {
    const float* in = input + static_cast<int64_t>(r) * in_features;
    for (int o = 0; o < out_features; ++o) {
      const float* w = weights + static_cast<int64_t>(o) * in_features;
      float acc = bias ? bias[o] : 0.0f;
      for (int k = 0; k < in_features; ++k) acc += in[k] * w[k];
      output[static_cast<int64_t>(r) * out_features + o] = std::clamp(acc, act_min, act_max);
    }
  }
}

template <typename In, typename Out>
void DenseQ8(int rows, int in_features, int out_features, const In* input, int32_t input_zero_point,
             const QuantWeights& weights, const int32_t* bias, const QuantOutput& out_params,
             Out* output, int32_t* scratch) {
  for (int o = 0; o < out_features; ++o) {
    DecodeChannel(weights, o, static_cast<int64_t>(o) * in_features, in_features, scratch);
    for (int r = 0; r < rows; ++r) {
      const In* in = input + static_cast<int64_t>(r) * in_features;
      int32_t acc = bias ? bias[o] : 0;
      for (int k = 0; k < in_features; ++k) {
        acc += (static_cast<int32_t>(in[k]) - input_zero_point) * scratch[k];
      }
      output[static_cast<int64_t>(r) * out_features + o] =
          static_cast<Out>(RequantizeToOutput(acc, out_params, o));
    }
  }
}

#define TRIT_INSTANTIATE_DENSE(In, Out)                                                  \
  template void DenseQ8<In, Out>(int, int, int, const In*, int32_t, const QuantWeights&, \
                                 const int32_t*, const QuantOutput&, Out*, int32_t*);
TRIT_INSTANTIATE_DENSE(int8_t, int8_t)
TRIT_INSTANTIATE_DENSE(int8_t, uint8_t)
TRIT_INSTANTIATE_DENSE(uint8_t, int8_t)
TRIT_INSTANTIATE_DENSE(uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_DENSE

}  // namespace trit::ref
