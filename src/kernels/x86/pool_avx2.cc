// The 8-bit AvgPool of pool.h for AVX2: 32-bit sums of 32 channels at a time.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/pool_windows.h"
#include "kernels/x86/pool.h"
#include "kernels/x86/requantize_avx2.h"

namespace trit::x86 {

void AvgPoolQ8Avx2(const ref::ConvGeometry& g, const uint8_t* input, bool in_signed,
                   const AvgPoolQ8Args& args, uint8_t* output) {
  const int64_t channels = g.in_c;
  const __m256i zero_point = _mm256_set1_epi32(args.output_zero_point);
  const __m256i lo = _mm256_set1_epi32(args.lo), hi = _mm256_set1_epi32(args.hi);
  ForEachPoolWindow(g, [&](int64_t out_offset, int64_t first_pixel, int y0, int y1, int x0,
                           int x1) {
    const int positions = (y1 - y0) * (x1 - x0);
    const int count = args.count_include_pad ? g.kernel_h * g.kernel_w : positions;
    const Requant r = args.per_count[count];
    const __m256i multiplier = _mm256_set1_epi32(r.multiplier);
    const __m256i shift = _mm256_set1_epi32(r.shift);
    const __m256i zero_sum = _mm256_set1_epi32(positions * args.input_zero_point);
    uint8_t* out = output + out_offset;
    const uint8_t* first = input + first_pixel * channels;
    for (int64_t c = 0; c < channels; c += 32) {
      const int64_t width = std::min<int64_t>(32, channels - c);
      __m256i sum[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
          const uint8_t* p = first + (int64_t{y} * g.in_w + x) * channels + c;
          alignas(32) uint8_t block[32];
          if (width < 32) {  // no read past the tensor: the tail through a copy
            std::memset(block, 0, sizeof(block));
            std::memcpy(block, p, static_cast<size_t>(width));
            p = block;
          }
          const __m128i lo16 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
          const __m128i hi16 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16));
          const __m128i parts[4] = {lo16, _mm_srli_si128(lo16, 8), hi16, _mm_srli_si128(hi16, 8)};
          for (int q = 0; q < 4; ++q) {
            sum[q] = _mm256_add_epi32(sum[q], in_signed ? _mm256_cvtepi8_epi32(parts[q])
                                                        : _mm256_cvtepu8_epi32(parts[q]));
          }
        }
      }
      for (int q = 0; q < 4 && 8 * q < width; ++q) {
        const __m128i bytes = RequantizeToBytes(_mm256_sub_epi32(sum[q], zero_sum), multiplier,
                                                shift, zero_point, lo, hi);
        uint8_t eight[8];
        _mm_storel_epi64(reinterpret_cast<__m128i*>(eight), bytes);
        std::memcpy(out + c + 8 * q, eight,
                    static_cast<size_t>(std::min<int64_t>(8, width - 8 * q)));
      }
    }
  });
}

void AvgPoolF32Avx2(const ref::ConvGeometry& g, bool count_include_pad, const float* input,
                    float* output) {
  AvgPoolF32Windows(g, count_include_pad, input, output);
}

}  // namespace trit::x86
