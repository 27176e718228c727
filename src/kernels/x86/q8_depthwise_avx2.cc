// The depthwise int8 convolution for AVX2: per output pixel, up to 32 channels (four vectors
// of 8 32-bit lanes) at a time, VPMADDWD + VPADDD per tap and vector.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/q8_depthwise.h"
#include "kernels/row_blocks.h"
#include "kernels/x86/requantize_avx2.h"

namespace trit::x86 {
namespace {

template <bool kSigned>
inline __m256i Widen(__m128i bytes) {
  return kSigned ? _mm256_cvtepi8_epi32(bytes) : _mm256_cvtepu8_epi32(bytes);
}

// Eight input bytes; fewer at the end of a pixel's channels (no read past the tensor).
inline __m128i LoadBytes(const uint8_t* x, int64_t valid) {
  if (valid >= 8) return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
  uint8_t bytes[8] = {};
  std::memcpy(bytes, x, static_cast<size_t>(valid));
  return _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes));
}

template <bool kSigned, int kV>
inline void Pixel(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m, int64_t c0,
                  uint8_t* output) {
  const int64_t left = p.channels - c0;
  __m256i acc[kV];
  for (int v = 0; v < kV; ++v) {
    acc[v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.offset + c0 + 8 * v));
  }
  const int32_t* indirection = p.indirection + m * p.taps;
  const int32_t* w = p.weights + c0;
  for (int64_t t = 0; t < p.taps; ++t, w += p.channels_padded) {
    const int32_t vector = indirection[t];
    const uint8_t* x = (vector < p.vectors ? input + int64_t{vector} * p.channels : p.padding) + c0;
    for (int v = 0; v < kV; ++v) {
      const __m256i wide = Widen<kSigned>(LoadBytes(x + 8 * v, left - 8 * v));
      const __m256i weights = _mm256_load_si256(reinterpret_cast<const __m256i*>(w + 8 * v));
      acc[v] = _mm256_add_epi32(acc[v], _mm256_madd_epi16(wide, weights));
    }
  }
  const __m256i zero_point = _mm256_set1_epi32(p.output_zero_point);
  const __m256i lo = _mm256_set1_epi32(p.lo), hi = _mm256_set1_epi32(p.hi);
  for (int v = 0; v < kV; ++v) {
    const int64_t c = c0 + 8 * v;
    const __m128i bytes = RequantizeToBytes(
        acc[v], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.multiplier + c)),
        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.shift + c)), zero_point, lo, hi);
    uint8_t stored[8];
    _mm_storel_epi64(reinterpret_cast<__m128i*>(stored), bytes);
    std::memcpy(output + m * p.channels + c, stored,
                static_cast<size_t>(std::min<int64_t>(8, p.channels - c)));
  }
}

template <bool kSigned>
void Rows(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin, int64_t m_end,
          uint8_t* output) {
  for (int64_t m = m_begin; m < m_end; ++m) {
    for (int64_t c0 = 0; c0 < p.channels; c0 += 32) {
      WithCount<4>(static_cast<int>(std::min<int64_t>(4, (p.channels - c0 + 7) / 8)),
                   [&]<int kV>() { Pixel<kSigned, kV>(p, input, m, c0, output); });
    }
  }
}

}  // namespace

void Q8DepthwiseAvx2(const Q8Depthwise::Packed& p, const uint8_t* input, int64_t m_begin,
                     int64_t m_end, uint8_t* output) {
  if (p.input_signed) {
    Rows<true>(p, input, m_begin, m_end, output);
  } else {
    Rows<false>(p, input, m_begin, m_end, output);
  }
}

}  // namespace trit::x86
