#include "kernels/ref/layer_norm.h"

#include <algorithm>
#include <cmath>

namespace trit::ref {
namespace {

// Mean and 1 / sqrt(var + epsilon) of `length` values given by real(i).
template <typename Real>
void RowStatistics(int64_t length, Real real, float epsilon, double& mean, double& inverse) {
  double sum = 0;
  for (int64_t i = 0; i < length; ++i) sum += real(i);
  mean = sum / static_cast<double>(length);
  double squares = 0;
  for (int64_t i = 0; i < length; ++i) {
    const double d = real(i) - mean;
    squares += d * d;
  }
  inverse = 1.0 / std::sqrt(squares / static_cast<double>(length) + epsilon);
}

}  // namespace

void LayerNormF32(int64_t rows, int64_t length, const float* input, const float* scale,
                  const float* bias, float epsilon, float* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * length;
    float* y = output + r * length;
    double mean = 0, inverse = 0;
    RowStatistics(
        length, [&](int64_t i) { return static_cast<double>(x[i]); }, epsilon, mean, inverse);
    for (int64_t i = 0; i < length; ++i) {
      const double b = bias ? bias[i] : 0.0;
      y[i] = static_cast<float>((x[i] - mean) * inverse * scale[i] + b);
    }
  }
}

template <typename In, typename Out>
void LayerNormQ8(int64_t rows, int64_t length, const In* input, float input_scale,
                 int32_t input_zero_point, const float* scale, const float* bias, float epsilon,
                 float output_scale, int32_t output_zero_point, int32_t lo, int32_t hi,
                 Out* output) {
  for (int64_t r = 0; r < rows; ++r) {
    const In* x = input + r * length;
    Out* y = output + r * length;
    const auto real = [&](int64_t i) {
      return static_cast<double>(input_scale) * (int32_t{x[i]} - input_zero_point);
    };
    double mean = 0, inverse = 0;
    RowStatistics(length, real, epsilon, mean, inverse);
    for (int64_t i = 0; i < length; ++i) {
      const double b = bias ? bias[i] : 0.0;
      const double v = (real(i) - mean) * inverse * scale[i] + b;
      const double level = output_zero_point + std::nearbyint(v / output_scale);
      y[i] = static_cast<Out>(std::clamp<double>(level, lo, hi));
    }
  }
}

#define TRIT_LAYER_NORM_Q8(In, Out)                                                             \
  template void LayerNormQ8<In, Out>(int64_t, int64_t, const In*, float, int32_t, const float*, \
                                     const float*, float, float, int32_t, int32_t, int32_t, Out*);
TRIT_LAYER_NORM_Q8(int8_t, int8_t)
TRIT_LAYER_NORM_Q8(int8_t, uint8_t)
TRIT_LAYER_NORM_Q8(uint8_t, int8_t)
TRIT_LAYER_NORM_Q8(uint8_t, uint8_t)
#undef TRIT_LAYER_NORM_Q8

}  // namespace trit::ref
