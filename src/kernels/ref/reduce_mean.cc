#include "kernels/ref/reduce_mean.h"

#include <cstddef>
#include <vector>

namespace trit::ref {

void ReduceMeanF32(const float* input, const int64_t* in_shape, const bool* reduced, int rank,
                   float* output) {
  // Output stride of each input axis: 0 along reduced axes.
  std::vector<int64_t> out_stride(static_cast<std::size_t>(rank), 0);
  int64_t out_count = 1, in_count = 1;
  for (int d = rank - 1; d >= 0; --d) {
    in_count *= in_shape[d];
    if (!reduced[d]) {
      out_stride[static_cast<std::size_t>(d)] = out_count;
      out_count *= in_shape[d];
    }
  }
  std::vector<double> sum(static_cast<std::size_t>(out_count), 0.0);
  std::vector<int64_t> index(static_cast<std::size_t>(rank), 0);
  int64_t to = 0;
  for (int64_t i = 0; i < in_count; ++i) {
    sum[static_cast<std::size_t>(to)] += input[i];
    for (int d = rank - 1; d >= 0; --d) {
      const auto u = static_cast<std::size_t>(d);
      to += out_stride[u];
      if (++index[u] < in_shape[d]) break;
      to -= out_stride[u] * in_shape[d];
      index[u] = 0;
    }
  }
  const double per_output = out_count > 0 ? static_cast<double>(in_count) / out_count : 1.0;
  for (int64_t o = 0; o < out_count; ++o) {
    output[o] = static_cast<float>(sum[static_cast<std::size_t>(o)] / per_output);
  }
}

}  // namespace trit::ref
