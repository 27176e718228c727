#include "kernels/cortex_m/q8_lookup.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include <arm_mve.h>

#include <type_traits>

namespace trit::cortex_m {

template <typename In>
void LookupQ8Mve(int64_t count, const In* input, const uint8_t* table, uint8_t* output) {
  const auto* in = reinterpret_cast<const uint8_t*>(input);
  const uint8x16_t flip = vdupq_n_u8(std::is_signed_v<In> ? 0x80 : 0x00);
  for (int64_t i = 0; i < count; i += 16) {
    const mve_pred16_t lanes = vctp8q(static_cast<uint32_t>(count - i < 16 ? count - i : 16));
    const uint8x16_t offsets = veorq_u8(vldrbq_z_u8(in + i, lanes), flip);
    vstrbq_p_u8(output + i, vldrbq_gather_offset_z_u8(table, offsets, lanes), lanes);
  }
}

template void LookupQ8Mve<int8_t>(int64_t, const int8_t*, const uint8_t*, uint8_t*);
template void LookupQ8Mve<uint8_t>(int64_t, const uint8_t*, const uint8_t*, uint8_t*);

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
