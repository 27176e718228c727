#include "kernels/q8_prepare.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace trit {

Q8Range LinearOutputRange(DType out_type, float out_scale, int32_t out_zero_point,
                          Activation activation) {
  Q8Range r{QuantMin(out_type), QuantMax(out_type)};
  if (activation != Activation::kNone) r.lo = std::max(r.lo, out_zero_point);
  if (activation == Activation::kRelu6) {
    const double six = std::nearbyint(6.0 / out_scale);
    r.hi = static_cast<int32_t>(std::min<double>(r.hi, out_zero_point + six));
  }
  return r;
}

int64_t MaxWeightLevel(DType type, const int8_t* ternary_pos, const int8_t* ternary_neg,
                       int64_t magnitudes) {
  switch (type) {
    case DType::kTernary: {
      int64_t level = 0;
      for (int64_t c = 0; c < magnitudes; ++c) {
        level = std::max<int64_t>({level, ternary_pos[c], ternary_neg[c]});
      }
      return level;
    }
    case DType::kI8:
      return 128;
    case DType::kI4:
      return 8;
    case DType::kI2:
      return 2;
    default:
      return 1;
  }
}

bool AccumulatorFits(int64_t depth, DType input_type, int32_t input_zero_point,
                     int64_t max_weight_level, int64_t max_abs_bias) {
  const int64_t max_input = std::max<int64_t>(input_zero_point - QuantMin(input_type),
                                              QuantMax(input_type) - input_zero_point);
  return max_abs_bias + depth * max_input * max_weight_level < (int64_t{1} << 31);
}

void LinearRequant(float input_scale, const float* weight_scales, int64_t count, float output_scale,
                   Requant* requant) {
  const double sx = input_scale, sy = output_scale;
  for (int64_t c = 0; c < count; ++c) requant[c] = QuantizeMultiplier(sx * weight_scales[c] / sy);
}

bool BatchNormQ8Params(int64_t channels, const float* gamma, const float* beta, const float* mean,
                       const float* variance, double epsilon, float input_scale, float output_scale,
                       int64_t* multiplier, int64_t* offset, int32_t* shift, const char** problem) {
  // a[c] = gamma / sqrt(var + eps), b[c] = beta - mean * a; both recomputed per pass rather
  // than stored, so that no buffer of doubles is needed (the same values every time).
  auto a_of = [&](int64_t c) {
    return gamma[c] / std::sqrt(static_cast<double>(variance[c]) + epsilon);
  };
  auto b_of = [&](int64_t c) { return beta[c] - mean[c] * a_of(c); };
  double max_multiplier = 0.0;
  for (int64_t c = 0; c < channels; ++c) {
    const double denominator = std::sqrt(static_cast<double>(variance[c]) + epsilon);
    if (!(denominator > 0.0) || !std::isfinite(denominator)) {
      *problem = "a non-positive variance + epsilon";
      return false;
    }
    max_multiplier = std::max(max_multiplier, std::abs(a_of(c)) * input_scale / output_scale);
  }
  int32_t n = max_multiplier > 0.0 ? QuantizeMultiplier(max_multiplier).shift : 30;
  auto fits = [&](int32_t s) {
    for (int64_t c = 0; c < channels; ++c) {
      if (std::abs(std::ldexp(b_of(c) / output_scale, s)) >= std::ldexp(1.0, 62)) return false;
    }
    return true;
  };
  while (n > 0 && !fits(n)) --n;
  if (!fits(n)) {
    *problem = "a shift this large";
    return false;
  }
  for (int64_t c = 0; c < channels; ++c) {
    multiplier[c] = std::llround(std::ldexp(a_of(c) * input_scale / output_scale, n));
    offset[c] = std::llround(std::ldexp(b_of(c) / output_scale, n));
  }
  *shift = n;
  return true;
}

ref::QuantAddParams AddQ8Params(float scale_a, int32_t zero_a, float scale_b, int32_t zero_b,
                                DType out_type, float out_scale, int32_t out_zero_point) {
  const double ma = static_cast<double>(scale_a) / out_scale;
  const double mb = static_cast<double>(scale_b) / out_scale;
  const int32_t shift = QuantizeMultiplier(std::max(ma, mb)).shift;
  return {zero_a,
          zero_b,
          out_zero_point,
          std::llround(std::ldexp(ma, shift)),
          std::llround(std::ldexp(mb, shift)),
          shift,
          QuantMin(out_type),
          QuantMax(out_type)};
}

void AvgPoolRequant(float input_scale, float output_scale, int64_t window, Requant* per_count) {
  const double ratio = static_cast<double>(input_scale) / output_scale;
  for (int64_t count = 1; count <= window; ++count) {
    per_count[count] = QuantizeMultiplier(ratio / static_cast<double>(count));
  }
}

// In double, as LinearOutputRange: a Clip(0, 6) and a fused ReLU6 give the same bound.
Q8Range ClipRange(DType out_type, float out_scale, int32_t out_zero_point, float min, float max) {
  Q8Range r{QuantMin(out_type), QuantMax(out_type)};
  auto level = [&](float real) {
    return static_cast<int32_t>(
        std::clamp<double>(out_zero_point + std::nearbyint(static_cast<double>(real) / out_scale),
                           QuantMin(out_type), QuantMax(out_type)));
  };
  if (std::isfinite(min)) r.lo = level(min);
  if (std::isfinite(max)) r.hi = level(max);
  return r;
}

}  // namespace trit
