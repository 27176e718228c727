// MaxPool with 8-bit activations on Cortex-M, where input and output share their type and
// quantization: the output level is the largest input level of the window (the reference's
// clamp to the type's range changes nothing). Helium: sixteen channels a VMAX; DSP: four channels
// a word, SSUB8 (USUB8) setting each lane's GE flag where the new input is the larger, SEL
// taking those lanes. Windows are clipped to the image (padding never wins). Bit-exact with
// ref::MaxPoolQ8 without rescaling; layers that rescale run the reference.
#pragma once

#include "kernels/ref/conv2d.h"

namespace trit::cortex_m {

// T: int8_t or uint8_t. No scratch.
template <typename T>
void MaxPoolQ8Dsp(const ref::ConvGeometry& g, const T* input, T* output);

template <typename T>
void MaxPoolQ8Mve(const ref::ConvGeometry& g, const T* input, T* output);

// The window of output (oy, ox), clipped to the image: rows [y0, y1), columns [x0, x1).
struct PoolWindow {
  int y0, y1, x0, x1;
};
inline PoolWindow WindowAt(const ref::ConvGeometry& g, int oy, int ox) {
  const int top = oy * g.stride_h - g.pad_top, left = ox * g.stride_w - g.pad_left;
  const int bottom = top + g.kernel_h, right = left + g.kernel_w;
  return {top < 0 ? 0 : top, bottom < g.in_h ? bottom : g.in_h, left < 0 ? 0 : left,
          right < g.in_w ? right : g.in_w};
}

}  // namespace trit::cortex_m
