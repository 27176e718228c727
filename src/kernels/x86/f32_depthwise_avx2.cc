// The fp32 depthwise convolution for AVX2: per output pixel, up to 32 channels (four vectors
// of 8) at a time, one FMA per tap and vector; the last partial vector through masked moves.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_depthwise.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

// All-ones lanes for the first `valid` of 8.
inline __m256i LaneMask(int64_t valid) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(valid)),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int kV>
inline void Pixel(const F32Depthwise::Packed& p, const float* input, int64_t m, int64_t c0,
                  float* output) {
  __m256i masks[kV];
  for (int v = 0; v < kV; ++v) masks[v] = LaneMask(p.channels - c0 - 8 * v);
  __m256 acc[kV];
  for (int v = 0; v < kV; ++v) acc[v] = _mm256_loadu_ps(p.bias + c0 + 8 * v);
  const int32_t* indirection = p.indirection + m * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    const int32_t vector = indirection[t];
    const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
    for (int v = 0; v < kV; ++v) {
      acc[v] = _mm256_fmadd_ps(_mm256_maskload_ps(x + 8 * v, masks[v]), _mm256_load_ps(w + 8 * v),
                               acc[v]);
    }
  }
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  for (int v = 0; v < kV; ++v) {
    _mm256_maskstore_ps(output + m * p.channels + c0 + 8 * v, masks[v],
                        _mm256_min_ps(_mm256_max_ps(acc[v], lo), hi));
  }
}

}  // namespace

void F32DepthwiseAvx2(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                      int64_t m_end, float* output) {
  for (int64_t m = m_begin; m < m_end; ++m) {
    for (int64_t c0 = 0; c0 < p.channels; c0 += 32) {
      WithCount<4>(static_cast<int>(std::min<int64_t>(4, (p.channels - c0 + 7) / 8)),
                   [&]<int kV>() { Pixel<kV>(p, input, m, c0, output); });
    }
  }
}

}  // namespace trit::x86
