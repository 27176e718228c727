// The MaxPool and 8-bit AvgPool of pool.h (compiled with AVX-512 F/BW/VL).
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "kernels/pool_windows.h"
#include "kernels/x86/pool.h"
#include "kernels/x86/requantize_avx512.h"

namespace trit::x86 {

void MaxPoolF32Avx512(const ref::ConvGeometry& g, const float* input, float* output) {
  const int64_t channels = g.in_c;
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    for (int64_t c = 0; c < channels; c += 16) {
      const __mmask16 mask =
          static_cast<__mmask16>(channels - c >= 16 ? 0xFFFF : (1u << (channels - c)) - 1);
      __m512 best = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const float* p = input + (first + int64_t{y} * g.in_w + x) * channels + c;
          // max(v, best) keeps best where v is NaN, as std::max(best, v) does.
          best = _mm512_max_ps(_mm512_maskz_loadu_ps(mask, p), best);
        }
      }
      _mm512_mask_storeu_ps(output + out + c, mask, best);
    }
  });
}

void MaxPoolQ8Avx512(const ref::ConvGeometry& g, const uint8_t* input, bool is_signed,
                     uint8_t* output) {
  const int64_t channels = g.in_c;
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    for (int64_t c = 0; c < channels; c += 64) {
      const __mmask64 mask =
          channels - c >= 64 ? ~uint64_t{0} : (uint64_t{1} << (channels - c)) - 1;
      __m512i best = _mm512_set1_epi8(is_signed ? -128 : 0);
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const __m512i v = _mm512_maskz_loadu_epi8(
              mask, input + (first + int64_t{y} * g.in_w + x) * channels + c);
          best = is_signed ? _mm512_max_epi8(best, v) : _mm512_max_epu8(best, v);
        }
      }
      _mm512_mask_storeu_epi8(output + out + c, mask, best);
    }
  });
}

void AvgPoolQ8Avx512(const ref::ConvGeometry& g, const uint8_t* input, bool in_signed,
                     const AvgPoolQ8Args& args, uint8_t* output) {
  const int64_t channels = g.in_c;
  const __m512i zero_point = _mm512_set1_epi32(args.output_zero_point);
  const __m512i lo = _mm512_set1_epi32(args.lo), hi = _mm512_set1_epi32(args.hi);
  ForEachPoolWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
    const int positions = (y1 - y0) * (x1 - x0);
    const int count = args.count_include_pad ? g.kernel_h * g.kernel_w : positions;
    const Requant r = args.per_count[count];
    const __m512i multiplier = _mm512_set1_epi32(r.multiplier);
    const __m512i shift = _mm512_set1_epi32(r.shift);
    // The sum of x - zx over the positions: sum(x) - positions * zx (no wrap: the window's
    // bound is checked at load, window * 255 < 2^31).
    const __m512i zero_sum = _mm512_set1_epi32(positions * args.input_zero_point);
    for (int64_t c = 0; c < channels; c += 64) {
      const __mmask64 mask =
          channels - c >= 64 ? ~uint64_t{0} : (uint64_t{1} << (channels - c)) - 1;
      __m512i sum[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                        _mm512_setzero_si512()};
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const __m512i v = _mm512_maskz_loadu_epi8(
              mask, input + (first + int64_t{y} * g.in_w + x) * channels + c);
          const __m128i b0 = _mm512_castsi512_si128(v), b1 = _mm512_extracti32x4_epi32(v, 1),
                        b2 = _mm512_extracti32x4_epi32(v, 2), b3 = _mm512_extracti32x4_epi32(v, 3);
          if (in_signed) {
            sum[0] = _mm512_add_epi32(sum[0], _mm512_cvtepi8_epi32(b0));
            sum[1] = _mm512_add_epi32(sum[1], _mm512_cvtepi8_epi32(b1));
            sum[2] = _mm512_add_epi32(sum[2], _mm512_cvtepi8_epi32(b2));
            sum[3] = _mm512_add_epi32(sum[3], _mm512_cvtepi8_epi32(b3));
          } else {
            sum[0] = _mm512_add_epi32(sum[0], _mm512_cvtepu8_epi32(b0));
            sum[1] = _mm512_add_epi32(sum[1], _mm512_cvtepu8_epi32(b1));
            sum[2] = _mm512_add_epi32(sum[2], _mm512_cvtepu8_epi32(b2));
            sum[3] = _mm512_add_epi32(sum[3], _mm512_cvtepu8_epi32(b3));
          }
        }
      }
      for (int q = 0; q < 4 && c + 16 * q < channels; ++q) {
        const int64_t left = channels - c - 16 * q;
        const __mmask16 store = static_cast<__mmask16>(left >= 16 ? 0xFFFF : (1u << left) - 1);
        const __m128i bytes = RequantizeToBytes(_mm512_sub_epi32(sum[q], zero_sum), multiplier,
                                                shift, zero_point, lo, hi);
        _mm_mask_storeu_epi8(output + out + c + 16 * q, store, bytes);
      }
    }
  });
}

void AvgPoolF32Avx512(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                      float* output) {
  AvgPoolF32Windows(g, count_include_pad, input, output);
}

}  // namespace trit::x86
