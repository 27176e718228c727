#include "kernels/ref/transpose.h"

#include <cstring>

namespace trit::ref {

MergedTranspose MergeTransposeAxes(const int64_t* in_shape, const int64_t* perm, int rank) {
  // Drop axes of extent 1 first: they never change the order of the bytes.
  int64_t kept_perm[kMaxTransposeRank], new_index[kMaxTransposeRank];
  int kept = 0;
  for (int d = 0, next = 0; d < rank; ++d) new_index[d] = in_shape[d] == 1 ? -1 : next++;
  for (int d = 0; d < rank; ++d) {
    if (new_index[perm[d]] >= 0) kept_perm[kept++] = new_index[perm[d]];
  }
  int64_t kept_shape[kMaxTransposeRank];
  for (int d = 0, k = 0; d < rank; ++d) {
    if (in_shape[d] != 1) kept_shape[k++] = in_shape[d];
  }
  // Runs of output axes that are consecutive input axes become one axis.
  MergedTranspose m;
  int64_t group_of_input[kMaxTransposeRank];
  int64_t group_extent[kMaxTransposeRank];
  int groups = 0;
  for (int d = 0; d < kept; ++d) {
    if (d > 0 && kept_perm[d] == kept_perm[d - 1] + 1) {
      group_extent[groups - 1] *= kept_shape[kept_perm[d]];
      group_of_input[kept_perm[d]] = -1;
    } else {
      group_extent[groups] = kept_shape[kept_perm[d]];
      group_of_input[kept_perm[d]] = groups;
      ++groups;
    }
  }
  // Input order of the groups: by the input axis that starts each.
  int64_t rank_of_group[kMaxTransposeRank];
  int order = 0;
  for (int a = 0; a < kept; ++a) {
    if (group_of_input[a] >= 0) {
      rank_of_group[group_of_input[a]] = order;
      m.shape[order] = group_extent[group_of_input[a]];
      ++order;
    }
  }
  m.rank = groups;
  for (int g = 0; g < groups; ++g) m.perm[g] = rank_of_group[g];
  return m;
}

namespace {

template <typename T>
void TransposeTyped(const T* in, const MergedTranspose& m, T* out) {
  if (m.rank <= 1) {
    int64_t count = 1;
    for (int d = 0; d < m.rank; ++d) count *= m.shape[d];
    std::memcpy(out, in, static_cast<size_t>(count) * sizeof(T));
    return;
  }
  int64_t in_stride[kMaxTransposeRank];
  int64_t step = 1;
  for (int d = m.rank - 1; d >= 0; --d) {
    in_stride[d] = step;
    step *= m.shape[d];
  }
  const int64_t count = step;
  // The innermost output axis runs in a tight loop; the rest by odometer.
  int64_t extent[kMaxTransposeRank], stride[kMaxTransposeRank];
  for (int d = 0; d < m.rank; ++d) {
    extent[d] = m.shape[m.perm[d]];
    stride[d] = in_stride[m.perm[d]];
  }
  const int inner = m.rank - 1;
  const int64_t inner_extent = extent[inner], inner_stride = stride[inner];
  int64_t index[kMaxTransposeRank] = {};
  int64_t from = 0;
  for (int64_t i = 0; i < count; i += inner_extent) {
    const T* src = in + from;
    T* dst = out + i;
    for (int64_t k = 0; k < inner_extent; ++k) dst[k] = src[k * inner_stride];
    for (int d = inner - 1; d >= 0; --d) {
      from += stride[d];
      if (++index[d] < extent[d]) break;
      from -= stride[d] * extent[d];
      index[d] = 0;
    }
  }
}

}  // namespace

void Transpose(const void* input, const int64_t* in_shape, const int64_t* perm, int rank,
               size_t element_bytes, void* output) {
  const MergedTranspose m = MergeTransposeAxes(in_shape, perm, rank);
  switch (element_bytes) {
    case 1:
      return TransposeTyped(static_cast<const uint8_t*>(input), m, static_cast<uint8_t*>(output));
    case 2:
      return TransposeTyped(static_cast<const uint16_t*>(input), m, static_cast<uint16_t*>(output));
    case 4:
      return TransposeTyped(static_cast<const uint32_t*>(input), m, static_cast<uint32_t*>(output));
    default:
      return TransposeTyped(static_cast<const uint64_t*>(input), m, static_cast<uint64_t*>(output));
  }
}

}  // namespace trit::ref
