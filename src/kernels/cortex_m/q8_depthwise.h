// Depthwise Conv2D (groups = input channels = output channels) with 8-bit activations on
// Cortex-M: DSP (SMLABB/SMLATT on four channels at a time) and Helium (VMUL, VADD on four 32-bit
// lanes, one channel each). Both first repack the layer's weights, of any type, into int8 levels in
// [tap][channel] order in their scratch (ternary as +pos, 0, -neg): then the weights of
// neighbouring channels, which NHWC keeps together in the input, are neighbours too, and every
// weight type runs the same loop. The repack costs taps x channels per call beside
// positions x taps x channels MACs. Bit-exact with ref::Conv2DQ8.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/ref/quant_weights.h"

namespace trit::cortex_m {

// Whether these kernels take the layer: depthwise with one output channel per input channel.
inline bool IsDepthwise(const ref::ConvGeometry& g) {
  return g.groups > 1 && g.groups == g.in_c && g.out_c == g.in_c;
}

// Bytes of scratch either kernel needs: the repacked int8 weights (inline: see
// Conv2DQ8DspScratchBytes).
inline size_t DepthwiseQ8ScratchBytes(const ref::ConvGeometry& g) {
  return static_cast<size_t>(g.kernel_h) * g.kernel_w *
         ((static_cast<size_t>(g.in_c) + 15) & ~size_t{15});
}

template <typename In, typename Out>
void DepthwiseQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

template <typename In, typename Out>
void DepthwiseQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                    const ref::QuantWeights& weights, const int32_t* bias,
                    const ref::QuantOutput& out_params, Out* output, void* scratch);

// Shared by both: the outputs of channels first..first + count - 1 from their sums.
template <typename Out>
inline void StoreChannels(const int32_t* sums, int first, int count, const int32_t* bias,
                          const ref::QuantOutput& out_params, Out* out) {
  for (int j = 0; j < count; ++j) {
    const int channel = first + j;
    out[channel] = static_cast<Out>(
        ref::RequantizeToOutput((bias ? bias[channel] : 0) + sums[j], out_params, channel));
  }
}

// Shared by both: weights into [tap][channel] int8 levels, rows `stride` bytes apart.
void RepackDepthwiseWeights(const ref::ConvGeometry& g, const ref::QuantWeights& weights,
                            int stride, int8_t* levels);

}  // namespace trit::cortex_m
