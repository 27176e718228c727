#include "kernels/cortex_m/q8_maxpool.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include <arm_acle.h>

#include <cstring>
#include <type_traits>

namespace trit::cortex_m {

template <typename T>
void MaxPoolQ8Dsp(const ref::ConvGeometry& g, const T* input, T* output) {
  const int channels = g.in_c, whole = g.in_c & ~3;
  ForEachPoolWindow(g, input, output, [&](const T* in, T* out, const PoolWindow& w) {
    const T* first = in + (static_cast<int64_t>(w.y0) * g.in_w + w.x0) * channels;
    for (int c = 0; c < whole; c += 4) {
      uint32_t best;
      std::memcpy(&best, first + c, 4);
      for (int y = w.y0; y < w.y1; ++y) {
        const T* row = in + static_cast<int64_t>(y) * g.in_w * channels + c;
        for (int x = w.x0; x < w.x1; ++x) {
          uint32_t v;
          std::memcpy(&v, row + x * channels, 4);
          // GE per byte where v >= best, then SEL takes those bytes of v.
          if constexpr (std::is_signed_v<T>) {
            (void)__ssub8(static_cast<int8x4_t>(v), static_cast<int8x4_t>(best));
          } else {
            (void)__usub8(static_cast<uint8x4_t>(v), static_cast<uint8x4_t>(best));
          }
          best =
              static_cast<uint32_t>(__sel(static_cast<uint8x4_t>(v), static_cast<uint8x4_t>(best)));
        }
      }
      std::memcpy(out + c, &best, 4);
    }
    for (int c = whole; c < channels; ++c) {
      T best = first[c];
      for (int y = w.y0; y < w.y1; ++y) {
        for (int x = w.x0; x < w.x1; ++x) {
          const T v = in[(static_cast<int64_t>(y) * g.in_w + x) * channels + c];
          best = v > best ? v : best;
        }
      }
      out[c] = best;
    }
  });
}

template void MaxPoolQ8Dsp<int8_t>(const ref::ConvGeometry&, const int8_t*, int8_t*);
template void MaxPoolQ8Dsp<uint8_t>(const ref::ConvGeometry&, const uint8_t*, uint8_t*);

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
