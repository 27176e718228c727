// Depthwise Conv2D (groups = input channels = output channels) with 8-bit activations on
// Cortex-M: DSP (SMLABB/SMLATT on four channels at a time) and Helium (widening VMULLB/VMULLT on
// eight 16-bit lanes). Both first repack the layer's weights, of any type, into 16-bit levels in
// [channel group][tap] order in their scratch (ternary as +pos, 0, -neg): then the weights of
// neighbouring channels, which NHWC keeps together in the input, are neighbours too, and every
// weight type runs the same loop. The repack costs taps x channels per call beside
// positions x taps x channels MACs. Bit-exact with ref::Conv2DQ8.
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

// Bytes of scratch the Helium kernel needs: per group of eight channels 128 bytes of biases and
// requantization parameters and its weights as int16 (16 bytes a tap), and two words per tap
// (the taps inside the image at one output position).
inline size_t DepthwiseQ8MveScratchBytes(const ref::ConvGeometry& g) {
  const size_t taps = static_cast<size_t>(g.kernel_h) * g.kernel_w;
  const size_t groups = (static_cast<size_t>(g.in_c) + 7) / 8;
  return groups * 128 + groups * taps * 16 + taps * 8;
}

// Bytes of scratch the DSP kernel needs: the weights as 16-bit lane pairs (8 bytes per tap and
// four channels), each channel's bias less zx * sum(w), and two words per tap (the taps inside
// the image at one output position).
inline size_t DepthwiseQ8DspScratchBytes(const ref::ConvGeometry& g) {
  const size_t taps = static_cast<size_t>(g.kernel_h) * g.kernel_w;
  const size_t groups = (static_cast<size_t>(g.in_c) + 3) / 4;
  return taps * groups * 8 + groups * 16 + taps * 8;
}

template <typename In, typename Out>
void DepthwiseQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

template <typename In, typename Out>
void DepthwiseQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

// Shared by both: the outputs of channels first..first + count - 1 from their sums. The output
// parameters are copied to locals first: the byte stores may alias them, and the compiler would
// load them again for every channel.
template <typename Out>
inline void StoreChannels(const int32_t* sums, int first, int count, const int32_t* bias,
                          const ref::QuantOutput& out_params, Out* out) {
  const int step = out_params.per_channel ? 1 : 0;
  const Requant* requant = out_params.requant + first * step;
  const int32_t zero_point = out_params.zero_point, lo = out_params.lo, hi = out_params.hi;
#pragma GCC unroll 4
  for (int j = 0; j < count; ++j) {
    const int32_t acc = (bias ? bias[first + j] : 0) + sums[j];
    out[first + j] =
        static_cast<Out>(Clamp(zero_point + RequantizeM(acc, requant[j * step]), lo, hi));
  }
}

}  // namespace trit::cortex_m
