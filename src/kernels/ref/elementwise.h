// Reference binary elementwise ops (Add, Mul, Sub, Div, Pow, Min, Max) with NumPy broadcasting.
#pragma once

#include <cstdint>

#include "kernels/requantize.h"

namespace trit::ref {

inline constexpr int kMaxRank = 8;

// Output extents and, per input, the element stride along each output dimension (0 where
// the input is broadcast). Built by MakeBroadcast from the two input shapes.
struct Broadcast {
  int rank = 0;
  int64_t extent[kMaxRank] = {};
  int64_t stride_a[kMaxRank] = {};
  int64_t stride_b[kMaxRank] = {};
  int64_t count = 1;
};
// Shapes are right-aligned as in NumPy; they must be broadcast-compatible (checked upstream).
Broadcast MakeBroadcast(const int64_t* shape_a, int rank_a, const int64_t* shape_b, int rank_b);

void AddF32(const Broadcast& b, const float* x, const float* y, float* out);
void MulF32(const Broadcast& b, const float* x, const float* y, float* out);
void SubF32(const Broadcast& b, const float* x, const float* y, float* out);
void DivF32(const Broadcast& b, const float* x, const float* y, float* out);
void PowF32(const Broadcast& b, const float* x, const float* y, float* out);  // std::pow
void MinF32(const Broadcast& b, const float* x, const float* y, float* out);
void MaxF32(const Broadcast& b, const float* x, const float* y, float* out);

// Min and Max of two floats as the op table defines them: NaN when either is NaN (as NumPy's
// minimum), else the smaller / larger, `u` when they compare equal (-0 and +0). The vector rows
// use these same expressions, so they give the reference's bits.
inline float MinF32(float u, float v) { return u != u || v != v ? u + v : (v < u ? v : u); }
inline float MaxF32(float u, float v) { return u != u || v != v ? u + v : (v > u ? v : u); }

// Add: y = clamp(zy + RoundingShiftRight((a - za) * ma + (b - zb) * mb, shift), lo, hi).
struct QuantAddParams {
  int32_t zero_a = 0, zero_b = 0, zero_out = 0;
  int64_t multiplier_a = 0, multiplier_b = 0;
  int32_t shift = 0;
  int32_t lo = -128, hi = 127;
};
// Mul: y = clamp(zy + Requantize((a - za) * (b - zb), M), lo, hi).
struct QuantMulParams {
  int32_t zero_a = 0, zero_b = 0, zero_out = 0;
  Requant requant;
  int32_t lo = -128, hi = 127;
};

// Min / Max: each input requantized to the output's scale, then compared:
// y = clamp(max(zy + Requantize(a - za, Ma), zy + Requantize(b - zb, Mb)), lo, hi), Ma = sa / sy.
struct QuantMinMaxParams {
  int32_t zero_a = 0, zero_b = 0, zero_out = 0;
  Requant requant_a, requant_b;
  int32_t lo = -128, hi = 127;
  bool max = false;
};

template <typename A, typename B, typename Out>
void AddQ8(const Broadcast& b, const A* x, const B* y, const QuantAddParams& p, Out* out);
template <typename A, typename B, typename Out>
void MulQ8(const Broadcast& b, const A* x, const B* y, const QuantMulParams& p, Out* out);
template <typename A, typename B, typename Out>
void MinMaxQ8(const Broadcast& b, const A* x, const B* y, const QuantMinMaxParams& p, Out* out);

}  // namespace trit::ref
