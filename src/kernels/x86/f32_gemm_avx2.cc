// The fp32 GEMM for AVX2 + FMA: 6 rows x 16 channels per microkernel call (12 accumulators,
// enough to hide the FMA latency), the input value broadcast from memory.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_gemm.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

constexpr int kRows = 6;
constexpr int kTile = static_cast<int>(kF32Avx2Tile);

template <int kR>
inline void Microkernel(const F32Gemm::Packed& p, const float* input, int64_t m0, int64_t t,
                        float* output) {
  const float* w = p.weights + t * kTile * p.taps * p.depth;
  const int64_t n0 = t * kTile;
  const __m256 b0 = _mm256_loadu_ps(p.bias + n0), b1 = _mm256_loadu_ps(p.bias + n0 + 8);
  __m256 acc[kR][2];
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
      const __m256 w0 = _mm256_load_ps(w), w1 = _mm256_load_ps(w + 8);
      // As the AVX-512 file: the weights of layers larger than L2 asked for 4 KB ahead.
      _mm_prefetch(reinterpret_cast<const char*>(w + 16 * 64), _MM_HINT_T0);
      w += 16;
      for (int r = 0; r < kR; ++r) {
        const __m256 x = _mm256_broadcast_ss(a[r] + k);
        acc[r][0] = _mm256_fmadd_ps(x, w0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(x, w1, acc[r][1]);
      }
    }
  }
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  for (int half = 0; half < 2; ++half) {
    const int64_t c0 = n0 + 8 * half;
    if (c0 >= p.n) break;
    const int valid = static_cast<int>(std::min<int64_t>(8, p.n - c0));
    const __m256i mask =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int r = 0; r < kR; ++r) {
      const __m256 y = _mm256_min_ps(_mm256_max_ps(acc[r][half], lo), hi);
      _mm256_maskstore_ps(output + (m0 + r) * p.n + c0, mask, y);
    }
  }
}

}  // namespace

void F32GemmAvx2(const F32Gemm::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
                 int64_t tile_begin, int64_t tile_end, float* output) {
  for (int64_t t = tile_begin; t < tile_end; ++t) {
    ForRowBlocks<kRows>(m_begin, m_end,
                        [&]<int kR>(int64_t m0) { Microkernel<kR>(p, input, m0, t, output); });
  }
}

}  // namespace trit::x86
