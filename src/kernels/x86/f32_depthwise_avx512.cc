// The fp32 depthwise convolution for AVX-512: a few output pixels at a time, up to 64 channels
// (four vectors of 16) each, one FMA per tap and vector.
#include <immintrin.h>

#include <algorithm>

#include "kernels/f32_depthwise.h"
#include "kernels/row_blocks.h"

namespace trit::x86 {
namespace {

// kP output pixels at once, kV vectors of channels each: kP x kV independent accumulator chains.
// One pixel alone is a chain of `taps` dependent FMAs per vector (4 cycles each): latency, not
// throughput, bounded it (a 3x3 layer of 32 channels ran at a fifth of the FMA peak). The
// weights of a tap are loaded once for the kP pixels.
template <int kP, int kV>
inline void Pixels(const F32Depthwise::Packed& p, const float* input, int64_t m0, int64_t c0,
                   const __mmask16 (&masks)[4], float* output) {
  __m512 acc[kP][kV];
  for (int v = 0; v < kV; ++v) {
    const __m512 bias = _mm512_loadu_ps(p.bias + c0 + 16 * v);
    for (int i = 0; i < kP; ++i) acc[i][v] = bias;
  }
  const int32_t* indirection = p.indirection + m0 * p.taps;
  const float* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    __m512 wv[kV];
    for (int v = 0; v < kV; ++v) wv[v] = _mm512_load_ps(w + 16 * v);
    for (int i = 0; i < kP; ++i) {
      const int32_t vector = indirection[i * p.taps + t];
      const float* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
      for (int v = 0; v < kV; ++v) {
        acc[i][v] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(masks[v], x + 16 * v), wv[v], acc[i][v]);
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  for (int i = 0; i < kP; ++i) {
    for (int v = 0; v < kV; ++v) {
      _mm512_mask_storeu_ps(output + (m0 + i) * p.channels + c0 + 16 * v, masks[v],
                            _mm512_min_ps(_mm512_max_ps(acc[i][v], lo), hi));
    }
  }
}

// Pixels per call for kV vectors: about 16 accumulators.
template <int kV>
inline constexpr int kPixels = kV == 1 ? 8 : (kV == 2 ? 8 : 4);

template <int kV>
void Run(const F32Depthwise::Packed& p, const float* input, int64_t m_begin, int64_t m_end,
         int64_t c0, const __mmask16 (&masks)[4], float* output) {
  ForRowBlocks<kPixels<kV>>(
      m_begin, m_end, [&]<int kP>(int64_t m0) { Pixels<kP, kV>(p, input, m0, c0, masks, output); });
}

}  // namespace

void F32DepthwiseAvx512(const F32Depthwise::Packed& p, const float* input, int64_t m_begin,
                        int64_t m_end, float* output) {
  for (int64_t c0 = 0; c0 < p.channels; c0 += 64) {
    const int64_t left = p.channels - c0;
    __mmask16 masks[4];
    for (int v = 0; v < 4; ++v) {
      const int64_t valid = std::clamp<int64_t>(left - 16 * v, 0, 16);
      masks[v] = static_cast<__mmask16>((uint32_t{1} << valid) - 1);
    }
    WithCount<4>(static_cast<int>(std::min<int64_t>(4, (left + 15) / 16)),
                 [&]<int kV>() { Run<kV>(p, input, m_begin, m_end, c0, masks, output); });
  }
}

}  // namespace trit::x86
