// The fp32 depthwise convolution for AVX2: a few output pixels at a time, up to 32 channels
// (four vectors of 8) each, one FMA per tap and vector; the last partial vector through masked
// moves.
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

// kP pixels at once, as the AVX-512 file (one pixel is a chain of dependent FMAs per vector).
template <int kP, int kV>
inline void Pixels(const F32Depthwise::Packed& p, const float* input, int64_t m0, int64_t c0,
                   float* output) {
  __m256i masks[kV];
  for (int v = 0; v < kV; ++v) masks[v] = LaneMask(p.channels - c0 - 8 * v);
  __m256 acc[kP][kV];
  for (int v = 0; v < kV; ++v) {
    const __m256 bias = _mm256_loadu_ps(p.bias + c0 + 8 * v);
    for (int i = 0; i < kP; ++i) acc[i][v] = bias;
  }
  const int32_t* indirection = p.indirection + m0 * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    __m256 wv[kV];
    for (int v = 0; v < kV; ++v) wv[v] = _mm256_load_ps(w + 8 * v);
    for (int i = 0; i < kP; ++i) {
      const int32_t vector = indirection[i * p.taps + t];
      const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
      for (int v = 0; v < kV; ++v) {
        acc[i][v] = _mm256_fmadd_ps(_mm256_maskload_ps(x + 8 * v, masks[v]), wv[v], acc[i][v]);
      }
    }
  }
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  for (int i = 0; i < kP; ++i) {
    for (int v = 0; v < kV; ++v) {
      _mm256_maskstore_ps(output + (m0 + i) * p.channels + c0 + 8 * v, masks[v],
                          _mm256_min_ps(_mm256_max_ps(acc[i][v], lo), hi));
    }
  }
}

// Pixels per call for kV vectors: at most 12 accumulators of the 16 registers.
template <int kV>
inline constexpr int kPixels = kV == 1 ? 6 : (kV == 2 ? 4 : 2);

}  // namespace

void F32DepthwiseAvx2(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                      int64_t m_end, float* output) {
  for (int64_t c0 = 0; c0 < p.channels; c0 += 32) {
    WithCount<4>(static_cast<int>(std::min<int64_t>(4, (p.channels - c0 + 7) / 8)), [&]<int kV>() {
      ForRowBlocks<kPixels<kV>>(
          m_begin, m_end, [&]<int kP>(int64_t m0) { Pixels<kP, kV>(p, input, m0, c0, output); });
    });
  }
}

}  // namespace trit::x86
