// The int8 dot product of the recurrent cells' rows on Helium: sixteen products a VMLADAVA, the
// tail predicated. Integer sums in int32, exact for |a|, |b| <= 127 and n <= 2^16 (the cells'
// limits), so it equals the portable loop whatever the order. Include only where
// __ARM_FEATURE_MVE is defined.
#pragma once

#include <arm_mve.h>

#include <cstdint>

namespace trit::cortex_m {

inline int32_t DotQ8Mve(const int8_t* a, const int8_t* b, int32_t n) {
  int32_t sum = 0;
  for (int32_t k = 0; k < n; k += 16) {
    const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(n - k));
    sum = vmladavaq_p_s8(sum, vldrbq_z_s8(a + k, lanes), vldrbq_z_s8(b + k, lanes), lanes);
  }
  return sum;
}

}  // namespace trit::cortex_m
