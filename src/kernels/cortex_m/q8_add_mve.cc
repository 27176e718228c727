#include "kernels/cortex_m/q8_add.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include "kernels/cortex_m/mve_load.h"

namespace trit::cortex_m {

// Four elements a step in 32-bit lanes. Why it is exact (q8_add.h has the bounds): with
// M = Mh * 2^16 + Ml (0 <= M < 2^31, 0 <= Ml < 2^16) for each multiplier and d = x - z
// (|d| < 2^9 for zero points within -128..255),
//     sum = (da Mha + db Mhb) 2^16 + (da Mla + db Mlb) = H 2^16 + L,
// |H| < 2^25 and |L| < 2^26, both exact in 32 bits. Writing the rounding term 2^(s-1) as
// Rh 2^16 + Rl (s >= 17: Rh = 2^(s-17), Rl = 0; s = 16: Rh = 0, Rl = 2^15), and since floor
// divisions by powers of two nest,
//     (sum + 2^(s-1)) >> s  ==  (H + Rh + ((L + Rl) >> 16)) >> (s - 16),
// whose operand stays below 2^30 + 2^25 + 2^10 < 2^31 for s <= 47.
template <typename A, typename B, typename Out>
void AddQ8Mve(int64_t count, const A* x, const B* y, const ref::QuantAddParams& p, Out* out) {
  const auto ma = static_cast<int32_t>(p.multiplier_a), mb = static_cast<int32_t>(p.multiplier_b);
  const int32_t ma_high = ma >> 16, ma_low = ma & 0xFFFF;
  const int32_t mb_high = mb >> 16, mb_low = mb & 0xFFFF;
  const int s = p.shift;
  const int32_t rounding_high = s >= 17 ? int32_t{1} << (s - 17) : 0;
  const int32_t rounding_low = s == 16 ? int32_t{1} << 15 : 0;
  const int32x4_t lo = vdupq_n_s32(p.lo), hi = vdupq_n_s32(p.hi);
  for (int64_t i = 0; i < count; i += 4) {
    const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(count - i < 4 ? count - i : 4));
    const int32x4_t da = vsubq_n_s32(LoadWidened4(x + i, lanes), p.zero_a);
    const int32x4_t db = vsubq_n_s32(LoadWidened4(y + i, lanes), p.zero_b);
    const int32x4_t high = vmlaq_n_s32(vmulq_n_s32(da, ma_high), db, mb_high);
    const int32x4_t low = vmlaq_n_s32(vmulq_n_s32(da, ma_low), db, mb_low);
    const int32x4_t joined = vaddq_s32(vaddq_n_s32(high, rounding_high),
                                       vshrq_n_s32(vaddq_n_s32(low, rounding_low), 16));
    const int32x4_t value = vaddq_n_s32(vshlq_r_s32(joined, -(s - 16)), p.zero_out);
    vstrbq_p_s32(reinterpret_cast<int8_t*>(out + i), vminq_s32(vmaxq_s32(value, lo), hi), lanes);
  }
}

#define TRIT_INSTANTIATE_ADD_MVE(A, B, Out) \
  template void AddQ8Mve<A, B, Out>(int64_t, const A*, const B*, const ref::QuantAddParams&, Out*);
TRIT_INSTANTIATE_ADD_MVE(int8_t, int8_t, int8_t)
TRIT_INSTANTIATE_ADD_MVE(int8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_ADD_MVE(int8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_ADD_MVE(int8_t, uint8_t, uint8_t)
TRIT_INSTANTIATE_ADD_MVE(uint8_t, int8_t, int8_t)
TRIT_INSTANTIATE_ADD_MVE(uint8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_ADD_MVE(uint8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_ADD_MVE(uint8_t, uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
