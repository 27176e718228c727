// The walk over a pool's output positions that the x86 and AArch64 pool kernels share, in the
// reference's order: each position's window clipped to the image (padding never contributes);
// and the fp32 AvgPool on it, which each ISA file compiles with its own flags.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/ref/conv2d.h"

namespace trit {
// Internal linkage on purpose: each ISA file gets its own copy, compiled with its own flags,
// which the linker must never merge with another file's.
namespace {

// Calls visit(out, first, y0, y1, x0, x1): `out` the output position's first element, `first`
// the input pixel (n, 0, 0), and the window [y0, y1) x [x0, x1) in bounds.
template <typename Visit>
inline void ForEachPoolWindow(const ref::ConvGeometry& g, Visit visit) {
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int y_start = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(y_start, 0), y1 = std::min(y_start + g.kernel_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int x_start = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(x_start, 0), x1 = std::min(x_start + g.kernel_w, g.in_w);
        const int64_t out = ((int64_t{n} * g.out_h + oy) * g.out_w + ox) * g.out_c;
        visit(out, int64_t{n} * g.in_h * g.in_w, y0, y1, x0, x1);
      }
    }
  }
}

// ref::AvgPoolF32 with the channels innermost, so the loops over them vectorize: each channel's
// sum adds the window's positions in the reference's order from 0.0f and divides by the same
// count, so the floats are the reference's bit for bit.
inline void AvgPoolF32Windows(const ref::ConvGeometry& g, bool count_include_pad,
                              const float* input, float* output) {
  const int64_t channels = g.in_c;
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    float* __restrict sum = output + out;
    for (int64_t c = 0; c < channels; ++c) sum[c] = 0.0f;
    for (int y = y0; y < y1; ++y) {
      for (int x = x0; x < x1; ++x) {
        const float* __restrict at = input + (first + int64_t{y} * g.in_w + x) * channels;
        for (int64_t c = 0; c < channels; ++c) sum[c] += at[c];
      }
    }
    const auto count =
        static_cast<float>(count_include_pad ? g.kernel_h * g.kernel_w : (y1 - y0) * (x1 - x0));
    for (int64_t c = 0; c < channels; ++c) sum[c] = sum[c] / count;
  });
}

}  // namespace
}  // namespace trit
