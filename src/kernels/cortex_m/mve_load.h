// Helium loads shared by the Cortex-M kernels. Include only where __ARM_FEATURE_MVE is defined.
#pragma once

#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {

// Four bytes of an 8-bit tensor widened to 32-bit lanes (u8 zero-extended), the lanes outside
// `lanes` zero and not read.
template <typename T>
inline int32x4_t LoadWidened4(const T* x, mve_pred16_t lanes) {
  if constexpr (std::is_signed_v<T>) {
    return vldrbq_z_s32(x, lanes);
  } else {
    return vreinterpretq_s32_u32(vldrbq_z_u32(x, lanes));
  }
}

}  // namespace trit::cortex_m
