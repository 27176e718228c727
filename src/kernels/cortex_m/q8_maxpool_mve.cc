#include "kernels/cortex_m/q8_maxpool.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {

template <typename T>
void MaxPoolQ8Mve(const ref::ConvGeometry& g, const T* input, T* output) {
  const int channels = g.in_c;
  ForEachPoolWindow(g, input, output, [&](const T* in, T* out, const PoolWindow& w) {
    for (int c = 0; c < channels; c += 16) {
      // The tail predicated: its lanes are neither loaded nor stored.
      const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(channels - c));
      const T* first = in + (static_cast<int64_t>(w.y0) * g.in_w + w.x0) * channels + c;
      if constexpr (std::is_signed_v<T>) {
        int8x16_t best = vldrbq_z_s8(first, lanes);
        for (int y = w.y0; y < w.y1; ++y) {
          const T* row = in + static_cast<int64_t>(y) * g.in_w * channels + c;
          for (int x = w.x0; x < w.x1; ++x) {
            best = vmaxq_s8(best, vldrbq_z_s8(row + x * channels, lanes));
          }
        }
        vstrbq_p_s8(out + c, best, lanes);
      } else {
        uint8x16_t best = vldrbq_z_u8(first, lanes);
        for (int y = w.y0; y < w.y1; ++y) {
          const T* row = in + static_cast<int64_t>(y) * g.in_w * channels + c;
          for (int x = w.x0; x < w.x1; ++x) {
            best = vmaxq_u8(best, vldrbq_z_u8(row + x * channels, lanes));
          }
        }
        vstrbq_p_u8(out + c, best, lanes);
      }
    }
  });
}

template void MaxPoolQ8Mve<int8_t>(const ref::ConvGeometry&, const int8_t*, int8_t*);
template void MaxPoolQ8Mve<uint8_t>(const ref::ConvGeometry&, const uint8_t*, uint8_t*);

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
