// Reference 2-D convolution, NHWC activations, OHWI weights. The semantics every fast
// convolution kernel is tested against.
#pragma once

#include <cstdint>

#include "kernels/ref/quant_weights.h"

namespace trit::ref {

struct ConvGeometry {
  int batch = 1, in_h = 1, in_w = 1, in_c = 1;
  int out_h = 1, out_w = 1, out_c = 1;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
};

// output = clamp(conv(input, weights) + bias, act_min, act_max). bias may be null.
void Conv2DF32(const ConvGeometry& g, const float* input, const float* weights, const float* bias,
               float act_min, float act_max, float* output);

// The quantized form of docs/quantization.md: integer accumulation of (x - zx) * level(w),
// plus the i32 bias (may be null), requantized per output channel. `scratch` holds one output
// channel's decoded weights: Conv2DQ8ScratchCount(g) int32 values.
template <typename In, typename Out>
void Conv2DQ8(const ConvGeometry& g, const In* input, int32_t input_zero_point,
              const QuantWeights& weights, const int32_t* bias, const QuantOutput& out_params,
              Out* output, int32_t* scratch);

inline int64_t Conv2DQ8ScratchCount(const ConvGeometry& g) {
  return int64_t{g.kernel_h} * g.kernel_w * (g.in_c / g.groups);
}

}  // namespace trit::ref
