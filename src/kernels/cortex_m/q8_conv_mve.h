// Conv2D and Dense with 8-bit activations on Cortex-M Helium (MVE, the M55): VMLADAVA sums
// sixteen 8-bit products into a 32-bit accumulator per instruction. Inputs enter as int8
// (uint8 shifted by -128), so every layer is one signed dot product plus a zero-point term:
//     sum (x - zx) * w = sum x' * w + (off - zx) * sum w,   x' = x - off, off = 128 or 0.
// Weights are read from their packed form, sixteen at a time: int8 loaded, int4, int2 and
// ternary codes expanded in vector registers (ternary straight to the levels +pos, 0, -neg),
// binary through a small table. Four output positions share each weight vector. Bit-exact with
// ref::Conv2DQ8 / ref::DenseQ8.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/ref/quant_weights.h"

namespace trit::cortex_m {

// Bytes of scratch Conv2DQ8Mve needs: four int8 im2col columns and each output channel's bias
// plus zero-point term (inline: see Conv2DQ8DspScratchBytes).
inline size_t Conv2DQ8MveScratchBytes(const ref::ConvGeometry& g) {
  const size_t depth = static_cast<size_t>(g.kernel_h) * g.kernel_w * g.in_c;
  return 4 * ((depth + 15) & ~size_t{15}) + 4 * static_cast<size_t>(g.out_c);
}

// g.groups must be 1.
template <typename In, typename Out>
void Conv2DQ8Mve(const ref::ConvGeometry& g, const In* input, int32_t input_zero_point,
                 const ref::QuantWeights& weights, const int32_t* bias,
                 const ref::QuantOutput& out_params, Out* output, void* scratch);

}  // namespace trit::cortex_m
