#include "kernels/ref/transpose.h"

#include <cstring>

namespace trit::ref {
namespace {

// Axes next to each other in the input that stay next to each other, in order, in the output
// move as one: merging them leaves fewer, longer axes (NCHW -> NHWC is [C, HW] -> [HW, C]).
struct Merged {
  int rank = 0;
  int64_t shape[kMaxTransposeRank] = {};  // input extents after merging
  int64_t perm[kMaxTransposeRank] = {};
};

Merged Merge(const int64_t* in_shape, const int64_t* perm, int rank) {
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
  Merged m;
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

// A matrix [rows, cols] to [cols, rows] in square tiles, so that both sides stay in cache and
// a few rows (an image's 3 channels to NHWC) cost no per-row bookkeeping.
template <typename T>
void TransposeMatrix(const T* in, int64_t rows, int64_t cols, T* out) {
  constexpr int64_t kTile = 32;
  for (int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const int64_t r1 = r0 + kTile < rows ? r0 + kTile : rows;
    for (int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const int64_t c1 = c0 + kTile < cols ? c0 + kTile : cols;
      for (int64_t c = c0; c < c1; ++c) {
        for (int64_t r = r0; r < r1; ++r) out[c * rows + r] = in[r * cols + c];
      }
    }
  }
}

template <typename T>
void TransposeTyped(const T* in, const Merged& m, T* out) {
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
  const Merged m = Merge(in_shape, perm, rank);
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
