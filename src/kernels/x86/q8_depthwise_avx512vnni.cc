// The depthwise int8 convolution for AVX-512 VNNI: a few output pixels at a time, up to 64
// channels (four vectors of 16 32-bit lanes) each, one VPDPWSSD per tap and vector.
#include <immintrin.h>

#include <algorithm>

#include "kernels/q8_depthwise.h"
#include "kernels/row_blocks.h"
#include "kernels/x86/requantize_avx512.h"

namespace trit::x86 {
namespace {

template <bool kSigned>
inline __m512i Widen(__m128i bytes) {
  return kSigned ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes);
}

// kV vectors of channels from c0 of kP output pixels from m0; `masks` covers the last, partial
// vector. The pixels' kP x kV accumulators are independent chains: one pixel alone waited on
// each VPDPWSSD's latency (5 cycles) tap after tap. A tap's weights are loaded once for all kP.
template <bool kSigned, int kP, int kV>
inline void Pixels(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m0, int64_t c0,
                   const __mmask16 (&masks)[4], uint8_t* output) {
  __m512i acc[kP][kV];
  for (int v = 0; v < kV; ++v) {
    const __m512i offset = _mm512_loadu_si512(p.offset + c0 + 16 * v);
    for (int i = 0; i < kP; ++i) acc[i][v] = offset;
  }
  const int32_t* indirection = p.indirection + m0 * p.taps;
  const int32_t* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    __m512i wv[kV];
    for (int v = 0; v < kV; ++v) wv[v] = _mm512_load_si512(w + 16 * v);
    for (int i = 0; i < kP; ++i) {
      const int32_t vector = indirection[i * p.taps + t];
      const uint8_t* x =
          (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
      for (int v = 0; v < kV; ++v) {
        const __m512i wide = Widen<kSigned>(_mm_maskz_loadu_epi8(masks[v], x + 16 * v));
        acc[i][v] = _mm512_dpwssd_epi32(acc[i][v], wide, wv[v]);
      }
    }
  }
  const __m512i zero_point = _mm512_set1_epi32(p.output_zero_point);
  const __m512i lo = _mm512_set1_epi32(p.lo), hi = _mm512_set1_epi32(p.hi);
  for (int v = 0; v < kV; ++v) {
    const int64_t c = c0 + 16 * v;
    const __m512i multiplier = _mm512_loadu_si512(p.multiplier + c);
    const __m512i shift = _mm512_loadu_si512(p.shift + c);
    for (int i = 0; i < kP; ++i) {
      const __m128i bytes = RequantizeToBytes(acc[i][v], multiplier, shift, zero_point, lo, hi);
      _mm_mask_storeu_epi8(output + (m0 + i) * p.channels + c, masks[v], bytes);
    }
  }
}

// Pixels per call for kV vectors: about 16 accumulators.
template <int kV>
inline constexpr int kPixels = kV == 1 ? 8 : (kV == 2 ? 6 : 4);

template <bool kSigned>
void Rows(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
          uint8_t* output) {
  for (int64_t c0 = 0; c0 < p.channels; c0 += 64) {
    const int64_t left = p.channels - c0;
    __mmask16 masks[4];
    for (int v = 0; v < 4; ++v) {
      const int64_t valid = std::clamp<int64_t>(left - 16 * v, 0, 16);
      masks[v] = static_cast<__mmask16>((uint32_t{1} << valid) - 1);
    }
    WithCount<4>(static_cast<int>(std::min<int64_t>(4, (left + 15) / 16)), [&]<int kV>() {
      ForRowBlocks<kPixels<kV>>(m_begin, m_end, [&]<int kP>(int64_t m0) {
        Pixels<kSigned, kP, kV>(p, input, m0, c0, masks, output);
      });
    });
  }
}

}  // namespace

void Q8DepthwiseAvx512(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                       int64_t m_end, uint8_t* output) {
  if (p.input_signed) {
    Rows<true>(p, input, m_begin, m_end, output);
  } else {
    Rows<false>(p, input, m_begin, m_end, output);
  }
}

}  // namespace trit::x86
