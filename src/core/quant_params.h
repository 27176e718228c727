// Quantization parameters of a tensor (see docs/quantization.md, the numerics contract).
//
//   activations (i8/u8):  real = scale * (q - zero_point), one scale and zero point per tensor.
//   weights (i8/i4/i2):   real = scale[c] * level, symmetric, per output channel (axis 0).
//   ternary weights:      real = scale[c] * (+ternary_pos[c] | 0 | -ternary_neg[c]) by code, so
//                         the asymmetric {-Wn, 0, +Wp} of TTQ is Wp = scale*pos, Wn = scale*neg.
//   binary weights:       real = scale[c] * (+1 | -1).
//   bias (i32):           real = input_scale * weight_scale[c] * level (no own scale needed).
#pragma once

#include <cstdint>
#include <vector>

namespace trit {

struct QuantParams {
  std::vector<float> scale;         // one entry (per tensor) or one per channel along `axis`
  std::vector<int32_t> zero_point;  // same length as scale; all zero for weights
  int32_t axis = -1;                // channel axis for per-channel parameters, -1 per tensor
  std::vector<int8_t> ternary_pos;  // ternary only: positive magnitude level per channel (1..127)
  std::vector<int8_t> ternary_neg;  // ternary only: negative magnitude level per channel (1..127)

  bool empty() const { return scale.empty(); }
  bool per_channel() const { return axis >= 0; }
  bool operator==(const QuantParams&) const = default;

  static QuantParams PerTensor(float scale, int32_t zero_point) {
    QuantParams q;
    q.scale = {scale};
    q.zero_point = {zero_point};
    return q;
  }
};

}  // namespace trit
