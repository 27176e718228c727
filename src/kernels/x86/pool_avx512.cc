// The MaxPool of pool.h (compiled with AVX-512 F/BW).
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "kernels/x86/pool.h"

namespace trit::x86 {
namespace {

// Calls visit(out, first, y0, y1, x0, x1): `first` is the input pixel (n, 0, 0) and the window
// [y0,y1) x [x0,x1) in bounds, as the reference's loop.
template <typename Visit>
void ForEachWindow(const ref::ConvGeometry& g, Visit visit) {
  for (int n = 0; n < g.batch; ++n) {
    for (int oy = 0; oy < g.out_h; ++oy) {
      const int y_start = oy * g.stride_h - g.pad_top;
      const int y0 = std::max(y_start, 0), y1 = std::min(y_start + g.kernel_h, g.in_h);
      for (int ox = 0; ox < g.out_w; ++ox) {
        const int x_start = ox * g.stride_w - g.pad_left;
        const int x0 = std::max(x_start, 0), x1 = std::min(x_start + g.kernel_w, g.in_w);
        const int64_t out = ((int64_t{n} * g.out_h + oy) * g.out_w + ox) * g.out_c;
        visit(out, int64_t{n} * g.in_h * g.in_w, y0, y1, x0, x1);
      }
    }
  }
}

}  // namespace

void MaxPoolF32Avx512(const ref::ConvGeometry& g, const float* input, float* output) {
  const int64_t channels = g.in_c;
  ForEachWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
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
  ForEachWindow(g, [&](int64_t out, int64_t first, int y0, int y1, int x0, int x1) {
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

}  // namespace trit::x86
