#include <immintrin.h>

#include "kernels/x86/transpose.h"

namespace trit::x86 {
namespace {

template <int kRows>
void Interleave(int64_t cols, const uint32_t* in, uint32_t* out) {
  constexpr int kLanes = 16;
  __m512i index[kRows][kRows];
  __mmask16 mask[kRows][kRows];
  for (int v = 0; v < kRows; ++v) {
    for (int r = 0; r < kRows; ++r) {
      alignas(64) int32_t lanes[kLanes] = {};
      uint32_t bits = 0;
      for (int j = 0; j < kLanes; ++j) {
        const int o = v * kLanes + j;
        if (o % kRows != r) continue;
        lanes[j] = o / kRows;
        bits |= 1u << j;
      }
      index[v][r] = _mm512_load_si512(lanes);
      mask[v][r] = static_cast<__mmask16>(bits);
    }
  }
  int64_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    __m512i row[kRows];
    for (int r = 0; r < kRows; ++r) row[r] = _mm512_loadu_si512(in + r * cols + c);
    for (int v = 0; v < kRows; ++v) {
      __m512i y = _mm512_setzero_si512();
      for (int r = 0; r < kRows; ++r)
        y = _mm512_mask_permutexvar_epi32(y, mask[v][r], index[v][r], row[r]);
      _mm512_storeu_si512(out + c * kRows + v * kLanes, y);
    }
  }
  for (; c < cols; ++c) {
    for (int r = 0; r < kRows; ++r) out[c * kRows + r] = in[r * cols + c];
  }
}

}  // namespace

void TransposeX32InterleaveAvx512(int64_t rows, int64_t cols, const uint32_t* input,
                                  uint32_t* output) {
  if (rows == 2) return Interleave<2>(cols, input, output);
  if (rows == 3) return Interleave<3>(cols, input, output);
  Interleave<4>(cols, input, output);
}

}  // namespace trit::x86
