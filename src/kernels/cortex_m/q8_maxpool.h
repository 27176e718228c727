// MaxPool with 8-bit activations on Cortex-M, where input and output share their type and
// quantization: the output level is the largest input level of the window (the reference's
// clamp to the type's range changes nothing). Helium: sixteen channels a VMAX; DSP: four channels
// a word, SSUB8 (USUB8) setting each lane's GE flag where the new input is the larger, SEL
// taking those lanes. Windows are clipped to the image (padding never wins). Bit-exact with
// ref::MaxPoolQ8 without rescaling; layers that rescale run the reference.
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {

// T: int8_t or uint8_t. No scratch.
template <typename T>
void MaxPoolQ8Dsp(const ref::ConvGeometry& g, const T* input, T* output);

template <typename T>
void MaxPoolQ8Mve(const ref::ConvGeometry& g, const T* input, T* output);

// The window of an output position, clipped to the image: rows [y0, y1), columns [x0, x1).
struct PoolWindow {
  int y0, y1, x0, x1;
};

// Calls visit(image, out, window) for every output position: `image` the position's input
// image, `out` its output channels. A window with no input gets the reference's clamp of its
// minimum (the type's lowest value) here.
template <typename T, typename Visit>
void ForEachPoolWindow(const ref::ConvGeometry& g, const T* input, T* output, Visit visit) {
  const int64_t image = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int top = oy * g.stride_h - g.pad_top, bottom = top + g.kernel_h;
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int left = ox * g.stride_w - g.pad_left, right = left + g.kernel_w;
        const PoolWindow w{top < 0 ? 0 : top, bottom < g.in_h ? bottom : g.in_h,
                           left < 0 ? 0 : left, right < g.in_w ? right : g.in_w};
        T* out = output + ((static_cast<int64_t>(n) * g.out_h + oy) * g.out_w + ox) * g.out_c;
        if (w.y0 >= w.y1 || w.x0 >= w.x1) {
          for (int c = 0; c < g.out_c; ++c) out[c] = std::numeric_limits<T>::min();
          continue;
        }
        visit(input + n * image, out, w);
      }
    }
  }
}

}  // namespace trit::cortex_m
