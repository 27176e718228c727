// Reference N-D transpose: output axis d is input axis perm[d], for elements of 1, 2, 4 or 8
// bytes (the op moves bytes, so every activation type but packed bits shares it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace trit::ref {

inline constexpr int kMaxTransposeRank = 8;

// A permutation with the axes of extent 1 dropped and each run of input axes that stays
// together, in order, in the output merged into one: the same bytes moved, over fewer and longer
// axes (NCHW -> NHWC is [C, HW] -> [HW, C]). Rank 0 or 1: a copy.
struct MergedTranspose {
  int rank = 0;
  int64_t shape[kMaxTransposeRank] = {};  // input extents after merging
  int64_t perm[kMaxTransposeRank] = {};
};
MergedTranspose MergeTransposeAxes(const int64_t* in_shape, const int64_t* perm, int rank);

// in_shape has `rank` extents; perm is a permutation of 0..rank-1.
void Transpose(const void* input, const int64_t* in_shape, const int64_t* perm, int rank,
               size_t element_bytes, void* output);

}  // namespace trit::ref
