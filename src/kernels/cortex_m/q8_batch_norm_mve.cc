#include "kernels/cortex_m/q8_batch_norm.h"

#if defined(__ARM_FEATURE_MVE)  // built into every Cortex-M image; compiled where MVE exists
#include "kernels/cortex_m/mve_load.h"

namespace trit::cortex_m {

// Four channels a step, the channel tail predicated: the split identity of q8_batch_norm.h in
// 32-bit lanes, the terms loaded per four channels.
template <typename In, typename Out>
void BatchNormQ8Mve(const BatchNormQ8Params& p, const In* input, Out* output, void* scratch) {
  const BatchNormTerms t =
      SplitBatchNormTerms(p.channels, p.multiplier, p.offset, p.shift, scratch);
  const int32_t right = -(p.shift - 16);
  const int32x4_t lo = vdupq_n_s32(p.lo), hi = vdupq_n_s32(p.hi);
  const auto channels = static_cast<int32_t>(p.channels);
  for (int64_t n = 0; n < p.positions; ++n) {
    const In* x = input + n * channels;
    Out* y = output + n * channels;
    for (int32_t c = 0; c < channels; c += 4) {
      const mve_pred16_t lanes = vctp32q(static_cast<uint32_t>(channels - c));
      const int32x4_t d = vsubq_n_s32(LoadWidened4(x + c, lanes), p.input_zero_point);
      const int32x4_t low = vshrq_n_s32(vaddq_s32(vmulq_s32(d, vldrwq_s32(t.multiplier_low + c)),
                                                  vldrwq_s32(t.remainder_low + c)),
                                        16);
      const int32x4_t joined = vaddq_s32(vaddq_s32(vmulq_s32(d, vldrwq_s32(t.multiplier_high + c)),
                                                   vldrwq_s32(t.remainder_high + c)),
                                         low);
      const int32x4_t value = vaddq_s32(
          vaddq_n_s32(vldrwq_s32(t.quotient + c), p.output_zero_point), vshlq_r_s32(joined, right));
      vstrbq_p_s32(reinterpret_cast<int8_t*>(y + c), vminq_s32(vmaxq_s32(value, lo), hi), lanes);
    }
  }
}

#define TRIT_INSTANTIATE_BN_MVE(In, Out) \
  template void BatchNormQ8Mve<In, Out>(const BatchNormQ8Params&, const In*, Out*, void*);
TRIT_INSTANTIATE_BN_MVE(int8_t, int8_t)
TRIT_INSTANTIATE_BN_MVE(int8_t, uint8_t)
TRIT_INSTANTIATE_BN_MVE(uint8_t, int8_t)
TRIT_INSTANTIATE_BN_MVE(uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_MVE
