// Depthwise Conv2D (groups = input channels = output channels) with 8-bit activations on
// Cortex-M: DSP (SMLABB/SMLATT on four channels at a time) and Helium (widening VMULLB/VMULLT on
// eight 16-bit lanes). Both run the layer in blocks of channels (32 for DSP, 64 for Helium): a
// block's weights, of any type, are first repacked into 16-bit levels in [channel group][tap]
// order in scratch (ternary as +pos, 0, -neg), then the block runs over every output position.
// Neighbouring channels' weights are then neighbours too, as NHWC keeps their inputs, and every
// weight type runs the same loop; the scratch is a block's, whatever the layer's width, so no
// decoded copy of the layer's weights exists (the repack costs taps x channels per call beside
// positions x taps x channels MACs). Bit-exact with ref::Conv2DQ8.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/cortex_m/requantize_m.h"
#include "kernels/ref/conv2d.h"
#include "kernels/ref/quant_weights.h"

namespace trit::cortex_m {

// Whether these kernels take the layer: depthwise with one output channel per input channel.
inline bool IsDepthwise(const ref::ConvGeometry& g) {
  return g.groups > 1 && g.groups == g.in_c && g.out_c == g.in_c;
}

// Channel groups a block holds (of eight channels for Helium, four for DSP).
inline constexpr int kDepthwiseBlockGroups = 8;

inline size_t DepthwiseBlockGroups(const ref::ConvGeometry& g, int lanes) {
  const int groups = (g.in_c + lanes - 1) / lanes;
  return static_cast<size_t>(groups < kDepthwiseBlockGroups ? groups : kDepthwiseBlockGroups);
}

// Bytes of scratch the Helium kernel needs: per group of a block 128 bytes of biases and
// requantization parameters and its weights as int16 (16 bytes a tap), and two tap lists of two
// words per tap (the window's taps from its corner; those inside the image at a border position).
inline size_t DepthwiseQ8MveScratchBytes(const ref::ConvGeometry& g) {
  const size_t taps = static_cast<size_t>(g.kernel_h) * g.kernel_w;
  const size_t groups = DepthwiseBlockGroups(g, 8);
  return groups * 128 + groups * taps * 16 + taps * 16;
}

// Bytes of scratch the DSP kernel needs: a block's weights as 16-bit lane pairs (8 bytes per tap
// and four channels), each of its channels' bias less zx * sum(w), and the two tap lists.
inline size_t DepthwiseQ8DspScratchBytes(const ref::ConvGeometry& g) {
  const size_t taps = static_cast<size_t>(g.kernel_h) * g.kernel_w;
  const size_t groups = DepthwiseBlockGroups(g, 4);
  return taps * groups * 8 + groups * 16 + taps * 16;
}

// One tap of a window: its input's byte offset (from the window's corner inside the image, or
// from the image's start at a border position) and its weights' offset in a group's weights.
struct DepthwiseTap {
  int32_t input, weights;
};

// The window's taps from its top-left corner, for positions whose taps are all inside.
inline void ListWindowTaps(const ref::ConvGeometry& g, int weight_step, DepthwiseTap* taps) {
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      *taps++ = {(ky * g.dilation_h * g.in_w + kx * g.dilation_w) * g.in_c,
                 (ky * g.kernel_w + kx) * weight_step};
    }
  }
}

// The taps of output position (oy, ox) inside the image, from the image's start; returns their
// count. Sets *corner to the window's corner offset when all are (the inside case).
inline int ListTapsAt(const ref::ConvGeometry& g, int oy, int ox, int weight_step,
                      DepthwiseTap* taps, int64_t* corner) {
  const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox * g.stride_w - g.pad_left;
  if (iy0 >= 0 && ix0 >= 0 && iy0 + (g.kernel_h - 1) * g.dilation_h < g.in_h &&
      ix0 + (g.kernel_w - 1) * g.dilation_w < g.in_w) {
    *corner = (static_cast<int64_t>(iy0) * g.in_w + ix0) * g.in_c;
    return g.kernel_h * g.kernel_w;
  }
  int valid = 0;
  for (int ky = 0; ky < g.kernel_h; ++ky) {
    const int iy = iy0 + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;  // padding is real zero
    for (int kx = 0; kx < g.kernel_w; ++kx) {
      const int ix = ix0 + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      taps[valid++] = {(iy * g.in_w + ix) * g.in_c, (ky * g.kernel_w + kx) * weight_step};
    }
  }
  *corner = -1;
  return valid;
}

template <typename In, typename Out>
void DepthwiseQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

template <typename In, typename Out>
void DepthwiseQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

// Shared by both: the outputs of channels first..first + count - 1 from their sums; `bias` (or
// null) starts at channel first. The output parameters are copied to locals first: the byte
// stores may alias them, and the compiler would load them again for every channel.
template <typename Out>
inline void StoreChannels(const int32_t* sums, int first, int count, const int32_t* bias,
                          const ref::QuantOutput& out_params, Out* out) {
  const int step = out_params.per_channel ? 1 : 0;
  const Requant* requant = out_params.requant + first * step;
  const int32_t zero_point = out_params.zero_point, lo = out_params.lo, hi = out_params.hi;
#pragma GCC unroll 4
  for (int j = 0; j < count; ++j) {
    const int32_t acc = (bias ? bias[j] : 0) + sums[j];
    out[first + j] =
        static_cast<Out>(Clamp(zero_point + RequantizeM(acc, requant[j * step]), lo, hi));
  }
}

}  // namespace trit::cortex_m
