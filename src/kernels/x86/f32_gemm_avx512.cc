// The fp32 GEMM for AVX-512: 8 rows x 32 channels per microkernel call, FMA with the input
// value broadcast from memory.
#include <immintrin.h>

#include <algorithm>

#include "kernels/x86/f32_gemm.h"

namespace trit::x86 {
namespace {

constexpr int kRows = 8;
constexpr int kTile = static_cast<int>(kF32Avx512Tile);

template <int kR>
inline void Microkernel(const F32Gemm::Packed& p, const float* input, int64_t m0, int64_t t,
                        float* output) {
  const float* w = p.weights + t * kTile * p.taps * p.depth;
  const int64_t n0 = t * kTile;
  const __m512 b0 = _mm512_loadu_ps(p.bias + n0), b1 = _mm512_loadu_ps(p.bias + n0 + 16);
  __m512 acc[kR][2];
  for (int r = 0; r < kR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  const int32_t* rows_indirection[kR];
  for (int r = 0; r < kR; ++r) {
    rows_indirection[r] = p.indirection + (m0 + r) * p.taps;
  }
  for (int64_t tap = 0; tap < p.taps; ++tap) {
    const float* a[kR];
    for (int r = 0; r < kR; ++r) a[r] = input + rows_indirection[r][tap] * p.depth;
    for (int64_t k = 0; k < p.depth; ++k) {
      const __m512 w0 = _mm512_load_ps(w), w1 = _mm512_load_ps(w + 16);
      w += 32;
      for (int r = 0; r < kR; ++r) {
        const __m512 x = _mm512_set1_ps(a[r][k]);
        acc[r][0] = _mm512_fmadd_ps(x, w0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(x, w1, acc[r][1]);
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int half = 0; half < 2; ++half) {
    const int64_t c0 = n0 + 16 * half;
    if (c0 >= p.n) break;
    const int64_t valid = std::min<int64_t>(16, p.n - c0);
    const __mmask16 mask = static_cast<__mmask16>((1u << valid) - 1);
    for (int r = 0; r < kR; ++r) {
      const __m512 y = _mm512_min_ps(_mm512_max_ps(acc[r][half], lo), hi);
      _mm512_mask_storeu_ps(output + (m0 + r) * p.n + c0, mask, y);
    }
  }
}

}  // namespace

void F32GemmAvx512(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                   int64_t tile_begin, int64_t tile_end, float* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    for (int64_t m0 = m_begin; m0 < m_end; m0 += kRows) {
      switch (std::min<int64_t>(kRows, m_end - m0)) {
        case 8:
          Microkernel<8>(p, input, m0, t, output);
          break;
        case 7:
          Microkernel<7>(p, input, m0, t, output);
          break;
        case 6:
          Microkernel<6>(p, input, m0, t, output);
          break;
        case 5:
          Microkernel<5>(p, input, m0, t, output);
          break;
        case 4:
          Microkernel<4>(p, input, m0, t, output);
          break;
        case 3:
          Microkernel<3>(p, input, m0, t, output);
          break;
        case 2:
          Microkernel<2>(p, input, m0, t, output);
          break;
        case 1:
          Microkernel<1>(p, input, m0, t, output);
          break;
      }
    }
  }
}

}  // namespace trit::x86
