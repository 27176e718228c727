// Conv2D and Dense with 8-bit activations on the Cortex-M DSP extension (M4, M7, M55): SMLAD
// does two 16-bit multiply-accumulates per instruction. Weights of every type are read from
// their packed form: int8 four at a time, the low-bit types expanded four at a time through
// 256-entry tables in flash, so no decoded copy of the layer exists. Bit-exact with
// ref::Conv2DQ8 / ref::DenseQ8 (integer sums; the same requantization). Kernel names:
// qu8/q8 by input, "conv_2col__dsp": two output positions share each weight load, as CMSIS-NN's
// convolutions do.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/ref/quant_weights.h"

namespace trit::cortex_m {

// Scratch Conv2DQ8Dsp starts with: the ternary level table.
inline constexpr size_t kDspLevelTableBytes = 256 * sizeof(uint32_t);

// Bytes of scratch Conv2DQ8Dsp needs: the level table and two im2col columns of int16. Inline,
// so that a host (trit deploy) sizes a Cortex-M arena without the kernel.
inline size_t Conv2DQ8DspScratchBytes(const ref::ConvGeometry& g) {
  const size_t depth = static_cast<size_t>(g.kernel_h) * g.kernel_w * g.in_c;
  return kDspLevelTableBytes + 2 * sizeof(int16_t) * ((depth + 3) & ~size_t{3});
}

// g.groups must be 1 (depthwise and grouped convolutions stay on the reference kernel).
template <typename In, typename Out>
void Conv2DQ8Dsp(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                 const ref::QuantWeights& weights, const int32_t* bias,
                 const ref::QuantOutput& out_params, Out* output, void* scratch);

// Dense as a 1x1 convolution over `rows` positions.
inline ref::ConvGeometry DenseAsConv(int rows, int in_features, int out_features) {
  ref::ConvGeometry g;
  g.in_w = g.out_w = rows;
  g.in_c = in_features;
  g.out_c = out_features;
  return g;
}

}  // namespace trit::cortex_m
