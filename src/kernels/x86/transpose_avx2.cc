#include <immintrin.h>

#include "kernels/x86/transpose.h"

namespace trit::x86 {
namespace {

template <int kRows>
void Interleave(int64_t cols, const uint32_t* in, uint32_t* out) {
  constexpr int kLanes = 8;
  // Per output vector and row: the lane permute and the lanes it supplies (all bits set).
  __m256i index[kRows][kRows], mask[kRows][kRows];
  for (int v = 0; v < kRows; ++v) {
    for (int r = 0; r < kRows; ++r) {
      alignas(32) int32_t lanes[kLanes] = {}, take[kLanes] = {};
      for (int j = 0; j < kLanes; ++j) {
        const int o = v * kLanes + j;
        if (o % kRows != r) continue;
        lanes[j] = o / kRows;
        take[j] = -1;
      }
      index[v][r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
      mask[v][r] = _mm256_load_si256(reinterpret_cast<const __m256i*>(take));
    }
  }
  int64_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    __m256i row[kRows];
    for (int r = 0; r < kRows; ++r) {
      row[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + r * cols + c));
    }
    for (int v = 0; v < kRows; ++v) {
      __m256i y = _mm256_setzero_si256();
      for (int r = 0; r < kRows; ++r) {
        y = _mm256_blendv_epi8(y, _mm256_permutevar8x32_epi32(row[r], index[v][r]), mask[v][r]);
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c * kRows + v * kLanes), y);
    }
  }
  for (; c < cols; ++c) {
    for (int r = 0; r < kRows; ++r) out[c * kRows + r] = in[r * cols + c];
  }
}

}  // namespace

void TransposeX32InterleaveAvx2(int64_t rows, int64_t cols, const uint32_t* input,
                                uint32_t* output) {
  if (rows == 2) return Interleave<2>(cols, input, output);
  if (rows == 3) return Interleave<3>(cols, input, output);
  Interleave<4>(cols, input, output);
}

}  // namespace trit::x86
