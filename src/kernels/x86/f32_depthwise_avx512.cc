// The fp32 depthwise convolution for AVX-512: per output pixel, up to 64 channels (four
// vectors of 16) at a time, one FMA per tap and vector.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_depthwise.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

template <int kV>
inline void Pixel(const F32Depthwise::Packed& p, const float* input, int64_t m, int64_t c0,
                  const __mmask16 (&masks)[4], float* output) {
  __m512 acc[kV];
  for (int v = 0; v < kV; ++v) acc[v] = _mm512_loadu_ps(p.bias + c0 + 16 * v);
  const int32_t* indirection = p.indirection + m * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    const int32_t vector = indirection[t];
    const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
    for (int v = 0; v < kV; ++v) {
      acc[v] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(masks[v], x + 16 * v),
                               _mm512_load_ps(w + 16 * v), acc[v]);
    }
  }
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int v = 0; v < kV; ++v) {
    _mm512_mask_storeu_ps(output + m * p.channels + c0 + 16 * v, masks[v],
                          _mm512_min_ps(_mm512_max_ps(acc[v], lo), hi));
  }
}

}  // namespace

void F32DepthwiseAvx512(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                        int64_t m_end, float* output) {
  for (int64_t m = m_begin; m < m_end; ++m) {
    for (int64_t c0 = 0; c0 < p.channels; c0 += 64) {
      const int64_t left = p.channels - c0;
      __mmask16 masks[4];
      for (int v = 0; v < 4; ++v) {
        const int64_t valid = std::clamp<int64_t>(left - 16 * v, 0, 16);
        masks[v] = static_cast<__mmask16>((uint32_t{1} << valid) - 1);
      }
      WithCount<4>(static_cast<int>(std::min<int64_t>(4, (left + 15) / 16)),
                   [&]<int kV>() { Pixel<kV>(p, input, m, c0, masks, output); });
    }
  }
}

}  // namespace trit::x86
