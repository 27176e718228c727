#include "kernels/cortex_m/q8_clamp.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {

template <typename T>
void ClampQ8Mve(int64_t count, const T* input, int32_t lo, int32_t hi, T* output) {
  for (int64_t i = 0; i < count; i += 16) {
    const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(count - i < 16 ? count - i : 16));
    if constexpr (std::is_signed_v<T>) {
      const int8x16_t v = vldrbq_z_s8(input + i, lanes);
      const int8x16_t clamped = vminq_s8(vmaxq_s8(v, vdupq_n_s8(static_cast<int8_t>(lo))),
                                         vdupq_n_s8(static_cast<int8_t>(hi)));
      vstrbq_p_s8(output + i, clamped, lanes);
    } else {
      const uint8x16_t v = vldrbq_z_u8(input + i, lanes);
      const uint8x16_t clamped = vminq_u8(vmaxq_u8(v, vdupq_n_u8(static_cast<uint8_t>(lo))),
                                          vdupq_n_u8(static_cast<uint8_t>(hi)));
      vstrbq_p_u8(output + i, clamped, lanes);
    }
  }
}

template void ClampQ8Mve<int8_t>(int64_t, const int8_t*, int32_t, int32_t, int8_t*);
template void ClampQ8Mve<uint8_t>(int64_t, const uint8_t*, int32_t, int32_t, uint8_t*);

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
