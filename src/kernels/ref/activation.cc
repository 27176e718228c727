#include "kernels/ref/activation.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace trit::ref {

void ClipF32(int64_t count, const float* input, float lo, float hi, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = std::clamp(input[i], lo, hi);
}

void SigmoidF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = 1.0f / (1.0f + std::exp(-input[i]));
}

void SiluF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = input[i] / (1.0f + std::exp(-input[i]));
}

void TanhF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = std::tanh(input[i]);
}

void ErfF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = std::erf(input[i]);
}

// In double, as the exact function of the float input: erfc keeps the negative tail's digits.
void GeluF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const double x = input[i];
    output[i] = static_cast<float>(0.5 * x * std::erfc(-x * 0.70710678118654752440));
  }
}

// x (1 + tanh(u)) / 2 written as x sigmoid(2u), in double: no cancellation where x < 0.
void GeluTanhF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const double x = input[i];
    const double two_u = 1.5957691216057307117 * (x + 0.044715 * x * x * x);
    output[i] = static_cast<float>(x / (1.0 + std::exp(-two_u)));
  }
}

void SoftplusF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const double x = input[i];
    output[i] = static_cast<float>(Softplus(x));
  }
}

void MishF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const double x = input[i];
    output[i] = static_cast<float>(x * std::tanh(Softplus(x)));
  }
}

void ExpF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = static_cast<float>(std::exp(double{input[i]}));
}

void SqrtF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = std::sqrt(input[i]);
}

void HardSigmoidF32(int64_t count, const float* input, float alpha, float beta, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    output[i] = std::clamp(alpha * input[i] + beta, 0.0f, 1.0f);
  }
}

void HardSwishF32(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    output[i] = input[i] * std::clamp(input[i] / 6.0f + 0.5f, 0.0f, 1.0f);
  }
}

template <typename In, typename Out>
void RescaleClampQ8(int64_t count, const In* input, int32_t input_zero_point, Requant requant,
                    int32_t output_zero_point, int32_t lo, int32_t hi, Out* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t value =
        output_zero_point + Requantize(static_cast<int32_t>(input[i]) - input_zero_point, requant);
    output[i] = static_cast<Out>(Clamp(value, lo, hi));
  }
}

template <typename In, typename Out>
void LookupQ8(int64_t count, const In* input, const Out* table, Out* output) {
  constexpr int32_t kMin = std::numeric_limits<In>::min();
  for (int64_t i = 0; i < count; ++i) output[i] = table[static_cast<int32_t>(input[i]) - kMin];
}

#define TRIT_INSTANTIATE_ACTIVATION(In, Out)                                                    \
  template void RescaleClampQ8<In, Out>(int64_t, const In*, int32_t, Requant, int32_t, int32_t, \
                                        int32_t, Out*);                                         \
  template void LookupQ8<In, Out>(int64_t, const In*, const Out*, Out*);
TRIT_INSTANTIATE_ACTIVATION(int8_t, int8_t)
TRIT_INSTANTIATE_ACTIVATION(int8_t, uint8_t)
TRIT_INSTANTIATE_ACTIVATION(uint8_t, int8_t)
TRIT_INSTANTIATE_ACTIVATION(uint8_t, uint8_t)
#undef TRIT_INSTANTIATE_ACTIVATION

}  // namespace trit::ref
