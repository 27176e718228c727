#include "kernels/ref/transpose.h"

#include <cstring>

namespace trit::ref {

void Transpose(const void* input, const int64_t* in_shape, const int64_t* perm, int rank,
               size_t element_bytes, void* output) {
  int64_t in_stride[kMaxTransposeRank] = {};
  int64_t step = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_stride[d] = step;
    step *= in_shape[d];
  }
  const int64_t count = step;
  // Walk the output in order; `from` follows in the input with the permuted strides.
  int64_t extent[kMaxTransposeRank] = {}, stride[kMaxTransposeRank] = {};
  for (int d = 0; d < rank; ++d) {
    extent[d] = in_shape[perm[d]];
    stride[d] = in_stride[perm[d]];
  }
  int64_t index[kMaxTransposeRank] = {};
  int64_t from = 0;
  const auto* in = static_cast<const unsigned char*>(input);
  auto* out = static_cast<unsigned char*>(output);
  for (int64_t i = 0; i < count; ++i) {
    std::memcpy(out + static_cast<size_t>(i) * element_bytes,
                in + static_cast<size_t>(from) * element_bytes, element_bytes);
    for (int d = rank - 1; d >= 0; --d) {
      from += stride[d];
      if (++index[d] < extent[d]) break;
      from -= stride[d] * extent[d];
      index[d] = 0;
    }
  }
}

}  // namespace trit::ref
