// The walk over a pool's output positions that the Cortex-M pool kernels share: each position's
// window clipped to the image (padding never contributes).
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {

// The window of an output position, clipped to the image: rows [y0, y1), columns [x0, x1).
struct PoolWindow {
  int y0, y1, x0, x1;
};

// Calls visit(image, out, window) for every output position: `image` the position's input
// image, `out` its output channels. A window with no input (which prepared layers never have:
// their pads are below the kernel) gets MaxPool's answer, the reference's clamp of its minimum.
template <typename In, typename Out, typename Visit>
void ForEachPoolWindow(const ref::ConvGeometry& g, const In* input, Out* output, Visit visit) {
  const int64_t image = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int top = oy * g.stride_h - g.pad_top, bottom = top + g.kernel_h;
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int left = ox * g.stride_w - g.pad_left, right = left + g.kernel_w;
        const PoolWindow w{top < 0 ? 0 : top, bottom < g.in_h ? bottom : g.in_h,
                           left < 0 ? 0 : left, right < g.in_w ? right : g.in_w};
        Out* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
        if (w.y0 >= w.y1 || w.x0 >= w.x1) {
          for (int c = 0; c < g.out_c; ++c) out[c] = std::numeric_limits<Out>::min();
          continue;
        }
        visit(input + n * image, out, w);
      }
    }
  }
}

}  // namespace trit::cortex_m
