// Reference pointwise ops: Relu, Clip, Sigmoid, Tanh, Silu, Erf, Gelu, Exp, Softplus, Mish,
// Sqrt, HardSigmoid, HardSwish.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/requantize.h"

namespace trit::ref {

void ClipF32(int64_t count, const float* input, float lo, float hi, float* output);  // Relu too
void SigmoidF32(int64_t count, const float* input, float* output);
void TanhF32(int64_t count, const float* input, float* output);
void SiluF32(int64_t count, const float* input, float* output);  // x * sigmoid(x)
void ErfF32(int64_t count, const float* input, float* output);
// x Phi(x) = x / 2 (1 + erf(x / sqrt 2)), and the tanh form x / 2 (1 + tanh(sqrt(2 / pi)
// (x + 0.044715 x^3))): both evaluated in double and rounded once.
void GeluF32(int64_t count, const float* input, float* output);
void GeluTanhF32(int64_t count, const float* input, float* output);
void ExpF32(int64_t count, const float* input, float* output);  // in double, rounded once
// log(1 + e^x) in double, as x + log1p(e^-x) above 0: e^x would overflow from x = 710.
inline double Softplus(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
// log(1 + e^x), and x tanh(log(1 + e^x)): in double, rounded once.
void SoftplusF32(int64_t count, const float* input, float* output);
void MishF32(int64_t count, const float* input, float* output);
void SqrtF32(int64_t count, const float* input, float* output);
// clamp(alpha * x + beta, 0, 1)
void HardSigmoidF32(int64_t count, const float* input, float alpha, float beta, float* output);
// x * clamp(x / 6 + 1/2, 0, 1)
void HardSwishF32(int64_t count, const float* input, float* output);

// Quantized Relu / Clip: y = clamp(zy + Requantize(x - zx, M), lo, hi).
template <typename In, typename Out>
void RescaleClampQ8(int64_t count, const In* input, int32_t input_zero_point, Requant requant,
                    int32_t output_zero_point, int32_t lo, int32_t hi, Out* output);

// Quantized Sigmoid / Tanh: y = table[x - type_min], a 256-entry table built at prepare time.
template <typename In, typename Out>
void LookupQ8(int64_t count, const In* input, const Out* table, Out* output);

}  // namespace trit::ref
