#include "kernels/cortex_m/q8_add.h"

#if defined(__ARM_FEATURE_DSP)  // built into every Cortex-M image; compiled where DSP exists
#include "kernels/requantize.h"

namespace trit::cortex_m {

template <typename A, typename B, typename Out>
void AddQ8Dsp(int64_t count, const A* x, const B* y, const ref::QuantAddParams& p, Out* out) {
  const auto ma = static_cast<int32_t>(p.multiplier_a), mb = static_cast<int32_t>(p.multiplier_b);
  const int32_t za = p.zero_a, zb = p.zero_b, zero = p.zero_out, lo = p.lo, hi = p.hi;
  const int shift = p.shift;
  const int64_t rounding = int64_t{1} << (shift - 1);
  // The loop per shift range: each has a constant-free 32-bit epilogue.
  if (shift >= 32) {
    const int k = shift - 32;
    for (int64_t i = 0; i < count; ++i) {
      int64_t acc = rounding;
      acc += static_cast<int64_t>(static_cast<int32_t>(x[i]) - za) * ma;
      acc += static_cast<int64_t>(static_cast<int32_t>(y[i]) - zb) * mb;
      const int32_t value = zero + (static_cast<int32_t>(acc >> 32) >> k);
      out[i] = static_cast<Out>(Clamp(value, lo, hi));
    }
    return;
  }
  for (int64_t i = 0; i < count; ++i) {
    int64_t acc = rounding;
    acc += static_cast<int64_t>(static_cast<int32_t>(x[i]) - za) * ma;
    acc += static_cast<int64_t>(static_cast<int32_t>(y[i]) - zb) * mb;
    const auto low = static_cast<uint32_t>(acc), high = static_cast<uint32_t>(acc >> 32);
    const auto shifted = static_cast<int32_t>((low >> shift) | (high << (32 - shift)));
    out[i] = static_cast<Out>(Clamp(zero + shifted, lo, hi));
  }
}

#define TRIT_INSTANTIATE_ADD_DSP(A, B, Out) \
  template void AddQ8Dsp<A, B, Out>(int64_t, const A*, const B*, const ref::QuantAddParams&, Out*);
TRIT_INSTANTIATE_ADD_DSP(int8_t, int8_t, int8_t)
TRIT_INSTANTIATE_ADD_DSP(int8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_ADD_DSP(int8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_ADD_DSP(int8_t, uint8_t, uint8_t)
TRIT_INSTANTIATE_ADD_DSP(uint8_t, int8_t, int8_t)
TRIT_INSTANTIATE_ADD_DSP(uint8_t, int8_t, uint8_t)
TRIT_INSTANTIATE_ADD_DSP(uint8_t, uint8_t, int8_t)
TRIT_INSTANTIATE_ADD_DSP(uint8_t, uint8_t, uint8_t)

}  // namespace trit::cortex_m

#endif  // __ARM_FEATURE_DSP
