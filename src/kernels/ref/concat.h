// Reference concatenation and constant padding, any rank, on raw elements.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/requantize.h"

namespace trit::ref {

// Copies one input into its slice of the output: the tensors seen as [outer, axis, inner],
// the input's axis extent `in_axis` placed at `axis_offset` of the output's `out_axis`.
void ConcatCopy(int64_t outer, int64_t in_axis, int64_t out_axis, int64_t axis_offset,
                int64_t inner, size_t element_bytes, const void* input, void* output);

// The same for a quantized input whose parameters differ from the output's.
template <typename In, typename Out>
void ConcatRescaleQ8(int64_t outer, int64_t in_axis, int64_t out_axis, int64_t axis_offset,
                     int64_t inner, const In* input, int32_t input_zero_point, Requant requant,
                     int32_t output_zero_point, int32_t lo, int32_t hi, Out* output);

// Pads with `fill` (element_bytes bytes): pads[d] before and pads[rank + d] after dim d.
void PadConstant(int rank, const int64_t* in_shape, const int64_t* pads, size_t element_bytes,
                 const void* fill, const void* input, void* output);

}  // namespace trit::ref
