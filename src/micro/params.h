// The prepared parameters of the ops whose kernels the conv-pool schedule (conv_pool.h) runs
// band by band: it restricts copies of them to a few rows. Fixed-width fields and offsets only
// (op.h says why).
#pragma once

#include <cstdint>

#include "kernels/ref/conv2d.h"
#include "kernels/requantize.h"

namespace trit::micro {

struct LinearParams {
  ref::ConvGeometry geometry;  // Dense: batch = rows, in_c = K, out_c = N
  int32_t input_zero_point, output_zero_point, lo, hi;
  uint32_t weights, bias, ternary_pos, ternary_neg;  // model offsets; bias 0 when absent
  uint32_t requant;                                  // arena offset
  uint8_t weight_type, per_channel, has_bias, reserved;
  float act_min, act_max;
};

struct PoolParams {
  ref::ConvGeometry geometry;
  int32_t input_zero_point, output_zero_point, lo, hi;
  Requant rescale;     // MaxPool between different parameters
  uint32_t per_count;  // AvgPool: arena offset of Requant[window + 1]
  uint32_t table;      // MaxPool that rescales, on Cortex-M: arena offset of its 256 levels
  uint8_t rescaled, count_include_pad, gather, reserved;
};

// Quantize and Dequantize.
struct CountParams {
  int64_t count;
  float scale;
  int32_t zero_point;
};

}  // namespace trit::micro
