// AvgPool and GlobalAvgPool with 8-bit activations on Cortex-M: ref::AvgPoolQ8's arithmetic,
// the window's sum of (x - zx) requantized with the multiplier for its count, summed in 16-bit
// lanes. DSP: four channels a word, SXTAB16 / UXTAB16 adding the even and the odd bytes into two
// words of 16-bit sums; Helium: eight channels a widening byte load into 16-bit lanes. A run of
// at most 128 positions fits 16 bits (128 x 255 < 2^15), so the lanes are widened into 32-bit
// sums every 128 positions (rows of the window at a time); windows wider than 128 columns go
// channel by channel in 32 bits. The zero point comes off once, as area x zx; requantization is
// requantize_m.h's (in vectors on Helium where the count's shift allows). No scratch; bit-exact
// with ref::AvgPoolQ8.
#pragma once

#include <cstdint>

#include "kernels/cortex_m/pool_window.h"
#include "kernels/cortex_m/requantize_m.h"
#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {

// The pool's output parameters: per_count[n] is the multiplier for a window of n counted
// positions (1..kernel_h x kernel_w).
struct AvgPoolQ8Params {
  bool count_include_pad = false;
  int32_t input_zero_point = 0, output_zero_point = 0, lo = -128, hi = 127;
  const Requant* per_count = nullptr;
};

// Positions a run of 16-bit lane sums holds.
inline constexpr int kAvgPoolLaneRun = 128;

template <typename In, typename Out>
void AvgPoolQ8Dsp(const ref::ConvGeometry& g, const In* input, const AvgPoolQ8Params& p,
                  Out* output);

template <typename In, typename Out>
void AvgPoolQ8Mve(const ref::ConvGeometry& g, const In* input, const AvgPoolQ8Params& p,
                  Out* output);

// Shared by both: a channel's output from its window's sum of x over `area` positions (no zero
// point taken off yet) and the window's count (its area, or the kernel's with padding counted),
// and the portable sum for windows wider than a lane run.
template <typename Out>
inline Out AvgPoolOutput(int32_t sum, int area, int count, const AvgPoolQ8Params& p) {
  const int32_t centred = sum - area * p.input_zero_point;
  return static_cast<Out>(
      Clamp(p.output_zero_point + RequantizeM(centred, p.per_count[count]), p.lo, p.hi));
}

template <typename In>
inline int32_t WindowSum(const ref::ConvGeometry& g, const In* image, const PoolWindow& w, int c) {
  int32_t sum = 0;
  for (int y = w.y0; y < w.y1; ++y) {
    const In* row = image + static_cast<int64_t>(y) * g.in_w * g.in_c + c;
    for (int x = w.x0; x < w.x1; ++x) sum += row[x * g.in_c];
  }
  return sum;
}

inline int WindowCount(const ref::ConvGeometry& g, const PoolWindow& w, bool count_include_pad) {
  return count_include_pad ? g.kernel_h * g.kernel_w : (w.y1 - w.y0) * (w.x1 - w.x0);
}

}  // namespace trit::cortex_m
