// The loops of the fp32 element-wise rows (kernels/f32_elementwise.h), written once and compiled
// by each ISA file with its own flags: plain loops over contiguous floats that GCC vectorizes at
// -O3, one loop per op so no branch stays inside. A binary row takes each input with a step of 1
// (advancing) or 0 (broadcast, kernels/broadcast_rows.h); the four step pairs get their own loop
// so that the broadcast operand is a register, not a gather.
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/f32_elementwise.h"
#include "kernels/fast_math.h"
#include "kernels/ref/elementwise.h"

namespace trit {
// Internal linkage on purpose: each ISA file gets its own copy, compiled with its own flags,
// which the linker must never merge with another file's (as kernels/broadcast_steps.h).
namespace {

// min/max written as selects (vectorized to min/max or blends); NaN stays NaN as in
// std::clamp's reference: a comparison with NaN is false, so NaN falls through both.
inline float ClampF32(float v, float lo, float hi) {
  v = v < lo ? lo : v;
  return v > hi ? hi : v;
}

template <typename Build>
void UnaryF32Loop(F32UnaryOp op, int64_t count, const float* x, const F32UnaryParams& p, float* y) {
  using Math = FastMath<Build>;
  switch (op) {
    case F32UnaryOp::kClip:
      for (int64_t i = 0; i < count; ++i) y[i] = ClampF32(x[i], p.lo, p.hi);
      return;
    case F32UnaryOp::kSigmoid:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::Sigmoid(x[i]);
      return;
    case F32UnaryOp::kTanh:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::Tanh(x[i]);
      return;
    case F32UnaryOp::kSilu:
      for (int64_t i = 0; i < count; ++i) y[i] = x[i] * Math::Sigmoid(x[i]);
      return;
    case F32UnaryOp::kErf:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::Erf(x[i]);
      return;
    case F32UnaryOp::kExp:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::ExpAnywhere(x[i]);
      return;
    case F32UnaryOp::kMish:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::Mish(x[i]);
      return;
    case F32UnaryOp::kSoftplus:  // no vector row: the table never picks this loop
      for (int64_t i = 0; i < count; ++i) y[i] = std::log1p(std::exp(x[i]));
      return;
    case F32UnaryOp::kGelu:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::Gelu(x[i]);
      return;
    case F32UnaryOp::kGeluTanh:
      for (int64_t i = 0; i < count; ++i) y[i] = Math::GeluTanh(x[i]);
      return;
    case F32UnaryOp::kHardSigmoid:
      for (int64_t i = 0; i < count; ++i) y[i] = ClampF32(p.alpha * x[i] + p.beta, 0.0f, 1.0f);
      return;
    case F32UnaryOp::kHardSwish:
      // x * (1/6): ONNX's alpha, within one rounding of the reference's x / 6 and no divide.
      for (int64_t i = 0; i < count; ++i) {
        y[i] = x[i] * ClampF32(x[i] * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f);
      }
      return;
  }
}

// Sum of term(0) .. term(length - 1) in 16 partial sums, added up at the end (the loop
// vectorizes; the order is not the reference's, which sums in double or in sequence).
template <typename Term>
inline float PartialSum(int64_t length, Term term) {
  constexpr int kLanes = 16;
  float partial[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= length; i += kLanes) {
    for (int lane = 0; lane < kLanes; ++lane) partial[lane] += term(i + lane);
  }
  for (; i < length; ++i) partial[0] += term(i);
  float sum = 0.0f;
  for (const float p : partial) sum += p;
  return sum;
}

// Softmax over contiguous rows (the last axis). Three passes a row, each its own loop so that
// it vectorizes: the max in 16 partial maxima (max is exact in any order; every lane starts at
// in[0] and takes in[i] only when max < in[i], the reference's std::max, so a NaN in[0] makes
// the row NaN and any other NaN never wins, as there), exp(x - max) stored, their sum in 16
// partial sums, then a product by 1 / sum.
template <typename Build>
void SoftmaxRowsF32Loop(int64_t rows, int64_t length, const float* x, float* y) {
  using Math = FastMath<Build>;
  constexpr int kLanes = 16;
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * length;
    float* out = y + r * length;
    float maxima[kLanes];
    for (float& m : maxima) m = in[0];
    int64_t i = 0;
    for (; i + kLanes <= length; i += kLanes) {
      for (int lane = 0; lane < kLanes; ++lane) {
        maxima[lane] = maxima[lane] < in[i + lane] ? in[i + lane] : maxima[lane];
      }
    }
    for (; i < length; ++i) maxima[0] = maxima[0] < in[i] ? in[i] : maxima[0];
    float max_value = maxima[0];
    for (const float m : maxima) max_value = max_value < m ? m : max_value;
    for (int64_t k = 0; k < length; ++k) out[k] = Math::Exp(in[k] - max_value);
    const float sum = PartialSum(length, [out](int64_t k) { return out[k]; });
    const float inverse = 1.0f / sum;
    for (int64_t k = 0; k < length; ++k) out[k] *= inverse;
  }
}

// LayerNorm over contiguous rows: the mean, then the variance of x - mean (two passes, so no
// cancellation of E[x^2] - mean^2), 1 / sqrt(var + epsilon), and (x - mean) * that * scale + bias
// (bias null: none).
inline void LayerNormRowsF32Loop(int64_t rows, int64_t length, const float* x, const float* scale,
                                 const float* bias, float epsilon, float* y) {
  const float inverse_length = 1.0f / static_cast<float>(length);
  for (int64_t r = 0; r < rows; ++r) {
    const float* in = x + r * length;
    float* out = y + r * length;
    const float mean = PartialSum(length, [in](int64_t i) { return in[i]; }) * inverse_length;
    const float squares = PartialSum(length, [in, mean](int64_t i) {
      const float d = in[i] - mean;
      return d * d;
    });
    const float inverse = 1.0f / std::sqrt(squares * inverse_length + epsilon);
    if (bias) {
      for (int64_t i = 0; i < length; ++i) out[i] = (in[i] - mean) * inverse * scale[i] + bias[i];
    } else {
      for (int64_t i = 0; i < length; ++i) out[i] = (in[i] - mean) * inverse * scale[i];
    }
  }
}

template <typename Combine>
inline void BinaryF32Steps(int64_t count, const float* a, int64_t a_step, const float* b,
                           int64_t b_step, float* out, Combine combine) {
  if (a_step != 0 && b_step != 0) {
    for (int64_t i = 0; i < count; ++i) out[i] = combine(a[i], b[i]);
  } else if (a_step != 0) {
    const float bv = *b;
    for (int64_t i = 0; i < count; ++i) out[i] = combine(a[i], bv);
  } else if (b_step != 0) {
    const float av = *a;
    for (int64_t i = 0; i < count; ++i) out[i] = combine(av, b[i]);
  } else {
    const float v = combine(*a, *b);
    for (int64_t i = 0; i < count; ++i) out[i] = v;
  }
}

inline void BinaryF32Row(F32BinaryOp op, int64_t count, const float* a, int64_t a_step,
                         const float* b, int64_t b_step, float* out) {
  switch (op) {
    case F32BinaryOp::kAdd:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return u + v; });
    case F32BinaryOp::kSub:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return u - v; });
    case F32BinaryOp::kMul:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return u * v; });
    case F32BinaryOp::kDiv:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return u / v; });
    case F32BinaryOp::kMin:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return ref::MinF32(u, v); });
    case F32BinaryOp::kMax:
      return BinaryF32Steps(count, a, a_step, b, b_step, out,
                            [](float u, float v) { return ref::MaxF32(u, v); });
  }
}

}  // namespace
}  // namespace trit
