// Reference softmax over one axis, the tensor seen as [outer, axis, inner].
#pragma once

#include <cstdint>

namespace trit::ref {

void SoftmaxF32(int64_t outer, int64_t axis, int64_t inner, const float* input, float* output);

// exp_table[d] = round(exp(-sx * d) * 2^20) for d = 0..255; inv_scale = round(2^16 / sy).
template <typename In, typename Out>
void SoftmaxQ8(int64_t outer, int64_t axis, int64_t inner, const In* input,
               const int32_t* exp_table, int64_t inv_scale, int32_t output_zero_point, int32_t lo,
               int32_t hi, Out* output);

}  // namespace trit::ref
