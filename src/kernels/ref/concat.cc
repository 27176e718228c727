#include "kernels/ref/concat.h"

#include <cstring>

namespace trit::ref {

void ConcatCopy(int64_t outer, int64_t in_axis, int64_t out_axis, int64_t axis_offset,
                int64_t inner, size_t element_bytes, const void* input, void* output) {
  const size_t row = static_cast<size_t>(in_axis * inner) * element_bytes;
  for (int64_t o = 0; o < outer; ++o) {
    const auto* src = static_cast<const uint8_t*>(input) + static_cast<size_t>(o) * row;
    auto* dst = static_cast<uint8_t*>(output) +
                static_cast<size_t>((o * out_axis + axis_offset) * inner) * element_bytes;
    std::memcpy(dst, src, row);
  }
}

template <typename In, typename Out>
void ConcatRescaleQ8(int64_t outer, int64_t in_axis, int64_t out_axis, int64_t axis_offset,
                     int64_t inner, const In* input, int32_t input_zero_point, Requant requant,
                     int32_t output_zero_point, int32_t lo, int32_t hi, Out* output) {
  const int64_t row = in_axis * inner;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < row; ++i) {
      const int32_t value =
          output_zero_point +
          Requantize(static_cast<int32_t>(input[o * row + i]) - input_zero_point, requant);
      output[(o * out_axis + axis_offset) * inner + i] = static_cast<Out>(Clamp(value, lo, hi));
    }
  }
}

template void ConcatRescaleQ8<int8_t, int8_t>(int64_t, int64_t, int64_t, int64_t, int64_t,
                                              const int8_t*, int32_t, Requant, int32_t, int32_t,
                                              int32_t, int8_t*);
template void ConcatRescaleQ8<uint8_t, int8_t>(int64_t, int64_t, int64_t, int64_t, int64_t,
                                               const uint8_t*, int32_t, Requant, int32_t, int32_t,
                                               int32_t, int8_t*);
template void ConcatRescaleQ8<int8_t, uint8_t>(int64_t, int64_t, int64_t, int64_t, int64_t,
                                               const int8_t*, int32_t, Requant, int32_t, int32_t,
                                               int32_t, uint8_t*);
template void ConcatRescaleQ8<uint8_t, uint8_t>(int64_t, int64_t, int64_t, int64_t, int64_t,
                                                const uint8_t*, int32_t, Requant, int32_t, int32_t,
                                                int32_t, uint8_t*);

void PadConstant(int rank, const int64_t* in_shape, const int64_t* pads, size_t element_bytes,
                 const void* fill, const void* input, void* output) {
  int64_t out_shape[16];
  int64_t out_count = 1;
  for (int d = 0; d < rank; ++d) {
    out_shape[d] = in_shape[d] + pads[d] + pads[rank + d];
    out_count *= out_shape[d];
  }
  auto* out = static_cast<uint8_t*>(output);
  const auto* fill_bytes = static_cast<const uint8_t*>(fill);
  bool one_byte = true;  // the fill is one byte repeated (0.0f, any zero point): a memset
  for (size_t b = 1; b < element_bytes; ++b) one_byte = one_byte && fill_bytes[b] == fill_bytes[0];
  if (one_byte) {
    std::memset(out, fill_bytes[0], static_cast<size_t>(out_count) * element_bytes);
  } else {
    for (int64_t i = 0; i < out_count; ++i) {
      std::memcpy(out + static_cast<size_t>(i) * element_bytes, fill, element_bytes);
    }
  }
  int64_t in_count = 1;
  for (int d = 0; d < rank; ++d) in_count *= in_shape[d];
  if (in_count == 0) return;
  // Copy the input row by row (last dimension contiguous) into its place.
  const int64_t row = rank > 0 ? in_shape[rank - 1] : 1;
  int64_t index[16] = {};
  const auto* in = static_cast<const uint8_t*>(input);
  for (int64_t start = 0; start < in_count; start += row) {
    int64_t offset = 0;
    for (int d = 0; d < rank; ++d) {
      const int64_t at = d == rank - 1 ? pads[d] : index[d] + pads[d];
      offset = offset * out_shape[d] + at;
    }
    std::memcpy(out + static_cast<size_t>(offset) * element_bytes,
                in + static_cast<size_t>(start) * element_bytes,
                static_cast<size_t>(row) * element_bytes);
    for (int d = rank - 2; d >= 0; --d) {
      if (++index[d] < in_shape[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace trit::ref
